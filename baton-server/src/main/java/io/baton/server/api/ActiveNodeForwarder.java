package io.baton.server.api;

import io.baton.core.cluster.NodeRegistration;
import io.baton.core.cluster.NodeRegistry;
import io.baton.core.lease.Lease;
import io.baton.core.lease.LeaseFile;
import io.baton.server.api.ApiServer.ApiException;
import io.baton.server.cluster.ClusterSecret;
import io.baton.server.node.NodeDaemon;
import io.baton.server.node.NodeRole;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards the {@code /api} calls that only the active node can serve, when this node is not active,
 * as a before-handler that runs after {@link Authenticator}. The call keeps its method, path, query,
 * body and the caller's {@code Authorization}; {@link ForwardedCall} signs who forwarded it and for
 * whom. The active node's response comes back with {@value #FORWARDED_TO} naming that node.
 *
 * <p>The cluster view, this node's own view and stop, the console's login (its sessions live on the node that
 * served the login), and a forced takeover (which this node shall perform) stay local. A switch-over is forwarded, because the active node hands over its epoch.
 *
 * <p>Forwarded calls are audited once, by the active node; this node only logs them. When no node is
 * active, the holder's lease is silent, or its API cannot be reached, the call fails with 503 {@code
 * passive} and says what to do; {@link CallAudit} then logs it, as a passive node cannot write the journal.
 */
final class ActiveNodeForwarder {

    private static final Logger log = LoggerFactory.getLogger(ActiveNodeForwarder.class);

    /** Response header that names the active node that served a forwarded call, and its API address. */
    static final String FORWARDED_TO = "Baton-Forwarded-To";

    /** Paths that every node serves itself, active or not. */
    private static final Set<String> LOCAL_PATHS = Set.of("/api/cluster", "/api/node", "/api/session", "/api/node/stop", "/api/routes", "/api/takeover");

    /** Request headers passed on; the rest (Host, Content-Length, hop-by-hop headers) belong to one connection. */
    private static final List<String> REQUEST_HEADERS = List.of("Authorization", "Content-Type", "Accept", "Accept-Language");

    /** Response headers not passed back, because they describe the connection to the active node. */
    private static final Set<String> CONNECTION_HEADERS = Set.of("connection", "content-length", "date", "keep-alive", "server",
            "transfer-encoding", "upgrade", ":status");

    /** Time to connect to the active node; the call itself may take as long as the CLI waits (a deploy, a switch-over). */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);

    private final NodeDaemon node;
    private final ClusterSecret secret;
    private final HttpClient http;
    private final Clock clock;

    ActiveNodeForwarder(NodeDaemon node, ClusterSecret secret, HttpClient http, Clock clock) {
        this.node = node;
        this.secret = secret;
        this.http = http;
        this.clock = clock;
    }

    /** Builds the client that forwards calls: with TLS, it trusts what {@link ApiTls#clientContext} trusts. */
    static HttpClient client(ApiTls tls) throws IOException {
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT);
        if (tls != null) {
            client.sslContext(tls.clientContext());
        }
        return client.build();
    }

    /** The before-handler: forwards the call and skips this node's handlers, or returns to let this node serve it. */
    void handle(Context ctx) {
        if (node.role() == NodeRole.ACTIVE || LOCAL_PATHS.contains(ctx.path().replaceAll("/+$", ""))) {
            return;
        }
        String nodeId = node.nodeId();
        if (ctx.header(ForwardedCall.BY) != null) {
            // Forwarded once already: the lease changed hands in between, and forwarding again could go round in circles.
            throw unavailable(ctx, "node " + nodeId + " received a call forwarded by node " + ctx.header(ForwardedCall.BY)
                    + " but is " + node.role() + " itself; the active node changed meanwhile, so send the call again");
        }
        if (secret == null) {
            throw unavailable(ctx, "node " + nodeId + " is " + node.role() + " and cannot forward the call, because it could not read"
                    + " state/" + ClusterSecret.FILE_NAME + " at start (see its log); send the call to the active node, " + activeNodeHint());
        }

        Target target = target(ctx);

        Principal caller = Principal.of(ctx);
        ForwardedCall call = new ForwardedCall(nodeId, ctx.ip(), caller == Principal.NODE, clock.instant());
        HttpResponse<InputStream> response = send(ctx, target, call);

        ctx.status(response.statusCode());
        response.headers().map().forEach((name, values) -> {
            if (!CONNECTION_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> ctx.res().addHeader(name, value));
            }
        });
        ctx.header(FORWARDED_TO, target.nodeId() + " " + target.apiUrl());
        ctx.result(response.body());
        log.info("Node {} forwarded {} {} by {} from {} to the active node {} at {}: HTTP {}", nodeId, ctx.method(), ctx.path(),
                caller.name(), ctx.ip(), target.nodeId(), target.apiUrl(), response.statusCode());
        // Skips this node's endpoint and its audit after-handler: the active node records the call.
        ctx.skipRemainingHandlers();
    }

    private record Target(String nodeId, String apiUrl) {
    }

    /** Finds the active node through the lease and its registry entry, or fails with 503 when there is none to forward to. */
    private Target target(Context ctx) {
        String nodeId = node.nodeId();
        Lease lease;
        try {
            lease = new LeaseFile(node.data().leaseFile()).read();
        } catch (IOException e) {
            throw unavailable(ctx, "node " + nodeId + " is " + node.role() + " and cannot read the lease " + node.data().leaseFile()
                    + " to find the active node: " + e.getMessage() + "; check the shared data directory");
        }
        if (lease == null) {
            throw unavailable(ctx, "node " + nodeId + " is " + node.role() + " and no node is active; start a node, or wait for a"
                    + " passive node to take over, then send the call again");
        }
        if (lease.nodeId().equals(nodeId)) {
            // This node still holds the lease while it starts, hands over or stops, so there is no other node to forward to.
            throw unavailable(ctx, "node " + nodeId + " is " + node.role() + " and no other node is active yet; send the call again"
                    + " in a few seconds, and see which node is active with: baton cluster");
        }
        String holder = lease.nodeId();
        Long silence = node.holderMonitor().leaseSilenceMillis();
        if (silence != null && silence > node.cluster().leaseDuration().toMillis()) {
            throw unavailable(ctx, "node " + nodeId + " is " + node.role() + " and the active node " + holder + " has not renewed its"
                    + " lease for " + silence + " ms; a passive node takes over once the lease expires, so send the call again in a few"
                    + " seconds, or check the cluster with: baton cluster");
        }
        NodeRegistration entry;
        try {
            entry = new NodeRegistry(node.data().nodes()).read(holder);
        } catch (IOException e) {
            entry = null;
            log.warn("Node {} cannot read the registry entry of the active node {}: {}", nodeId, holder, e.toString());
        }
        if (entry == null || entry.apiUrl() == null || entry.apiUrl().isBlank()) {
            throw unavailable(ctx, "node " + nodeId + " is " + node.role() + " and the active node " + holder + " has no API address"
                    + " in state/nodes/" + holder + "; send the call to node " + holder + " directly");
        }
        return new Target(holder, entry.apiUrl());
    }

    private HttpResponse<InputStream> send(Context ctx, Target target, ForwardedCall call) {
        String pathAndQuery = Authenticator.pathAndQuery(ctx);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.apiUrl() + pathAndQuery)).timeout(CALL_TIMEOUT)
                .method(ctx.method().name(), body(ctx));
        for (String name : REQUEST_HEADERS) {
            String value = ctx.header(name);
            boolean ownToken = name.equals("Authorization") && call.nodeToken();
            if (value != null && !ownToken) {
                request.header(name, value);
            }
        }
        call.sign(secret, ctx.method().name(), pathAndQuery, request::header);

        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unavailable(ctx, "node " + node.nodeId() + " is " + node.role() + " and cannot reach the active node " + target.nodeId()
                    + " at " + target.apiUrl() + " (" + describe(e) + "); if that node has failed, a passive node takes over once its"
                    + " lease expires, so send the call again then; check the cluster with: baton cluster");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(ctx, "node " + node.nodeId() + " was interrupted while forwarding the call to node " + target.nodeId());
        }
    }

    /** Streams the request body, because a deploy archive can be many megabytes. */
    private static HttpRequest.BodyPublisher body(Context ctx) {
        long length = ctx.contentLength();
        // Without Content-Length and Transfer-Encoding, an HTTP/1.1 request has no body.
        if (length == 0 || (length < 0 && ctx.header("Transfer-Encoding") == null)) {
            return HttpRequest.BodyPublishers.noBody();
        }
        HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(ctx::bodyInputStream);
        return length > 0 ? HttpRequest.BodyPublishers.fromPublisher(stream, length) : stream;
    }

    private static String describe(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no response within " + CALL_TIMEOUT.toMinutes() + " minutes";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + message;
    }

    private String activeNodeHint() {
        try {
            Lease lease = new LeaseFile(node.data().leaseFile()).read();
            return lease == null ? "once one is active" : "node " + lease.nodeId();
        } catch (IOException e) {
            return "which baton cluster names";
        }
    }

    private ApiException unavailable(Context ctx, String message) {
        log.warn("Node {} did not forward {} {} from {}: {}", node.nodeId(), ctx.method(), ctx.path(), ctx.ip(), message);
        return new ApiException(ErrorCode.PASSIVE, message);
    }
}
