package io.baton.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.baton.core.auth.AccountException;
import io.baton.core.auth.AccountStore;
import io.baton.core.cluster.NodeRegistration;
import io.baton.core.cluster.NodeRegistry;
import io.baton.core.config.ConfigException;
import io.baton.core.config.NodeConfig;
import io.baton.core.config.ServiceDescriptor;
import io.baton.core.journal.Journal;
import io.baton.core.config.Durations;
import io.baton.core.journal.RoleChanges;
import io.baton.core.journal.Runs;
import io.baton.core.journal.ScheduleSlots;
import io.baton.core.journal.WorkItems;
import io.baton.core.lease.Lease;
import io.baton.core.lease.LeaseFile;
import io.baton.server.cluster.ClusterSecret;
import io.baton.server.node.NodeDaemon;
import io.baton.server.node.ForcedTakeoverRefusedException;
import io.baton.server.node.NodeRole;
import io.baton.server.node.SwitchOverResult;
import io.baton.server.service.RunOutcome;
import io.baton.server.service.InvalidArchiveException;
import io.baton.server.service.ServiceManager;
import io.baton.server.service.VersionNotFoundException;
import io.baton.server.service.ServiceRuntime;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.validation.ValidationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's REST API, on loopback unless configured otherwise. Every {@code /api} call needs a login,
 * checked by {@link Authenticator}: the node's own bearer token, which the daemon writes at start to
 * {@code run/api.token} (readable by its user only) for the local CLI, an API token, or a user's
 * password. The health endpoints need none. A node that is not active forwards most calls to the
 * active node ({@link ActiveNodeForwarder}). With {@code api.tls} configured the API serves HTTPS only
 * ({@link ApiTls}); the daemon writes its address to {@code run/api.url} and, with TLS, its certificate to
 * {@code run/api.crt}, so that the local CLI can reach and trust it. Every error is an {@link ApiError}
 * whose code comes from {@link ErrorCode}, and {@code GET /api/openapi.yaml} serves the hand-written
 * description of every route. The web console's pages are served from {@code /console/}
 * ({@link io.baton.server.console.ConsoleAssets}) and log in through {@link SessionRoutes}.
 */
public final class ApiServer {

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    private final Javalin app;
    private final NodeDaemon node;
    private final Authenticator authenticator;
    private final AccountRoutes accounts;
    private final RouteList routeList;
    private final Path runFolder;
    private final CallAudit audit;
    private final ActiveNodeForwarder forwarder;
    private final String nodeId;

    private ApiServer(Javalin app, NodeDaemon node, String nodeId, Authenticator authenticator, AccountRoutes accounts, RouteList routeList,
            Path runFolder, ActiveNodeForwarder forwarder) {
        this.app = app;
        this.forwarder = forwarder;
        this.node = node;
        this.authenticator = authenticator;
        this.accounts = accounts;
        this.routeList = routeList;
        this.runFolder = runFolder;
        this.nodeId = nodeId;
        this.audit = new CallAudit(nodeId, () -> node == null ? null : node.journal(), java.time.Clock.systemUTC(),
                new AnonymousCallLimit(CallAudit.ANONYMOUS_ROWS, CallAudit.ANONYMOUS_WINDOW, System::nanoTime));
    }

    /**
     * Starts the API of a node.
     *
     * @param tlsConfig the keystore of the API's certificate, or null for plain HTTP
     * @throws IOException when the port is in use, or the keystore cannot be loaded (the message names the file)
     */
    public static ApiServer start(NodeDaemon node, Path runFolder, String host, int port, NodeConfig.ApiTls tlsConfig) throws IOException {
        ApiTls tls = tlsConfig == null ? null : ApiTls.load(tlsConfig);
        return start(node, node.nodeId(), node.data().usersFile(), runFolder, host, port, tls, clusterSecret(node));
    }

    /**
     * Starts the API of a node; {@code node} is null only where a test starts the API alone, to check a busy port.
     *
     * @param secret the key of forwarded calls, or null when this node neither forwards nor accepts them
     */
    static ApiServer start(NodeDaemon node, String nodeId, Path usersFile, Path runFolder, String host, int port, ApiTls tls,
            ClusterSecret secret) throws IOException {
        String token = HexFormat.of().formatHex(randomBytes());
        RouteList routeList = new RouteList();
        Javalin app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            routeList.listen(cfg);
            io.baton.server.console.ConsoleAssets.configure(cfg);
            if (tls != null) {
                cfg.jetty.addConnector((server, http) -> tls.connector(server, http, host, port));
            }
        });
        AccountStore store = new AccountStore(usersFile);
        Authenticator authenticator = new Authenticator(nodeId, token.getBytes(StandardCharsets.UTF_8), store, secret, Clock.systemUTC());
        AccountRoutes accounts = new AccountRoutes(nodeId, store, Clock.systemUTC());
        ActiveNodeForwarder forwarder = node == null ? null : new ActiveNodeForwarder(node, secret, ActiveNodeForwarder.client(tls), Clock.systemUTC());
        ApiServer api = new ApiServer(app, node, nodeId, authenticator, accounts, routeList, runFolder, forwarder);
        api.routes();
        try {
            app.start(host, port);
        } catch (io.javalin.util.JavalinBindException e) {
            throw new java.net.BindException("the API port " + port + " on " + host + " is already in use by another process;"
                    + " stop that process, or give this node another port with --api-port N or api.port in "
                    + "conf/node.yaml of its program directory");
        }
        writeSecret(runFolder.resolve("api.token"), token);
        LocalApiAddress.write(runFolder, host, app.port(), tls);
        return api;
    }

    /** Reads or creates the cluster secret; without it this node neither forwards calls nor accepts forwarded ones. */
    private static ClusterSecret clusterSecret(NodeDaemon node) {
        try {
            return ClusterSecret.readOrCreate(node.data().state(), node.nodeId());
        } catch (IOException e) {
            log.error("Node {} cannot read or create the cluster secret in {}: {}; it neither forwards calls to the active node nor"
                    + " accepts calls forwarded by a passive node until it is restarted with a readable secret", node.nodeId(),
                    node.data().state(), e.toString());
            return null;
        }
    }


    private static byte[] randomBytes() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static void writeSecret(Path file, String value) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
    }

    public int port() {
        return app.port();
    }

    /** Stops serving and removes the address and token files, so that the CLI reports no running node. */
    public void stop() {
        app.stop();
        try {
            LocalApiAddress.remove(runFolder);
            Files.deleteIfExists(runFolder.resolve("api.token"));
        } catch (IOException e) {
            log.warn("Cannot remove the API files in {}: {}", runFolder, e.toString());
        }
    }

    private void routes() {
        app.before("/api/*", authenticator::handle);
        if (forwarder != null) {
            app.before("/api/*", forwarder::handle);
        }
        app.after("/api/*", audit::record);
        registerErrorHandlers();

        app.get("/health/live", ctx -> ctx.result("live"));
        // Ready once the node has settled into a role, active or passive, and until it starts to stop.
        app.get("/health/ready", ctx -> {
            NodeRole role = node.role();
            boolean ready = role == NodeRole.ACTIVE || role == NodeRole.PASSIVE;
            ctx.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).result(ready ? "ready" : role.name().toLowerCase());
        });
        // Prometheus scrapes with a viewer's API token, because every call but the health checks needs a login.
        app.before("/metrics", authenticator::handle);
        app.get("/metrics", ctx -> ctx.contentType(PROMETHEUS_TEXT).result(node.metrics().scrape()));
        app.get("/health/active", ctx -> {
            // The node id lets a monitor outside the cluster tell two active nodes from one node under two URLs.
            ctx.header("Baton-Node", node.nodeId());
            boolean isActive = node.role() == NodeRole.ACTIVE;
            ctx.status(isActive ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).result(isActive ? "active" : node.role().name().toLowerCase());
        });

        app.get("/", ctx -> ctx.redirect(io.baton.server.console.ConsoleAssets.PATH + "/"));
        new SessionRoutes(authenticator, nodeId, () -> node == null ? "NONE" : node.role().name()).register(app);
        app.get("/api/node", ctx -> ctx.json(nodeView()));
        app.get("/api/routes", ctx -> ctx.json(routeList.routes()));
        app.get("/api/openapi.yaml", OpenApiDocument.load()::serve);
        accounts.register(app);
        app.post("/api/node/stop", ctx -> {
            ctx.json(Map.of("message", "Node " + node.nodeId() + " is stopping"));
            // The shutdown closes the journal, so it starts only once the call is recorded.
            CallAudit.afterRecording(ctx, () -> Thread.ofPlatform().name("api-stop").start(node::shutdown));
        });
        app.post("/api/switchover", this::switchOver);
        app.post("/api/takeover", this::forceTakeover);
        app.get("/api/role-changes", ctx -> {
            int limit = QueryParameters.wholeNumber("limit", ctx.queryParam("limit"), 20, 1, 10_000);
            ctx.json(journal().call(c -> RoleChanges.recent(c, limit)));
        });
        app.get("/api/services", ctx -> ctx.json(services().list().stream().map(ApiServer::serviceView).toList()));
        app.post("/api/services", this::deploy);
        app.get("/api/services/{name}", ctx -> ctx.json(serviceView(service(ctx))));
        app.delete("/api/services/{name}", ctx -> {
            String name = ctx.pathParam("name");
            CallAudit.service(ctx, name, null);
            if (!services().undeploy(name)) {
                throw new ApiException(ErrorCode.NOT_FOUND, "service " + name + " is not deployed");
            }
            ctx.json(Map.of("message", "Service " + name + " undeployed"));
        });
        app.post("/api/services/{name}/start", ctx -> {
            ServiceRuntime s = service(ctx);
            String error = s.start();
            if (error != null) {
                throw new ApiException(ErrorCode.START_FAILED, error);
            }
            ctx.json(serviceView(s));
        });
        app.post("/api/services/{name}/stop", ctx -> {
            ServiceRuntime s = service(ctx);
            s.stop();
            ctx.json(serviceView(s));
        });
        app.post("/api/services/{name}/kill", ctx -> {
            ServiceRuntime s = service(ctx);
            s.kill();
            ctx.json(serviceView(s));
        });
        app.post("/api/services/{name}/pause", ctx -> {
            ServiceRuntime s = service(ctx);
            String error = s.pause();
            if (error != null) {
                throw new ApiException(ErrorCode.CONFLICT, error);
            }
            ctx.json(serviceView(s));
        });
        app.post("/api/services/{name}/resume", ctx -> {
            ServiceRuntime s = service(ctx);
            String error = s.resume();
            if (error != null) {
                throw new ApiException(ErrorCode.CONFLICT, error);
            }
            ctx.json(serviceView(s));
        });
        app.post("/api/services/{name}/trigger", ctx -> {
            ServiceRuntime.TriggerResult r = service(ctx).trigger("manual trigger");
            if (!r.started()) {
                throw new ApiException(ErrorCode.CONFLICT, r.message());
            }
            ctx.json(TriggerResponse.of(ctx.pathParam("name"), r.awaitRunId(TriggerResponse.RUN_ID_WAIT)));
        });
        app.get("/api/services/{name}/waiting", ctx -> ctx.json(service(ctx).waiting()));
        app.get("/api/services/{name}/slots", ctx -> {
            String name = ctx.pathParam("name");
            int limit = QueryParameters.wholeNumber("limit", ctx.queryParam("limit"), 20, 1, 10_000);
            List<ScheduleSlots.SlotRecord> slots = journal().call(c -> ScheduleSlots.recent(c, name, limit));
            if (slots.isEmpty() && services().get(name) == null) {
                throw new ApiException(ErrorCode.NOT_FOUND, "service " + name + " is not deployed and has no schedule slots;"
                        + " see baton services");
            }
            ctx.json(slots);
        });
        app.get("/api/cron", ctx -> ctx.json(CronPreview.of(ctx.queryParam("expression"), ctx.queryParam("timeZone"),
                QueryParameters.wholeNumber("count", ctx.queryParam("count"), 5, 1, 100))));
        app.get("/api/services/{name}/runs", ctx -> {
            String name = ctx.pathParam("name");
            int limit = QueryParameters.wholeNumber("limit", ctx.queryParam("limit"), 20, 1, 10_000);
            List<Runs.RunRecord> runs = journal().call(c -> Runs.ofService(c, name, limit));
            if (runs.isEmpty() && services().get(name) == null) {
                throw new ApiException(ErrorCode.NOT_FOUND, "service " + name + " is not deployed and has no runs");
            }
            ctx.json(runs);
        });
        new ItemActionRoutes(this::services, this::journal).register(app);
        new AuditRoutes(this::journal).register(app);
        new LineageRoutes(this::journal).register(app);
        new StatsRoutes(this::journal).register(app);
        new VersionRoutes(this::services).register(app);
        // The logs folder of the data directory; a test that starts the API alone reads a folder of its own.
        new LogRoutes(node == null ? runFolder.resolve("logs") : node.data().logs()).register(app);
        new SettingsRoutes(this::services, node == null ? null : node.nodeId()).register(app);
        new io.baton.server.cluster.ClusterRoutes(node).register(app);
        new AlertRoutes(() -> node.alerts(), () -> node.role() == NodeRole.ACTIVE, () -> node.nodeId()).register(app);
        app.get("/api/runs/{id}", ctx -> {
            long id = ctx.pathParamAsClass("id", Long.class).get();
            Map<String, Object> body = journal().call(c -> {
                Runs.RunRecord run = Runs.byId(c, id);
                if (run == null) {
                    return null;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("run", run);
                List<WorkItems.ItemRecord> items = WorkItems.ofRun(c, id);
                m.put("items", items);
                // Publish actions that are not done yet, so that a blocked or pending item shows which step waits and why.
                List<WorkItems.ActionRecord> open = new java.util.ArrayList<>();
                for (WorkItems.ItemRecord item : items) {
                    for (WorkItems.ActionRecord a : WorkItems.actionsOfItem(c, item.id())) {
                        if (!a.state().isFinal()) {
                            open.add(a);
                        }
                    }
                }
                m.put("openActions", open);
                return m;
            });
            if (body == null) {
                throw new ApiException(ErrorCode.NOT_FOUND, "run " + id + " is not in the journal; list the runs of a service with: baton runs SERVICE");
            }
            ctx.json(body);
        });
    }

    /**
     * Maps every failure to the one error body {@link ApiError}: the API's own exceptions, rejected account
     * changes, invalid descriptors and archives, invalid parameters, request bodies that are not valid JSON,
     * Javalin's own responses (404 for an unknown route), and any other exception as {@code internal}.
     */
    private void registerErrorHandlers() {
        app.exception(ApiException.class, (e, ctx) -> error(ctx, e.code(), e.getMessage(), e.field()));
        app.exception(AccountException.class, AccountRoutes::handle);
        app.exception(ConfigException.class, (e, ctx) -> error(ctx, ErrorCode.INVALID_DESCRIPTOR, e.getMessage(), e.field()));
        app.exception(InvalidArchiveException.class, (e, ctx) -> error(ctx, ErrorCode.INVALID_ARCHIVE, e.getMessage(), e.entry()));
        app.exception(VersionNotFoundException.class, (e, ctx) -> error(ctx, ErrorCode.NOT_FOUND, e.getMessage(), "version"));
        app.exception(io.baton.core.settings.SettingsException.class,
                (e, ctx) -> error(ctx, ErrorCode.INVALID_PARAMETER, e.getMessage(), e.field()));
        app.exception(ValidationException.class, (e, ctx) -> {
            String field = e.getErrors().keySet().stream().findFirst().orElse(null);
            String message = e.getErrors().entrySet().stream()
                    .map(en -> "parameter '" + en.getKey() + "' is invalid: " + en.getValue().stream()
                            .map(v -> v.getMessage() + (v.getValue() == null ? "" : " (value '" + v.getValue() + "')")).toList())
                    .findFirst().orElse("invalid parameter");
            error(ctx, ErrorCode.INVALID_PARAMETER, message, field);
        });
        app.exception(JsonProcessingException.class, this::rejectBody);
        app.exception(HttpResponseException.class, (e, ctx) -> {
            ErrorCode code = ErrorCode.ofStatus(e.getStatus());
            String route = ctx.method() + " " + ctx.path();
            String message = switch (code) {
                case NOT_FOUND -> "no route " + route + "; list the routes with GET /api/routes";
                case REQUEST_TOO_LARGE -> "the request body of " + ctx.contentLength() + " bytes is larger than the node accepts for "
                        + route + "; send a service with large jars as a service archive (Content-Type: " + ZIP + "), up to "
                        + (io.baton.server.service.ServiceArchive.MAX_ARCHIVE_BYTES >> 20) + " MiB";
                default -> e.getMessage() + " (" + route + ")";
            };
            log.info("Node {} rejected {} with {}: {}", nodeId, route, code.code(), message);
            error(ctx, code, message, null);
        });
        app.exception(Exception.class, (e, ctx) -> {
            log.error("Node {}: API call {} {} failed: {}", nodeId, ctx.method(), ctx.path(), e.toString(), e);
            error(ctx, ErrorCode.INTERNAL, "the node failed to handle the request: " + e + "; see the node's log", null);
        });
    }

    /**
     * Rejects a request body that Jackson could not read: a body field of the wrong type as
     * {@code invalid_parameter} naming the field, anything else (malformed or missing JSON) as
     * {@code invalid_request}. Only the location is reported, because Jackson's message may quote the body,
     * and so a password.
     */
    private void rejectBody(JsonProcessingException e, Context ctx) {
        String field = null;
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            field = mapping.getPath().getLast().getFieldName();
        }
        String problem = field == null ? "the request body is not valid JSON of the expected shape"
                : "body field '" + field + "' has a value of the wrong type";
        String schema = "see the request schema of " + ctx.method() + " " + ctx.endpointHandlerPath() + " in GET /api/openapi.yaml";

        log.info("Node {} rejected the body of {} {}: {} at line {}, column {}", nodeId, ctx.method(), ctx.path(), problem, line(e), column(e));
        error(ctx, field == null ? ErrorCode.INVALID_REQUEST : ErrorCode.INVALID_PARAMETER,
                problem + " (line " + line(e) + ", column " + column(e) + "); " + schema, field);
    }

    private static int line(JsonProcessingException e) {
        return e.getLocation() == null ? 0 : e.getLocation().getLineNr();
    }

    private static int column(JsonProcessingException e) {
        return e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
    }

    /** Deploys the JSON body of {@link DeployRequest}, or a service archive sent as {@code application/zip}. */
    private void deploy(Context ctx) throws IOException {
        ServiceManager.Deployed deployed;
        if (ctx.contentType() != null && ctx.contentType().startsWith(ZIP)) {
            deployed = services().deployArchive(readArchive(ctx), CallAudit.caller(ctx));
        } else {
            DeployRequest req = JsonBody.parse(ctx, DeployRequest.class);
            if (req.descriptor() == null || req.descriptor().isBlank()) {
                throw new ApiException(ErrorCode.INVALID_PARAMETER, "the request has no descriptor; send the text of service.yaml"
                        + " as descriptor, or the service archive as application/zip", "descriptor");
            }
            deployed = services().deploy(req.fileName() == null ? "service.yaml" : req.fileName(), req.descriptor(),
                    req.jars() == null ? Map.of() : req.jars(), CallAudit.caller(ctx));
        }
        CallAudit.service(ctx, deployed.runtime().name(), deployed.version().version());
        ctx.status(HttpStatus.CREATED).json(deployedView(deployed));
    }

    private static final String ZIP = "application/zip";

    /** The Prometheus text exposition format, version 0.0.4. */
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /** Reads an archive body up to its own bound, because Javalin's default request limit of 1 MB is too small for jars. */
    private static byte[] readArchive(Context ctx) throws IOException {
        long max = io.baton.server.service.ServiceArchive.MAX_ARCHIVE_BYTES;
        byte[] body = ctx.bodyInputStream().readNBytes((int) max + 1);
        if (body.length > max) {
            throw new ApiException(ErrorCode.REQUEST_TOO_LARGE, "the archive is larger than " + (max >> 20)
                    + " MiB; remove the jars the service does not need from its lib folder");
        }
        return body;
    }

    /** The service view of a deploy or rollback, with the number of the version it created. */
    static Map<String, Object> deployedView(ServiceManager.Deployed deployed) {
        Map<String, Object> m = serviceView(deployed.runtime());
        m.put("version", deployed.version().version());
        if (deployed.version().rollbackOf() != null) {
            m.put("rollbackOf", deployed.version().rollbackOf());
        }
        if (!deployed.secretsToSet().isEmpty()) {
            m.put("secretsToSet", deployed.secretsToSet());
        }
        return m;
    }

    private void switchOver(Context ctx) {
        SwitchOverRequest req = ctx.body().isBlank() ? new SwitchOverRequest(null, null) : JsonBody.parse(ctx, SwitchOverRequest.class);
        Duration timeout = req.timeout() == null ? DEFAULT_SWITCHOVER_TIMEOUT : Durations.parseOrNull(req.timeout());
        if (timeout == null || timeout.isZero()) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "invalid timeout '" + req.timeout() + "': expected "
                    + Durations.EXPECTED, "timeout");
        }
        String target = req.to() == null || req.to().isBlank() ? null : req.to().trim();
        CallAudit.target(ctx, target);
        if (node.role() != NodeRole.ACTIVE) {
            throw passive();
        }
        SwitchOverResult result;
        try {
            result = node.switchOver(target, timeout, CallAudit.caller(ctx));
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, e.getMessage(), "to");
        } catch (IllegalStateException e) {
            throw new ApiException(ErrorCode.CONFLICT, e.getMessage());
        }
        if (!result.completed()) {
            throw new ApiException(ErrorCode.SWITCHOVER_FAILED, result.message());
        }
        // The node that took the epoch recorded the switch-over, because this node can no longer write the journal.
        CallAudit.recordedByHandler(ctx);
        ctx.json(result);
    }

    private void forceTakeover(Context ctx) {
        TakeoverRequest req = JsonBody.parse(ctx, TakeoverRequest.class);
        CallAudit.target(ctx, req.confirmFenced());
        String actor = Principal.of(ctx).name() + " from " + ctx.ip();
        long start = System.nanoTime();
        long epoch;
        try {
            epoch = node.forceTakeover(req.confirmFenced(), actor);
        } catch (ForcedTakeoverRefusedException e) {
            log.warn("Node {} rejected a forced takeover from node {} requested by {}: {}", node.nodeId(), req.confirmFenced(), actor, e.getMessage());
            throw new ApiException(ErrorCode.CONFLICT, e.getMessage());
        }
        // The journal recorded the takeover in the transaction that took the epoch.
        CallAudit.recordedByHandler(ctx);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("nodeId", node.nodeId());
        body.put("previousNode", req.confirmFenced());
        body.put("epoch", epoch);
        body.put("millis", (System.nanoTime() - start) / 1_000_000);
        body.put("actor", actor);
        ctx.json(body);
    }

    /** Time a switch-over target has to take over, and the services to stop, when the request names none. */
    static final Duration DEFAULT_SWITCHOVER_TIMEOUT = Duration.ofSeconds(30);

    /** Body of a switch-over call: the target node (any passive node when null) and the timeout as a duration text. */
    public record SwitchOverRequest(String to, String timeout) {
    }

    /** Body of a forced takeover call: the holder the operator fenced. */
    public record TakeoverRequest(String confirmFenced) {
    }

    /** Body of a deploy call: the descriptor's text and the service's jars, Base64-encoded. */
    public record DeployRequest(String fileName, String descriptor, Map<String, String> jars) {
    }

    private ServiceManager services() {
        ServiceManager m = node.services();
        if (m == null) {
            throw passive();
        }
        return m;
    }

    private Journal journal() {
        Journal j = node.journal();
        if (j == null) {
            throw passive();
        }
        return j;
    }

    private ApiException passive() {
        String holder = currentHolder();
        NodeRegistration holderEntry = null;
        if (!holder.isEmpty()) {
            try {
                holderEntry = new NodeRegistry(node.data().nodes()).read(holder);
            } catch (IOException e) {
                log.warn("Node {} cannot read the registry entry of node {}: {}", node.nodeId(), holder, e.toString());
            }
        }
        return new ApiException(ErrorCode.PASSIVE, PassiveNodeMessage.text(node.nodeId(), node.role(), holder, holderEntry));
    }

    private long epochInLease() {
        try {
            Lease lease = new LeaseFile(node.data().leaseFile()).read();
            return lease == null ? 0 : lease.epoch();
        } catch (IOException e) {
            return 0;
        }
    }

    private String currentHolder() {
        try {
            Lease lease = new LeaseFile(node.data().leaseFile()).read();
            return lease == null ? "" : lease.nodeId();
        } catch (IOException e) {
            return "";
        }
    }

    private ServiceRuntime service(Context ctx) {
        String name = ctx.pathParam("name");
        ServiceRuntime s = services().get(name);
        if (s == null) {
            throw new ApiException(ErrorCode.NOT_FOUND, "service " + name + " is not deployed; list services with: baton services");
        }
        return s;
    }

    private Map<String, Object> nodeView() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nodeId", node.nodeId());
        m.put("role", node.role());
        m.put("epoch", node.epoch());
        if (node.role() != NodeRole.ACTIVE) {
            // A passive node holds no epoch (0 above); this is the epoch it last saw in the lease.
            m.put("highestEpochSeen", epochInLease());
        }
        m.put("activeNode", node.role() == NodeRole.ACTIVE ? node.nodeId() : currentHolder());
        m.put("dataDirectory", node.data().root().toString());
        ServiceManager services = node.services();
        if (services != null) {
            m.put("workerSlots", services.workerSlots());
        }
        return m;
    }

    private static Map<String, Object> serviceView(ServiceRuntime s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("state", s.state());
        m.put("reason", s.reason());
        m.put("descriptorValid", s.descriptor() != null);
        if (s.descriptor() != null) {
            m.put("description", s.descriptor().description());
            m.put("autoStart", s.automaticStart());
            m.put("autoRestart", s.automaticRestart());
            ServiceDescriptor.ScheduleSpec spec = s.descriptor().schedule();
            m.put("schedule", spec == null ? "manual" : spec.toSchedule().describe());
            m.put("misfire", spec == null ? null : spec.misfire().text());
            java.time.Duration maxRun = s.descriptor().limits().maxRunDuration();
            m.put("maxRunDuration", maxRun == null ? null : io.baton.core.config.Durations.format(maxRun));
            m.put("remotes", RemoteView.of(s.descriptor()));
        }
        m.put("paused", s.paused());
        m.put("nextSlots", s.nextSlots(5));
        m.put("runInProgress", s.runInProgress());
        m.put("workerPid", s.workerPid());
        m.put("restarts", s.restarts());
        boolean changed = s.settingsChanged();
        m.put("settingsChanged", changed);
        if (changed) {
            m.put("note", SETTINGS_CHANGED);
        }
        RunOutcome last = s.lastRun();
        m.put("lastRun", last);
        // The last poll or trigger, which records a run only when it claims a file (or was manual).
        m.put("lastPoll", s.lastRunStart() == null ? null : s.lastRunStart().toString());
        return m;
    }

    /** The note of a service view whose stored settings differ from those its running worker started with. */
    static final String SETTINGS_CHANGED = "settings changed; they take effect at the next start";

    /** Sends the one error body of the API, with the status of its code, and keeps it for the audit trail. */
    static void error(Context ctx, ErrorCode code, String message, String field) {
        ApiError body = new ApiError(code.code(), message, field);
        CallAudit.error(ctx, body);
        ctx.status(code.status()).json(body);
    }

    /** An API failure with its error code, which alone sets the HTTP status. */
    static final class ApiException extends RuntimeException {
        private final ErrorCode code;
        private final String field;

        ApiException(ErrorCode code, String message) {
            this(code, message, null);
        }

        /** An error on one request field, named in the error body. */
        ApiException(ErrorCode code, String message, String field) {
            super(message);
            this.code = code;
            this.field = field;
        }

        ErrorCode code() { return code; }
        String field() { return field; }
    }
}
