package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.baton.testkit.NodeProcess;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;
import org.openqa.selenium.By;

/**
 * Self-test of {@link ConsoleBrowser} against a stand-in console of its own (test resources
 * {@code fake-console/}) that follows the console's page contract, served on 127.0.0.1 by the JDK's HTTP
 * server: login, waits, a confirmed action, screenshots at both sizes, and no Chromium left afterwards.
 */
class ConsoleBrowserTest {

    private static final String PASSWORD = "fake-Secret-2024";

    @TempDir
    Path tmp;

    private HttpServer server;
    private String consoleUrl;

    @BeforeEach
    void serveFakeConsole() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/console/", this::handle);
        server.start();
        consoleUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/console/";
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath().substring("/console/".length());
        if (path.equals("api/login")) {
            String credentials = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(credentials.equals("admin:" + PASSWORD) ? 204 : 401, -1);
            exchange.close();
            return;
        }

        String file = path.isEmpty() ? "index.html" : path;
        try (InputStream resource = getClass().getResourceAsStream("/fake-console/" + file)) {
            if (resource == null) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            byte[] body = resource.readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", file.endsWith(".js") ? "text/javascript" : "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        }
    }

    @Test
    void loginActionsAndScreenshots() throws Exception {
        try (ConsoleBrowser browser = ConsoleBrowser.start(consoleUrl, tmp)) {
            browser.submitLogin("admin", "wrong-Secret-0000");
            assertThat(browser.awaitText(By.id("login-error"), "Wrong")).as("login error").contains("Wrong user name or password");

            browser.login("admin", PASSWORD).awaitReady("cluster");
            assertThat(browser.text(By.id("active-node"))).as("active node").isEqualTo("node-a");
            assertThat(browser.text(By.id("epoch"))).as("epoch").isEqualTo("1");
            assertThat(browser.rowIds("nodes")).as("node rows").containsExactly("node-a", "node-b");

            ConsoleBrowser.Flash switched = browser.confirmAction("switchover", "node-b");
            assertThat(switched.text()).as("message of the switch-over").isEqualTo("Switched over to node-b.");
            assertThat(switched.error()).as("switch-over shown as an error").isFalse();
            browser.awaitAttribute(By.cssSelector("[data-table=\"nodes\"] [data-id=\"node-b\"]"), "data-role", "active");
            assertThat(browser.awaitText(By.id("epoch"), "2")).as("epoch after the switch-over").isEqualTo("2");

            ConsoleBrowser.Flash refused = browser.confirmAction("switchover", "node-b");
            assertThat(refused.text()).as("message of a switch-over to the active node").contains("already the active node");
            assertThat(refused.error()).as("refusal shown as an error").isTrue();

            for (String route : List.of("services", "logs", "charts", "cluster")) {
                browser.navigate(route);
            }
            List<Path> shots = browser.screenshot("self-test-cluster");
            assertThat(size(shots.get(0))).as("desktop screenshot size").isEqualTo(List.of(1280, 800));
            assertThat(size(shots.get(1))).as("phone screenshot size").isEqualTo(List.of(390, 844));
            assertThat(browser.viewportWidth()).as("viewport width after the screenshots").isEqualTo(1280);

            browser.phoneSize();
            assertThat(browser.viewportWidth()).as("viewport width at the phone size").isEqualTo(390);
            assertThat(browser.isDisplayed(By.cssSelector("nav#nav a[href=\"#/audit\"]"))).as("audit link at the phone size").isTrue();
            assertThat(browser.javascriptErrors()).as("script errors of the fake console").isEmpty();
        }
    }

    @Test
    void javascriptErrorsAreReported() throws Exception {
        try (ConsoleBrowser browser = ConsoleBrowser.start(consoleUrl, tmp)) {
            browser.submitLogin("admin", "wrong-Secret-0000");
            browser.awaitText(By.id("login-error"), "Wrong");
            assertThat(browser.javascriptErrors()).as("errors after a rejected login, whose request failed with 401").isEmpty();

            browser.runScript("console.error('broken chart'); setTimeout(() => { throw new Error('uncaught in a timer'); });");

            List<String> errors = new ArrayList<>();
            NodeProcess.await(Duration.ofSeconds(10), "two errors in the browser log", () -> {
                errors.addAll(browser.javascriptErrors());
                return errors.size() >= 2;
            });
            assertThat(errors).as("script errors").anyMatch(e -> e.contains("broken chart"));
            assertThat(errors).as("script errors").anyMatch(e -> e.contains("uncaught in a timer"));
        }
    }

    @Test
    void closeEndsEveryChromiumProcess() throws Exception {
        ConsoleBrowser browser = ConsoleBrowser.start(consoleUrl, tmp);
        browser.open("");
        List<ProcessHandle> running = browser.processes();
        assertThat(running).as("Chromium processes while the browser runs").isNotEmpty();

        browser.close();

        NodeProcess.await(Duration.ofSeconds(20), "every Chromium process to end",
                () -> running.stream().noneMatch(ProcessHandle::isAlive) && browser.processes().isEmpty());
    }

    @Test
    void missingChromiumFailsUnderCi() {
        Path missing = tmp.resolve("no-chromium");

        assertThatThrownBy(() -> ConsoleBrowser.requireInstalled(missing, ConsoleBrowser.CHROMEDRIVER, true))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(missing + " is missing")
                .hasMessageContaining("apt-get install --no-install-recommends chromium chromium-driver");
        assertThatThrownBy(() -> ConsoleBrowser.requireInstalled(ConsoleBrowser.CHROMIUM, missing, false))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining(missing + " is missing")
                .hasMessageContaining("skipped because CI is not set");
    }

    private static List<Integer> size(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        return List.of(image.getWidth(), image.getHeight());
    }
}
