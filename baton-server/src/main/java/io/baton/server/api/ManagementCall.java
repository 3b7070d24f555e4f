package io.baton.server.api;

import java.util.List;
import java.util.Set;

/**
 * What an API call does, as the audit trail names it: the action and the service or work item it names
 * in its path. A call that changes something and matches no known route keeps its method and path as
 * the action, so that an endpoint added later is recorded too, if under a generic name.
 *
 * @param action the action's label, such as {@code deploy} or {@code retry}, or {@code METHOD /path}
 * @param management whether the call changes something; read-only calls are recorded only when refused with 401
 */
record ManagementCall(String action, String service, Long itemId, boolean management) {

    /** The actions on one service, {@code POST /api/services/{name}/{action}}. */
    private static final Set<String> SERVICE_ACTIONS = Set.of("start", "stop", "kill", "pause", "resume", "trigger", "rollback");

    /** The actions on work items, {@code POST /api/items/{id}/{action}} and {@code POST /api/items/{action}}. */
    static final List<String> ITEM_ACTIONS = List.of("retry", "release", "reprocess");

    /** Classifies a call by its HTTP method and request path, such as {@code POST} and {@code /api/services/orders/start}. */
    static ManagementCall of(String method, String path) {
        String[] p = path.replaceAll("/+$", "").split("/");
        boolean post = method.equals("POST");
        boolean management = !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));

        // p[0] is empty and p[1] is "api" for every path this is called with.
        if (post && p.length == 3 && p[2].equals("services")) {
            return new ManagementCall("deploy", null, null, true);
        }
        if (method.equals("DELETE") && p.length == 4 && p[2].equals("services")) {
            return new ManagementCall("undeploy", p[3], null, true);
        }
        if (post && p.length == 5 && p[2].equals("services") && SERVICE_ACTIONS.contains(p[4])) {
            return new ManagementCall(p[4], p[3], null, true);
        }
        ManagementCall settings = settingsCall(method, p);
        if (settings != null) {
            return settings;
        }
        if (post && p.length == 3 && p[2].equals("switchover")) {
            return new ManagementCall("switch-over", null, null, true);
        }
        if (post && p.length == 3 && p[2].equals("takeover")) {
            return new ManagementCall("takeover", null, null, true);
        }
        if (post && p.length == 4 && p[2].equals("node") && p[3].equals("stop")) {
            return new ManagementCall("node-stop", null, null, true);
        }
        if (post && p.length == 5 && p[2].equals("items")) {
            return new ManagementCall(p[4], null, parseItemId(p[3]), true);
        }
        if (post && p.length == 4 && p[2].equals("items")) {
            return new ManagementCall(p[3], null, null, true);
        }
        if (p.length == 3 && p[2].equals("session") && (post || method.equals("DELETE"))) {
            return new ManagementCall(post ? "console-login" : "console-logout", null, null, true);
        }
        if (p.length >= 3 && p[2].equals("silences") && (post && p.length == 3 || method.equals("DELETE") && p.length == 4)) {
            return new ManagementCall(post ? "silence-add" : "silence-remove", null, null, true);
        }
        ManagementCall account = accountCall(method, p);
        if (account != null) {
            return account;
        }
        return new ManagementCall(method + " " + path, null, null, management);
    }

    /** Classifies the changes to users and API tokens as {@code user-add}, {@code token-revoke} and so on; null for other calls. */
    private static ManagementCall accountCall(String method, String[] p) {
        if (p.length < 3 || !(p[2].equals("users") || p[2].equals("tokens"))) {
            return null;
        }
        boolean user = p[2].equals("users");
        String action = null;
        if (method.equals("POST") && p.length == 3) {
            action = user ? "user-add" : "token-create";
        } else if (method.equals("PUT") && user && p.length == 5 && p[4].equals("password")) {
            action = "user-password";
        } else if (method.equals("DELETE") && p.length == 4) {
            action = user ? "user-remove" : "token-revoke";
        }
        return action == null ? null : new ManagementCall(action, null, null, true);
    }

    /**
     * Classifies the changes of settings and variables: {@code set-setting}, {@code unset-setting}, {@code set-flags},
     * {@code set-variable} and {@code unset-variable}; null for any other call. The key or name goes to the audit row's
     * target, set by the handler.
     */
    private static ManagementCall settingsCall(String method, String[] p) {
        boolean put = method.equals("PUT");
        boolean delete = method.equals("DELETE");
        if ((put || delete) && p.length == 6 && p[2].equals("services") && p[4].equals("settings")) {
            return new ManagementCall(put ? "set-setting" : "unset-setting", p[3], null, true);
        }
        if (put && p.length == 5 && p[2].equals("services") && p[4].equals("flags")) {
            return new ManagementCall("set-flags", p[3], null, true);
        }
        if ((put || delete) && p.length == 4 && p[2].equals("variables")) {
            return new ManagementCall(put ? "set-variable" : "unset-variable", null, null, true);
        }
        return null;
    }

    /** Returns the id in an item path, or null when it is not a number (the call is then rejected with 400). */
    private static Long parseItemId(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
