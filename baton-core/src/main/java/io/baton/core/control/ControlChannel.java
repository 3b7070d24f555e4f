package io.baton.core.control;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Line-delimited JSON over a Unix domain socket. Writes are serialized; reads belong to one thread.
 * End of stream means the other side is gone: a worker exits at once, a daemon treats the worker as dead.
 */
public final class ControlChannel implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final SocketChannel channel;
    private final BufferedReader reader;
    private final OutputStream out;

    public ControlChannel(SocketChannel channel) {
        this.channel = channel;
        this.reader = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    public synchronized void send(ControlMessage message) throws IOException {
        byte[] line = JSON.writeValueAsBytes(message);
        out.write(line);
        out.write('\n');
        out.flush();
    }

    /** Returns the next message, or null at end of stream. */
    public ControlMessage receive() throws IOException {
        String line = reader.readLine();
        return line == null ? null : JSON.readValue(line, ControlMessage.class);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a socket whose peer is gone can fail; nothing is lost.
        }
    }
}
