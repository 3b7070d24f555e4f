package io.baton.server.api;

import io.baton.core.journal.Journal;
import io.baton.core.journal.JournalException;
import io.baton.core.journal.OperatorActions;
import io.baton.core.journal.OperatorActions.Actor;
import io.baton.core.journal.OperatorActions.Outcome;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the outcome of every management call in the audit trail, as a Javalin after-handler on
 * {@code /api/*}, so that an endpoint cannot forget it. Every call that is not a GET gets one row: done for
 * a 2xx or 3xx status, failed for a 5xx status or an error code ending in {@code _failed}, refused for any
 * other error. A call of any method without a valid token (401) gets a row with the actor {@code anonymous},
 * within the bound of {@link AnonymousCallLimit}, except the console's login probe ({@code GET /api/session} with no credentials).
 *
 * <p>Handlers add what only they know with the static methods: the service and version of a deploy, the
 * target node, or that they recorded the call themselves (the actions on work items write one row per item,
 * in the transaction that changes the item).
 */
final class CallAudit {

    private static final Logger log = LoggerFactory.getLogger(CallAudit.class);

    /** The actor name of the holder of the node's API token. */
    static final String TOKEN_HOLDER = "api-token";

    /** The actor name of a call without a valid token. */
    static final String ANONYMOUS = "anonymous";

    /** Maximum rows of calls without a valid token within any span of {@link #ANONYMOUS_WINDOW}. */
    static final int ANONYMOUS_ROWS = 10;

    static final Duration ANONYMOUS_WINDOW = Duration.ofMinutes(1);

    private static final String RECORDED = "audit.recorded";
    private static final String SKIP = "audit.skip";
    private static final String SERVICE = "audit.service";
    private static final String VERSION = "audit.version";
    private static final String TARGET = "audit.target";
    private static final String ERROR = "audit.error";
    private static final String AFTER = "audit.after";

    private final String nodeId;
    private final Supplier<Journal> journal;
    private final Clock clock;
    private final AnonymousCallLimit anonymousLimit;

    /** {@code journal} returns the journal, or null on a passive node. */
    CallAudit(String nodeId, Supplier<Journal> journal, Clock clock, AnonymousCallLimit anonymousLimit) {
        this.nodeId = nodeId;
        this.journal = journal;
        this.clock = clock;
        this.anonymousLimit = anonymousLimit;
    }

    /**
     * Returns the caller of a call: the principal that logged in, with the remote address; or {@code anonymous}
     * when the login did not get that far (refused or throttled).
     */
    static Actor caller(Context ctx) {
        Principal p = ctx.attribute(Principal.ATTRIBUTE);
        return new Actor(p == null ? ANONYMOUS : p.name(), CallerAddress.of(ctx));
    }

    /** Marks a call whose handler recorded its own rows, so that this recorder adds none. */
    static void recordedByHandler(Context ctx) {
        ctx.attribute(RECORDED, true);
    }

    /** Marks a call that changed nothing, such as a dry run, so that it gets no row. */
    static void notAnAction(Context ctx) {
        ctx.attribute(SKIP, true);
    }

    /** Names the service and version a call acted on, where the path does not contain them. */
    static void service(Context ctx, String service, Integer version) {
        ctx.attribute(SERVICE, service);
        ctx.attribute(VERSION, version);
    }

    /** Names what a call acted on when it is not a service or item, such as a node id. */
    static void target(Context ctx, String target) {
        ctx.attribute(TARGET, target);
    }

    /** Stores the error body a call ends with, because its code distinguishes a failure from a refusal. */
    static void error(Context ctx, ApiError error) {
        ctx.attribute(ERROR, error);
    }

    /** Runs {@code action} once the call is recorded, for a call that ends the node's access to the journal, such as a node stop. */
    static void afterRecording(Context ctx, Runnable action) {
        ctx.attribute(AFTER, action);
    }

    /** The after-handler. */
    void record(Context ctx) {
        try {
            recordCall(ctx);
        } finally {
            Runnable after = ctx.attribute(AFTER);
            if (after != null) {
                after.run();
            }
        }
    }

    private void recordCall(Context ctx) {
        int status = ctx.statusCode();
        // No principal: the login was missing, wrong (401) or throttled (429); such calls share one bound.
        boolean anonymous = ctx.attribute(Principal.ATTRIBUTE) == null;
        ManagementCall call = ManagementCall.of(ctx.method().name(), ctx.path());
        if (!anonymous && (!call.management() || Boolean.TRUE.equals(ctx.attribute(RECORDED)) || Boolean.TRUE.equals(ctx.attribute(SKIP)))) {
            return;
        }
        if (anonymous && isLoginProbe(ctx)) {
            return;
        }

        ApiError error = ctx.attribute(ERROR);
        Outcome outcome = outcome(status, error);
        String detail = error == null ? null : error.message();
        Actor actor = anonymous ? new Actor(ANONYMOUS, CallerAddress.of(ctx)) : caller(ctx);
        if (anonymous) {
            AnonymousCallLimit.Decision decision = anonymousLimit.next();
            if (!decision.record()) {
                log.debug("Node {}: call without a valid token from {} not recorded, over the bound of {} rows per {}", nodeId,
                        CallerAddress.of(ctx), ANONYMOUS_ROWS, ANONYMOUS_WINDOW);
                return;
            }
            if (decision.leftOutBefore() > 0) {
                detail = detail + " (" + decision.leftOutBefore() + " earlier call(s) without a valid token were not recorded, over the"
                        + " bound of " + ANONYMOUS_ROWS + " rows per " + ANONYMOUS_WINDOW.toMinutes() + " minute)";
            }
        }

        String service = ctx.attribute(SERVICE) != null ? ctx.attribute(SERVICE) : call.service();
        OperatorActions.Row row = new OperatorActions.Row(clock.instant(), actor, nodeId, call.action(), service,
                ctx.attribute(VERSION), call.itemId(), null, ctx.attribute(TARGET), outcome, status, detail);
        log.info("Node {}: {}{} by {} from {}: {} (HTTP {}){}", nodeId, call.action(), subject(service, call.itemId(), ctx.attribute(TARGET)),
                actor.name(), actor.remoteAddress(), outcome.label(), status, detail == null ? "" : ": " + detail);
        write(row);
    }

    /**
     * Returns whether a call is the console asking whether it is logged in, with no credentials at all: the
     * login page does this at every load, so its 401 is no failed login and gets no row.
     */
    private static boolean isLoginProbe(Context ctx) {
        return ctx.method() == io.javalin.http.HandlerType.GET && SessionRoutes.PATH.equals(ctx.path()) && ctx.header("Authorization") == null
                && ctx.cookie(ConsoleSessions.COOKIE) == null;
    }

    /** Names what a call acted on, for its log line: " of service S", " of item N", " of T", or nothing. */
    private static String subject(String service, Long itemId, String target) {
        if (service != null) {
            return " of service " + service;
        }
        if (itemId != null) {
            return " of item " + itemId;
        }
        return target == null ? "" : " of " + target;
    }

    private void write(OperatorActions.Row row) {
        Journal j = journal.get();
        if (j == null) {
            // NOTE: a passive node cannot write the journal, so a call it rejects is only in its log (the line above).
            return;
        }
        try {
            j.call(c -> OperatorActions.record(c, row));
        } catch (JournalException e) {
            log.warn("Node {}: the audit row of {} by {} from {} was not written: {}", nodeId, row.action(), row.actor().name(),
                    row.actor().remoteAddress(), e.getMessage());
        }
    }

    static Outcome outcome(int status, ApiError error) {
        if (status >= 500 || (error != null && error.error() != null && error.error().endsWith("_failed"))) {
            return Outcome.FAILED;
        }
        return status >= 400 ? Outcome.REFUSED : Outcome.DONE;
    }
}
