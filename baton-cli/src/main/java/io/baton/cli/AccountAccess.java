package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.core.DataDirectory;
import io.baton.core.auth.AccountStore;
import io.baton.core.auth.AccountViews;
import io.baton.core.auth.Accounts;
import io.baton.core.auth.ApiToken;
import io.baton.core.auth.PasswordHash;
import io.baton.core.auth.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Target of the user and token commands. By default the API of the running node, which needs the operator
 * role. With {@code --data DIR} the users file of that data directory, written directly, for the first
 * user of a new installation or while no node runs.
 */
abstract class AccountAccess {

    @Option(names = "--home", description = "program directory of the node to call (default: BATON_HOME)")
    Path home;

    @Option(names = "--data", paramLabel = "DIR",
            description = "change the users file in this data directory directly instead of calling the node; needs write access to it")
    Path data;

    /** Returns the users as the API lists them. */
    JsonNode listUsers() throws IOException {
        if (data == null) {
            return api().get("/api/users");
        }
        return Api.JSON.valueToTree(store().read().users().stream().map(AccountViews::user).toList());
    }

    void addUser(String name, Role role, char[] password) throws IOException {
        if (data == null) {
            api().post("/api/users", Map.of("name", name, "role", role.text(), "password", new String(password)));
            return;
        }
        PasswordHash hash = PasswordHash.create(password);
        store().update(a -> a.withUser(name, role, hash, Instant.now()));
    }

    void changePassword(String name, char[] password) throws IOException {
        if (data == null) {
            api().put("/api/users/" + name + "/password", Map.of("password", new String(password)));
            return;
        }
        PasswordHash hash = PasswordHash.create(password);
        store().update(a -> a.withPassword(name, hash));
    }

    void removeUser(String name) throws IOException {
        if (data == null) {
            api().delete("/api/users/" + name);
            return;
        }
        store().update(a -> a.withoutUser(name));
    }

    JsonNode listTokens() throws IOException {
        if (data == null) {
            return api().get("/api/tokens");
        }
        Instant now = Instant.now();
        return Api.JSON.valueToTree(store().read().tokens().stream().map(t -> AccountViews.token(t, now)).toList());
    }

    /** Creates a token; returns its view with the secret in the field {@code token}. */
    JsonNode createToken(String name, Role role, Duration lifetime) throws IOException {
        if (data == null) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("role", role.text());
            body.put("expires", lifetime == null ? null : io.baton.core.config.Durations.format(lifetime));
            return api().post("/api/tokens", body);
        }
        Instant now = Instant.now();
        ApiToken.Issued issued = ApiToken.issue(name, role, lifetime, now);
        store().update(a -> a.withToken(issued.token()));
        Map<String, Object> view = AccountViews.token(issued.token(), now);
        view.put("token", issued.secret());
        return Api.JSON.valueToTree(view);
    }

    void revokeToken(String name) throws IOException {
        if (data == null) {
            api().delete("/api/tokens/" + name);
            return;
        }
        store().update(a -> a.withoutToken(name));
    }

    private Api api() throws IOException {
        return Api.connect(Home.resolve(home));
    }

    private AccountStore store() throws IOException {
        DataDirectory dir = new DataDirectory(data);
        if (!Files.isDirectory(dir.state())) {
            throw new Api.ApiFailure(data + " is not a data directory (it has no state/ folder); create one with: baton init DIR");
        }
        return new AccountStore(dir.usersFile());
    }
}
