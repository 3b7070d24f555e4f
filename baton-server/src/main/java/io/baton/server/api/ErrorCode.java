package io.baton.server.api;

import io.javalin.http.HttpStatus;
import java.util.Locale;

/**
 * The closed set of error codes of the API, each with the one HTTP status it is sent with. The code is the
 * {@code error} field of {@link ApiError}, in lower_snake_case. The {@code message} states what failed, on which
 * value, and what to do next. Clients branch on the code, never on the message.
 *
 * <p>The audit trail records a call as failed for a 5xx status or a code ending in {@code _failed}, and as
 * refused for any other error (see {@link CallAudit}).
 */
enum ErrorCode {

    /** A query parameter, path parameter or body field has an invalid value, named by {@code field}. */
    INVALID_PARAMETER(HttpStatus.BAD_REQUEST),

    /** The request as a whole is unusable: a missing body, malformed JSON, or a body of the wrong shape. */
    INVALID_REQUEST(HttpStatus.BAD_REQUEST),

    /** A deployed descriptor is invalid, and {@code field} names the descriptor field. */
    INVALID_DESCRIPTOR(HttpStatus.BAD_REQUEST),

    /** A deployed service archive is invalid, and {@code field} names the archive entry. */
    INVALID_ARCHIVE(HttpStatus.BAD_REQUEST),

    /** No login, or a wrong, unknown, revoked or expired one. */
    UNAUTHORIZED(HttpStatus.UNAUTHORIZED),

    /** The login is valid but its role does not allow the call. */
    FORBIDDEN(HttpStatus.FORBIDDEN),

    /** The route (also a known path with another method), service, run, work item, version, user or token does not exist. */
    NOT_FOUND(HttpStatus.NOT_FOUND),

    /** The current state does not allow the call: a paused or stopped service, a live lease holder, an existing name. */
    CONFLICT(HttpStatus.CONFLICT),

    /** The worker of a service did not start, or the service cannot start in its current state. */
    START_FAILED(HttpStatus.CONFLICT),

    /** A switch-over started but did not complete: the node keeps or takes back the active role. */
    SWITCHOVER_FAILED(HttpStatus.CONFLICT),

    /** The request body is larger than the node accepts: a JSON body over Javalin's request limit, or an archive over its own. */
    REQUEST_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE),

    /** Too many failed logins from the address or for the user. {@code Retry-After} gives the seconds to wait. */
    TOO_MANY_LOGINS(HttpStatus.TOO_MANY_REQUESTS),

    /** The node failed to handle the request, and its log contains the stack trace. */
    INTERNAL(HttpStatus.INTERNAL_SERVER_ERROR),

    /** An action on a work item started but failed, for example on a file it could not move. */
    ACTION_FAILED(HttpStatus.INTERNAL_SERVER_ERROR),

    /** The node is passive and does not serve the call. The message names the active node. */
    PASSIVE(HttpStatus.SERVICE_UNAVAILABLE),

    /** The users file cannot be read or parsed. The node's own token still works. */
    USERS_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE);

    private final HttpStatus status;

    ErrorCode(HttpStatus status) {
        this.status = status;
    }

    HttpStatus status() {
        return status;
    }

    /** Returns the code as it appears in the {@code error} field, such as {@code invalid_parameter}. */
    String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Returns the code of an HTTP status that was set without a code, such as Javalin's 404 for an unknown route. */
    static ErrorCode ofStatus(int status) {
        return switch (status) {
            case 400 -> INVALID_REQUEST;
            case 401 -> UNAUTHORIZED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> NOT_FOUND;
            case 409 -> CONFLICT;
            case 413 -> REQUEST_TOO_LARGE;
            default -> status < 500 ? INVALID_REQUEST : INTERNAL;
        };
    }
}
