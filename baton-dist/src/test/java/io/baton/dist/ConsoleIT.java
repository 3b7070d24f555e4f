package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The web console in a headless Chromium against two real node processes: log in, read the cluster, stop
 * and start a service, trigger a run and watch its work items, retry a quarantined file, read a log, flip
 * automatic startup, switch over, and the phone layout; no login password ends up in a log. The tests
 * share one cluster, one browser and three services, because starting them takes most of the class's
 * time, and the switch-over runs last because it changes which node is active. Screenshots of the main
 * pages, and of any page where a test failed, go to {@code baton-dist/target/screenshots}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {

    private static final String USER = "admin";
    private static final String PASSWORD = "console-Secret-4711";
    private static final String WRONG_PASSWORD = "wrong-Secret-0000";
    private static final Duration START = Duration.ofSeconds(60);

    /** Copies text files, but only once the gate file is gone, so that a test sees the run while it is in progress. */
    private static final String MOVER = """
            name: mover
            source: { path: mover-in, include: "*.txt" }
            process:
              - type: class
                class: io.baton.testkit.steps.GatedCopyStep
                settings: { gate: "%s" }
            targets: [ { path: mover-out } ]
            onSuccess: { delete: true }
            """;

    /** Reads CSV as UTF-8, so the Latin-1 file of the test goes to quarantine at once. */
    private static final String RATES = """
            name: rates
            source: { path: rates-in }
            process: [ { type: csv-to-jsonl } ]
            targets: [ { path: rates-out, name: "{basename}.{run}.jsonl" } ]
            """;

    /** A second service for stop, start and automatic startup, apart from the runs of the others. */
    private static final String IDLE = """
            name: idle
            source: { path: idle-in }
            process: [ { type: csv-to-jsonl } ]
            targets: [ { path: idle-out } ]
            """;

    /** A CSV record with a byte that is invalid in UTF-8. */
    private static final byte[] LATIN1_CSV = {'i', 'd', ',', 'c', 'i', 't', 'y', '\n', '1', ',', 'K', (byte) 0xF6, 'l', 'n', '\n'};

    private TestCluster cluster;
    private NodeProcess nodeA;
    private NodeProcess nodeB;
    private Path gate;
    private ConsoleBrowser browser;

    /** Saves the page where a test failed, named after the test, for the report. */
    @RegisterExtension
    final TestWatcher failedPages = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser != null) {
                browser.saveFailure("failed-" + context.getRequiredTestMethod().getName());
            }
        }
    };

    @BeforeAll
    void startClusterAndBrowser(@TempDir Path tmp) throws Exception {
        cluster = new TestCluster(tmp.resolve("cluster"));
        nodeA = cluster.node("node-a");
        NodeProcess.CliResult user = nodeA.cliWithInput(PASSWORD + "\n", "user", "add", USER, "--role", "operator",
                "--data", cluster.data.toString(), "--password-stdin");
        assertThat(user.exitCode()).as("user add: " + user.err()).isZero();

        nodeA.start().awaitRole("ACTIVE", START);
        nodeB = cluster.node("node-b");
        nodeB.start();
        gate = Files.createFile(tmp.resolve("gate"));
        for (String folder : List.of("mover-in", "rates-in", "idle-in")) {
            Files.createDirectories(cluster.data.resolve(folder));
        }
        cluster.deployAndStart(nodeA, MOVER.formatted(gate));
        cluster.deployAndStart(nodeA, RATES);
        cluster.deployAndStart(nodeA, IDLE);
        nodeB.awaitRole("PASSIVE", START);

        browser = ConsoleBrowser.start(ConsoleBrowser.consoleUrl(nodeA.base()), Files.createDirectories(tmp.resolve("browser")));
        browser.login(USER, PASSWORD);
    }

    /** Fails the test whose pages raised or logged a script error, because the console has no other error report. */
    @AfterEach
    void noScriptErrors() {
        assertThat(browser.javascriptErrors()).as("script errors in the console").isEmpty();
    }

    @AfterAll
    void closeBrowserAndCluster() {
        if (browser != null) {
            browser.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void loginRejectsWrongPassword() {
        browser.logout();

        browser.submitLogin(USER, WRONG_PASSWORD);
        assertThat(browser.waitFor(By.id("login-error")).getText()).as("login error").isNotBlank();
        assertThat(browser.isDisplayed(By.cssSelector("nav#nav"))).as("navigation after a wrong password").isFalse();

        browser.login(USER, PASSWORD);
        assertThat(browser.text(By.id("whoami"))).as("signed-in user").contains(USER);
    }

    @Test
    @Order(2)
    void clusterShowsActiveNodeAndEpoch() {
        long epoch = nodeA.get("/api/cluster").path("epoch").path("highest").asLong();

        browser.navigate("cluster");

        assertThat(browser.text(By.id("active-node"))).as("active node").contains("node-a");
        assertThat(browser.text(By.id("epoch"))).as("epoch").contains(Long.toString(epoch));
        browser.awaitAttribute(ConsoleBrowser.row("nodes", "node-a"), "data-role", "active");
        browser.awaitAttribute(ConsoleBrowser.row("nodes", "node-b"), "data-role", "passive");
        browser.screenshot("cluster");
    }

    @Test
    @Order(3)
    void stopAndStartService() {
        browser.navigate("services");
        assertThat(browser.rowIds("services")).as("service rows").contains("mover", "rates", "idle");
        browser.screenshot("services");

        ConsoleBrowser.Flash stopped = browser.confirmAction("stop", "idle");
        assertThat(stopped.error()).as("stop shown as an error: " + stopped.text()).isFalse();
        NodeProcess.await(Duration.ofSeconds(30), "service idle to stop", () -> "STOPPED".equals(state("idle")));
        browser.awaitAttribute(ConsoleBrowser.row("services", "idle"), "data-state", "STOPPED");

        // Starting is harmless, so the console asks no confirmation for it.
        ConsoleBrowser.Flash started = browser.clickAction("start", "idle");
        assertThat(started.error()).as("start shown as an error: " + started.text()).isFalse();
        NodeProcess.await(Duration.ofSeconds(30), "service idle to start", () -> "RUNNING".equals(state("idle")));
        browser.awaitAttribute(ConsoleBrowser.row("services", "idle"), "data-state", "RUNNING");
    }

    @Test
    @Order(4)
    void triggerRunShowsItsWorkItems() throws Exception {
        for (String name : List.of("a.txt", "b.txt", "c.txt")) {
            Files.writeString(cluster.data.resolve("mover-in").resolve(name), "content of " + name + "\n");
        }
        long before = currentRunId("mover");

        browser.go("#/services/mover", "service");
        browser.screenshot("service-detail");
        ConsoleBrowser.Flash triggered = browser.clickAction("trigger", null);
        assertThat(triggered.error()).as("trigger shown as an error: " + triggered.text()).isFalse();

        // The gate holds the run in progress, so its items are on the run page before they are done.
        NodeProcess.await(Duration.ofSeconds(30), "a run of mover with three items",
                () -> currentRunId("mover") > before && nodeA.tryGet("/api/runs/" + currentRunId("mover")).path("items").size() == 3);
        long runId = currentRunId("mover");
        browser.go("#/runs/" + runId, "run");
        assertThat(browser.rowIds("items")).as("items of run " + runId + " while it is in progress").hasSize(3);
        assertThat(nodeA.get("/api/services/mover").path("runInProgress").asBoolean()).as("run " + runId + " in progress").isTrue();

        // The run page loads its data again every few seconds, so the items turn DISPOSED without a reload.
        Files.delete(gate);
        for (String id : browser.rowIds("items")) {
            browser.awaitAttribute(ConsoleBrowser.row("items", id), "data-state", "DISPOSED");
        }
        browser.screenshot("run");
    }

    @Test
    @Order(5)
    void retryQuarantinedFile() throws Exception {
        Files.write(cluster.data.resolve("rates-in/bad.csv"), LATIN1_CSV);
        JsonNode run = TestCluster.runOnce(nodeA, "rates");
        JsonNode item = TestCluster.itemsOf(nodeA, run).path(0);
        assertThat(item.path("state").asText()).as("state of bad.csv").isEqualTo("QUARANTINED");
        String itemId = item.path("id").asText();

        browser.navigate("quarantine");
        assertThat(browser.text(quarantineRow(itemId))).as("quarantine row of item " + itemId).contains("bad.csv");
        browser.screenshot("quarantine");

        ConsoleBrowser.Flash retried = browser.confirmAction("retry", itemId);
        assertThat(retried.error()).as("retry shown as an error: " + retried.text()).isFalse();
        NodeProcess.await(Duration.ofSeconds(30), "item " + itemId + " to leave quarantine",
                () -> !"QUARANTINED".equals(nodeA.tryGet("/api/items/" + itemId).path("state").asText("QUARANTINED")));
        browser.awaitGone(quarantineRow(itemId));
    }

    /**
     * Shows file names as they are: two spaces stay two, markup in a name stays text, and a 200-character name
     * wraps instead of pushing the actions off a 1280-pixel page.
     */
    @Test
    @Order(4)
    void oddFileNamesShownExactly() throws Exception {
        List<String> names = List.of("a  b.csv", "<img src=x onerror=alert(1)>.csv", "résumé (1).csv", "n".repeat(196) + ".csv");
        for (String name : names) {
            Files.writeString(cluster.data.resolve("rates-in").resolve(name), "id,city\n1,Lyon\n");
        }
        JsonNode run = TestCluster.runOnce(nodeA, "rates");

        browser.go("#/runs/" + run.path("runId").asText(), "run");
        for (JsonNode item : TestCluster.itemsOf(nodeA, run)) {
            String shown = browser.text(By.cssSelector("[data-table=\"items\"] [data-id=\"" + item.path("id").asText() + "\"] .path"));
            assertThat(shown).as("name of item " + item.path("id").asText()).isEqualTo(item.path("relPath").asText());
        }
        assertThat(TestCluster.itemsOf(nodeA, run)).extracting(i -> i.path("relPath").asText()).containsExactlyInAnyOrderElementsOf(names);
        assertThat(browser.count("#page img")).as("elements made from a file name").isZero();
        assertThat(browser.contentWidth()).as("page width with a 200-character name").isLessThanOrEqualTo(browser.viewportWidth());
    }

    @Test
    @Order(6)
    void logPageFiltersByService() {
        browser.navigate("logs");
        browser.fill(By.id("log-service"), "mover");
        browser.fill(By.id("log-level"), "INFO");
        browser.fill(By.id("log-since"), "1h");
        browser.click(By.id("log-apply"));

        browser.await("log rows of service mover only", () -> {
            List<String> services = browser.rowAttribute("logs", "data-service");
            return !services.isEmpty() && services.stream().allMatch("mover"::equals);
        });
        assertThat(browser.rowAttribute("logs", "data-level")).as("levels of the log rows").isSubsetOf("INFO", "WARN", "ERROR");
        browser.screenshot("logs");
    }

    @Test
    @Order(7)
    void flipAutomaticStartup() {
        boolean before = nodeA.get("/api/services/idle").path("autoStart").asBoolean();

        browser.go("#/services/idle", "service");
        ConsoleBrowser.Flash flipped = browser.clickAction("autostart", null);

        assertThat(flipped.error()).as("autostart shown as an error: " + flipped.text()).isFalse();
        NodeProcess.await(Duration.ofSeconds(30), "autoStart of idle to become " + !before,
                () -> nodeA.tryGet("/api/services/idle").path("autoStart").asBoolean(before) != before);
    }

    @Test
    @Order(8)
    void alertsAuditAndChartsPages() {
        browser.navigate("alerts");
        browser.screenshot("alerts");

        browser.navigate("audit");
        assertThat(browser.text(By.cssSelector("[data-table=\"audit\"]"))).as("audit trail").contains(USER).contains("stop");
        browser.screenshot("audit");

        browser.navigate("charts");
        browser.screenshot("charts");
    }

    @Test
    @Order(9)
    void phoneLayoutShowsNavigation() {
        browser.phoneSize();
        try {
            browser.go("#/cluster", "cluster");
            assertThat(browser.viewportWidth()).as("viewport width").isEqualTo(ConsoleBrowser.PHONE_WIDTH);

            // On a phone the navigation folds into the menu button that controls it.
            browser.click(By.cssSelector("button[aria-controls=\"nav\"]"));
            for (String route : List.of("cluster", "services", "quarantine", "logs", "audit", "charts")) {
                browser.waitFor(By.cssSelector("nav#nav a[href=\"#/" + route + "\"]"));
            }
            browser.navigate("services");
            assertThat(browser.viewportWidth()).as("viewport width on the services page").isEqualTo(ConsoleBrowser.PHONE_WIDTH);
        } finally {
            browser.desktopSize();
        }
    }

    @Test
    @Order(10)
    void switchOverChangesRoles() {
        browser.navigate("cluster");

        ConsoleBrowser.Flash switched = browser.confirmAction("switchover", "node-b");
        assertThat(switched.error()).as("switch-over shown as an error: " + switched.text()).isFalse();
        nodeB.awaitRole("ACTIVE", Duration.ofSeconds(30));
        nodeA.awaitRole("PASSIVE", Duration.ofSeconds(30));

        // The cluster page loads its data again every few seconds, also on the node that is passive now.
        browser.awaitAttribute(ConsoleBrowser.row("nodes", "node-b"), "data-role", "active");
        browser.awaitAttribute(ConsoleBrowser.row("nodes", "node-a"), "data-role", "passive");
        assertThat(browser.awaitText(By.id("active-node"), "node-b")).as("active node after the switch-over").contains("node-b");
    }

    @Test
    @Order(11)
    void loginPasswordsNotLogged() throws Exception {
        new SecretLeakCheck(cluster, List.of(PASSWORD, WRONG_PASSWORD))
                .scanNodeLogs()
                .scanText("the console page", browser.pageHtml())
                .assertNoLeaks();
    }

    /** The row of an item in the quarantine table of the quarantine page. */
    private static By quarantineRow(String itemId) {
        return By.cssSelector("#quarantine [data-table=\"items\"] [data-id=\"" + itemId + "\"]");
    }

    private String state(String service) {
        return nodeA.tryGet("/api/services/" + service).path("state").asText();
    }

    /** Returns the id of the service's newest run, in progress or ended, or 0 before its first run. */
    private long currentRunId(String service) {
        return nodeA.tryGet("/api/services/" + service + "/runs?limit=1").path(0).path("id").asLong(0);
    }
}
