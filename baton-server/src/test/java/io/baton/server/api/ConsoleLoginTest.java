package io.baton.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.auth.AccountStore;
import io.baton.core.auth.PasswordHash;
import io.baton.core.auth.Role;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's login over real HTTP: the session cookie, the CSRF token on changes, logout, the end of a
 * session when the password changes, and no Basic challenge for the console's own calls.
 */
class ConsoleLoginTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path run;

    private ApiServer api;
    private AccountStore store;

    @BeforeEach
    void startApi() throws IOException {
        store = new AccountStore(run.resolve("users.json"));
        store.update(a -> a.withUser("alice", Role.OPERATOR, PasswordHash.create("alice-Secret-1".toCharArray()), Instant.now())
                .withUser("vera", Role.VIEWER, PasswordHash.create("vera-Secret-1".toCharArray()), Instant.now()));
        api = ApiServer.start(null, "node-a", run.resolve("users.json"), run, "127.0.0.1", 0, null, null);
    }

    @AfterEach
    void stopApi() {
        api.stop();
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Logs in and returns the cookie header value and the CSRF token. */
    private String[] login(String user, String password) throws Exception {
        HttpResponse<String> r = send("POST", "/api/session", "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}");
        assertThat(r.statusCode()).as("login of %s: %s", user, r.body()).isEqualTo(200);
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        String csrf = r.body().replaceAll(".*\"csrf\":\"([^\"]+)\".*", "$1");
        return new String[] {cookie, csrf};
    }

    @Test
    void sessionChangesNeedCsrfToken() throws Exception {
        String[] s = login("alice", "alice-Secret-1");

        HttpResponse<String> caller = send("GET", "/api/session", null, "Cookie", s[0]);
        assertThat(caller.statusCode()).isEqualTo(200);
        assertThat(caller.body()).contains("\"user\":\"alice\"").contains("\"role\":\"operator\"");

        HttpResponse<String> noToken = send("POST", "/api/tokens", "{\"name\":\"t1\",\"role\":\"viewer\"}", "Cookie", s[0]);
        assertThat(noToken.statusCode()).as("a change without the CSRF token: %s", noToken.body()).isEqualTo(403);
        assertThat(noToken.body()).contains("X-Baton-Csrf");

        HttpResponse<String> withToken = send("POST", "/api/tokens", "{\"name\":\"t1\",\"role\":\"viewer\"}", "Cookie", s[0], "X-Baton-Csrf", s[1]);
        assertThat(withToken.statusCode()).as("a change with the CSRF token: %s", withToken.body()).isEqualTo(201);
    }

    @Test
    void viewerLogoutEndsSession() throws Exception {
        String[] s = login("vera", "vera-Secret-1");

        HttpResponse<String> out = send("DELETE", "/api/session", null, "Cookie", s[0], "X-Baton-Csrf", s[1]);
        assertThat(out.statusCode()).as("logout of a viewer: %s", out.body()).isEqualTo(200);
        assertThat(out.headers().firstValue("Set-Cookie").orElse("")).contains("Max-Age=0");

        HttpResponse<String> after = send("GET", "/api/session", null, "Cookie", s[0], "X-Baton-Console", "1");
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(after.headers().firstValue("WWW-Authenticate")).as("no Basic challenge for the console, whose page asks for the password").isEmpty();
        assertThat(after.body()).contains("log in again");
    }

    @Test
    void passwordChangeEndsTheSession() throws Exception {
        String[] s = login("alice", "alice-Secret-1");

        store.update(a -> a.withPassword("alice", PasswordHash.create("alice-Secret-2".toCharArray())));

        HttpResponse<String> after = send("GET", "/api/session", null, "Cookie", s[0]);
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(after.body()).contains("password changed");
    }

    @Test
    void wrongPasswordSetsNoCookie() throws Exception {
        HttpResponse<String> r = send("POST", "/api/session", "{\"user\":\"alice\",\"password\":\"wrong-password\"}");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(Files.readString(run.resolve("users.json"))).doesNotContain("wrong-password");
    }
}
