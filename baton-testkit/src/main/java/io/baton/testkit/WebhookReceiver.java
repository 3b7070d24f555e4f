package io.baton.testkit;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server on 127.0.0.1 (the JDK's {@code HttpServer}) that records every POST body to {@code /hook}.
 * It responds with status 500 to the first {@code failFirst} requests and 200 after, to exercise a sender's retries.
 */
public final class WebhookReceiver implements AutoCloseable {

    private final HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> secrets = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    /**
     * Starts the receiver.
     *
     * @param secretHeader header whose values {@link #secrets()} records
     */
    public static WebhookReceiver start(int failFirst, String secretHeader) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        WebhookReceiver receiver = new WebhookReceiver(server);
        server.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            receiver.secrets.add(String.valueOf(exchange.getRequestHeaders().getFirst(secretHeader)));
            boolean fail = receiver.requests.incrementAndGet() <= failFirst;
            if (!fail) {
                receiver.bodies.add(body);
            }
            exchange.sendResponseHeaders(fail ? 500 : 200, -1);
            exchange.close();
        });
        server.start();
        return receiver;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** Returns the bodies of the requests that got status 200, in order. */
    public List<String> bodies() {
        return List.copyOf(bodies);
    }

    /** Returns the secret header of every request, in order, or "null" where it was missing. */
    public List<String> secrets() {
        return List.copyOf(secrets);
    }

    /** Returns how many requests arrived, failed ones included. */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
