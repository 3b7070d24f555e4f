package io.baton.server.alert;

/** A way to send notices besides the log, such as a webhook or e-mail. */
interface AlertChannel {

    /** Returns the name used in logs and routes, such as {@code webhook}. */
    String name();

    /** Returns whether {@code notice} goes to this channel. */
    boolean wants(Notice notice);

    /**
     * Sends one notice, retrying as the channel is configured to.
     *
     * @throws ChannelException when it could not be sent; the caller logs it and goes on with the next notice
     */
    void send(Notice notice) throws ChannelException, InterruptedException;

    /** A notice that a channel could not deliver, with the reason in the message. */
    final class ChannelException extends Exception {
        ChannelException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
