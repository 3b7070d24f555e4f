package io.baton.transport.ftp;

import java.io.IOException;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPReply;

/** A negative reply of the FTP server to one command, with its code and its text on one line. */
final class FtpReplyException extends IOException {

    private final int code;
    private final String text;

    FtpReplyException(int code, String text) {
        super(text);
        this.code = code;
        this.text = text;
    }

    /** Captures the client's last reply; call it right after the command that failed. */
    static FtpReplyException lastReply(FTPClient client) {
        return new FtpReplyException(client.getReplyCode(), replyText(client));
    }

    /** Returns the last reply on one line, because a multi-line reply would break a log line. */
    static String replyText(FTPClient client) {
        String reply = client.getReplyString();
        return reply == null ? "(no reply)" : reply.strip().replaceAll("[\\r\\n]+", " ");
    }

    int code() {
        return code;
    }

    String text() {
        return text;
    }

    /** Tells whether the reply is a 4xx, a transient negative reply (421 included) that a later attempt can turn into success. */
    boolean transientReply() {
        return FTPReply.isNegativeTransient(code);
    }
}
