package io.baton.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A headless Chromium, driven through chromedriver, that opens the web console of a node and acts on it
 * the way the page contract of the console describes: log in, wait until a page has loaded its data, click
 * an action and accept its confirmation, read the result message, and save screenshots.
 *
 * <p>Both programs come from Debian's {@code chromium} and {@code chromium-driver} packages. Selenium 4.52
 * skips Selenium Manager, which downloads browsers and drivers, when the driver service names the driver
 * executable (its DriverFinder logs "Skipping Selenium Manager"), as here. Every wait is an explicit wait on
 * the page, never a sleep. {@link #close} ends chromedriver and
 * every Chromium process started under it, also after a failed test.
 */
final class ConsoleBrowser implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleBrowser.class);

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    /** The desktop size of the window and of screenshots, in CSS pixels. */
    static final int DESKTOP_WIDTH = 1280;
    static final int DESKTOP_HEIGHT = 800;
    /** The phone viewport of screenshots and of {@link #phoneSize}, in CSS pixels: that of an iPhone 12, 13 or 14. */
    static final int PHONE_WIDTH = 390;
    static final int PHONE_HEIGHT = 844;

    /** How long a wait on the page lasts: generous, because the machine running the tests may be busy. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** How long Chromium's processes get to end after chromedriver stopped, before they are killed. */
    private static final Duration EXIT_GRACE = Duration.ofSeconds(10);

    private final String consoleUrl;
    /** The folder of the profile, the crash database and chromedriver's log, whose path marks this browser's processes. */
    private final Path workFolder;
    private final Path screenshots;
    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final WebDriverWait wait;

    private ConsoleBrowser(String consoleUrl, Path workFolder, Path screenshots, ChromeDriverService service, ChromeDriver driver) {
        this.consoleUrl = consoleUrl;
        this.workFolder = workFolder;
        this.screenshots = screenshots;
        this.service = service;
        this.driver = driver;
        // The console draws a page again every few seconds, so an element found a moment ago may be gone:
        // a wait then looks it up again.
        this.wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(100));
        this.wait.ignoring(StaleElementReferenceException.class);
    }

    /**
     * Starts chromedriver and a headless Chromium with a fresh profile under {@code workFolder}, for the
     * console at {@code consoleUrl} (such as {@code http://127.0.0.1:PORT/console/}).
     */
    static ConsoleBrowser start(String consoleUrl, Path workFolder) throws IOException {
        requireInstalled(CHROMIUM, CHROMEDRIVER, System.getenv("CI") != null);

        // The absolute path, because processes() finds the browser's processes by it.
        workFolder = workFolder.toAbsolutePath();
        Path profile = Files.createDirectories(workFolder.resolve("chromium-profile"));
        Path driverLog = workFolder.resolve("chromedriver.log");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(driverLog.toFile())
                // Chromium's crash handler keeps its database under $XDG_CONFIG_HOME, by default in the home folder.
                .withEnvironment(Map.of("XDG_CONFIG_HOME", workFolder.resolve("config").toString()))
                .build();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        // --no-sandbox because CI runs the tests as root, where Chromium's sandbox refuses to start.
        // Background networking, component updates and sync are Chromium's own connections to Google's
        // services, which the tests of a console on 127.0.0.1 do not need.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile,
                "--window-size=" + DESKTOP_WIDTH + "," + DESKTOP_HEIGHT);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);

        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (WebDriverException e) {
            service.stop();
            throw new IllegalStateException("cannot start " + CHROMIUM + " through " + CHROMEDRIVER + "; see " + driverLog
                    + " for chromedriver's messages: " + e.getMessage(), e);
        }
        LOG.info("Started headless Chromium {} for the console at {}, profile {}", driver.getCapabilities().getBrowserVersion(),
                consoleUrl, profile);
        return new ConsoleBrowser(consoleUrl, workFolder, screenshotFolder(), service, driver).desktopSize();
    }

    /**
     * Fails, or outside CI skips, the test when Chromium or chromedriver is missing, with the packages to
     * install. Under CI (the variable {@code CI} set) a console test must never pass by being skipped.
     */
    static void requireInstalled(Path chromium, Path chromedriver, boolean underCi) {
        for (Path program : List.of(chromium, chromedriver)) {
            if (Files.isExecutable(program)) {
                continue;
            }
            String message = program + " is missing, and the web console tests need it: install Debian's packages with"
                    + " `apt-get install --no-install-recommends chromium chromium-driver`";
            if (underCi) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message + " (skipped because CI is not set)");
        }
    }

    /** Returns the folder for screenshots: {@code baton-dist/target/screenshots} when Maven runs the tests. */
    private static Path screenshotFolder() throws IOException {
        String configured = System.getProperty("baton.screenshots");
        Path folder = configured == null || configured.isBlank() ? Path.of("target", "screenshots") : Path.of(configured);
        return Files.createDirectories(folder);
    }

    /** Opens a route of the console, such as {@code #/services}, or its start page for an empty route. */
    ConsoleBrowser open(String route) {
        driver.get(consoleUrl + route);
        return this;
    }

    /** Opens the console's start page, logs in and waits for the navigation and the signed-in user. */
    ConsoleBrowser login(String user, String password) {
        submitLogin(user, password);
        waitFor(By.cssSelector("nav#nav"));
        awaitText(By.id("whoami"), user);
        LOG.info("Logged in to the console at {} as {}", consoleUrl, user);
        return this;
    }

    /** Fills in and submits the login form of the start page, without waiting for the outcome. */
    ConsoleBrowser submitLogin(String user, String password) {
        open("");
        WebElement name = waitFor(By.id("login-user"));
        name.clear();
        name.sendKeys(user);
        WebElement secret = driver.findElement(By.id("login-password"));
        secret.clear();
        secret.sendKeys(password);
        driver.findElement(By.id("login-submit")).click();
        return this;
    }

    /** Deletes the session cookie and opens the start page, which then shows the login form. */
    ConsoleBrowser logout() {
        driver.manage().deleteAllCookies();
        open("");
        waitFor(By.id("login-user"));
        return this;
    }

    /** Follows the navigation link to a route, such as {@code cluster}, and waits until the page has its data. */
    ConsoleBrowser navigate(String route) {
        click(By.cssSelector("nav#nav a[href=\"#/" + route + "\"]"));
        return awaitReady(route);
    }

    /** Opens a route by its address, such as {@code #/services/mover}, and waits for the page it renders. */
    ConsoleBrowser go(String route, String readyAs) {
        open(route);
        return awaitReady(readyAs);
    }

    /** Loads the current address again, such as after an action that the page does not show by itself. */
    ConsoleBrowser reload(String readyAs) {
        driver.navigate().refresh();
        return awaitReady(readyAs);
    }

    /** Waits until {@code main#page} says that the page of this route has loaded its data. */
    ConsoleBrowser awaitReady(String route) {
        waitFor(By.cssSelector("main#page[data-ready=\"" + route + "\"]"));
        return this;
    }

    /** Waits until an element is visible and returns it. */
    WebElement waitFor(By locator) {
        return until(ExpectedConditions.visibilityOfElementLocated(locator), "a visible element " + locator);
    }

    /** Waits until no element matches, such as a table row that an action removed. */
    ConsoleBrowser awaitGone(By locator) {
        until(ExpectedConditions.numberOfElementsToBe(locator, 0), "no element " + locator);
        return this;
    }

    /** Waits until an element's text contains {@code text}, and returns its whole text. */
    String awaitText(By locator, String text) {
        until(ExpectedConditions.textToBePresentInElementLocated(locator, text), "the text '" + text + "' in " + locator);
        return text(locator);
    }

    /** Waits until an attribute of an element has a value, such as a node row's {@code data-role}. */
    ConsoleBrowser awaitAttribute(By locator, String attribute, String value) {
        until(ExpectedConditions.attributeToBe(locator, attribute, value), attribute + "=\"" + value + "\" on " + locator);
        return this;
    }

    /** Waits until the element is visible and returns its text as rendered. */
    String text(By locator) {
        return until(page -> {
            WebElement element = page.findElement(locator);
            return element.isDisplayed() ? element.getText() : null;
        }, "a visible element " + locator);
    }

    /** Returns whether an element that matches is displayed now, without waiting. */
    boolean isDisplayed(By locator) {
        return driver.findElements(locator).stream().anyMatch(WebElement::isDisplayed);
    }

    /** Waits until the element can be clicked, and clicks it; looks it up again when the page drew it anew meanwhile. */
    ConsoleBrowser click(By locator) {
        until(page -> {
            WebElement element = ExpectedConditions.elementToBeClickable(locator).apply(page);
            if (element == null) {
                return false;
            }
            element.click();
            return true;
        }, "a clickable element " + locator);
        return this;
    }

    /** Sets a form field: chooses the option with this value in a {@code select}, or types the value into an input. */
    ConsoleBrowser fill(By locator, String value) {
        WebElement field = waitFor(locator);
        if (field.getTagName().equalsIgnoreCase("select")) {
            new Select(field).selectByValue(value);
            return this;
        }
        field.clear();
        field.sendKeys(value);
        return this;
    }

    /** Returns the {@code data-id} of each row of a table with {@code data-table="NAME"}, in the order shown. */
    List<String> rowIds(String table) {
        return attributes("[data-table=\"" + table + "\"] [data-id]", "data-id");
    }

    /**
     * Returns an attribute of each body row of a table with {@code data-table="NAME"}, such as the
     * {@code data-service} of log entries, which have no {@code data-id}; null where a row lacks it.
     */
    List<String> rowAttribute(String table, String attribute) {
        return attributes("[data-table=\"" + table + "\"] tbody tr", attribute);
    }

    /** Reads an attribute of every match in one script, so that a page drawn anew meanwhile cannot mix two versions. */
    @SuppressWarnings("unchecked")
    private List<String> attributes(String selector, String attribute) {
        return (List<String>) driver.executeScript(
                "return Array.from(document.querySelectorAll(arguments[0]), e => e.getAttribute(arguments[1]));", selector, attribute);
    }

    /** Waits until a condition on the page holds, such as one on the rows of a table that the page loads again. */
    ConsoleBrowser await(String what, java.util.function.BooleanSupplier condition) {
        until(page -> condition.getAsBoolean(), what);
        return this;
    }

    /** Returns the selector of the row with {@code data-id="ID"} in the table with {@code data-table="NAME"}. */
    static By row(String table, String id) {
        return By.cssSelector("[data-table=\"" + table + "\"] [data-id=\"" + id + "\"]");
    }

    /** Returns the selector of the button of an action, in the row with {@code data-id="ID"} when id is given. */
    static By action(String name, String id) {
        String button = "[data-action=\"" + name + "\"]";
        return By.cssSelector(id == null ? button : "[data-id=\"" + id + "\"] " + button);
    }

    /**
     * Clicks the button of an action that asks {@code confirm()} first, accepts the confirmation, and
     * returns the result message once {@code #flash} shows one. Pass a null id for a button outside a row.
     */
    Flash confirmAction(String name, String id) {
        clearFlash();
        click(action(name, id));
        String question = acceptConfirmation();
        Flash flash = awaitFlash();
        LOG.info("Console action {} on {} asked '{}' and showed '{}'", name, id, question, flash.text());
        return flash;
    }

    /** Clicks the button of an action without a confirmation, and returns the result message in {@code #flash}. */
    Flash clickAction(String name, String id) {
        clearFlash();
        click(action(name, id));
        Flash flash = awaitFlash();
        LOG.info("Console action {} on {} showed '{}'", name, id, flash.text());
        return flash;
    }

    /** Waits for the browser's {@code confirm()} dialog, accepts it and returns its question. */
    String acceptConfirmation() {
        Alert alert = until(ExpectedConditions.alertIsPresent(), "a confirm() dialog");
        String question = alert.getText();
        alert.accept();
        return question;
    }

    /** A result message of {@code #flash}; error is true when it carries the class {@code error}. */
    record Flash(String text, boolean error) {
    }

    /** Waits until {@code #flash} shows a message and returns it. */
    Flash awaitFlash() {
        By flash = By.id("flash");
        return until(page -> {
            WebElement element = page.findElement(flash);
            String text = element.getText();
            if (text.isBlank()) {
                return null;
            }
            String classes = element.getDomAttribute("class");
            return new Flash(text, classes != null && List.of(classes.split("\\s+")).contains("error"));
        }, "a message in #flash");
    }

    /**
     * Empties {@code #flash} before an action, so that {@link #awaitFlash} waits for the message of this
     * action even when it has the same text as the message before.
     */
    private void clearFlash() {
        driver.executeScript("const f = document.getElementById('flash'); if (f) { f.textContent = ''; f.className = ''; }");
    }

    /** Gives the page the phone viewport of {@link #PHONE_WIDTH} × {@link #PHONE_HEIGHT}, as a mobile device. */
    ConsoleBrowser phoneSize() {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", PHONE_WIDTH, "height", PHONE_HEIGHT, "deviceScaleFactor", 1, "mobile", true));
        return this;
    }

    /**
     * Gives the page the desktop viewport of {@link #DESKTOP_WIDTH} × {@link #DESKTOP_HEIGHT}. An override,
     * because headless Chromium 156 takes about 140 pixels of the window's height from the viewport.
     */
    ConsoleBrowser desktopSize() {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", DESKTOP_WIDTH, "height", DESKTOP_HEIGHT, "deviceScaleFactor", 1, "mobile", false));
        return this;
    }

    /** Returns the width of the page's content in CSS pixels; wider than the viewport means a horizontal scroll bar. */
    long contentWidth() {
        return ((Number) driver.executeScript("return document.documentElement.scrollWidth;")).longValue();
    }

    /** Returns how many elements match a CSS selector now, without waiting. */
    int count(String selector) {
        return driver.findElements(By.cssSelector(selector)).size();
    }

    /** Returns the width of the page's viewport in CSS pixels, as the page's scripts and media queries see it. */
    long viewportWidth() {
        return ((Number) driver.executeScript("return window.innerWidth;")).longValue();
    }

    /**
     * Saves the visible part of the page twice: as {@code NAME.png} at the desktop size and as
     * {@code NAME-phone.png} at the phone size, and returns both files. The page keeps the desktop size.
     */
    List<Path> screenshot(String name) {
        Path desktop = screenshots.resolve(name + ".png");
        Path phone = screenshots.resolve(name + "-phone.png");
        desktopSize();
        save(desktop);
        try {
            phoneSize();
            save(phone);
        } finally {
            desktopSize();
        }
        LOG.info("Saved screenshots {} and {}", desktop, phone);
        return List.of(desktop, phone);
    }

    private void save(Path file) {
        try {
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the screenshot " + file, e);
        }
    }

    /**
     * Saves what the browser shows after a failed test: a screenshot at both sizes and the page's HTML as
     * {@code NAME.html}, next to the other screenshots. Errors while saving are logged, so the test's own
     * failure stays the one reported.
     */
    void saveFailure(String name) {
        try {
            screenshot(name);
            Files.writeString(screenshots.resolve(name + ".html"), pageHtml());
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot save the page of the failed test {}: {}", name, e.toString());
        }
    }

    /**
     * Returns the errors the page's scripts raised or logged since the last call: uncaught exceptions and
     * {@code console.error} lines. Failed requests are left out, because the console gets a 401 response
     * by design while no one is logged in.
     */
    List<String> javascriptErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(message -> !message.contains("Failed to load resource"))
                .toList();
    }

    /** Returns the page's HTML as the browser has it now, with what its scripts changed. */
    String pageHtml() {
        return driver.getPageSource();
    }

    /** Runs JavaScript in the page and returns its result, as {@code JavascriptExecutor} converts it. */
    Object runScript(String script, Object... arguments) {
        return driver.executeScript(script, arguments);
    }

    private <T> T until(java.util.function.Function<? super org.openqa.selenium.WebDriver, T> condition, String what) {
        try {
            return wait.until(condition);
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("timed out after " + WAIT.toSeconds() + " s waiting for " + what + " on " + driver.getCurrentUrl()
                    + ", where the page shows: " + visibleText(), e);
        }
    }

    /** Returns the start of the page's visible text, which says more about a failed wait than the selector does. */
    private String visibleText() {
        try {
            String text = driver.findElement(By.tagName("body")).getText().strip().replaceAll("\\s+", " ");
            return text.length() > 300 ? text.substring(0, 300) + "…" : text;
        } catch (WebDriverException e) {
            return "(no text: " + e.getClass().getSimpleName() + ")";
        }
    }

    /**
     * Ends the browser and chromedriver, then kills each of their processes that is still alive, such as
     * one left behind by a hung quit.
     */
    @Override
    public void close() {
        List<ProcessHandle> started = processes();
        try {
            driver.quit();
        } catch (WebDriverException e) {
            LOG.warn("Chromium did not quit cleanly, killing its processes: {}", e.getMessage());
        } finally {
            service.stop();
        }

        // Chromium's helper processes end a moment after chromedriver, so give them time before killing them.
        try {
            CompletableFuture.allOf(started.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
                    .get(EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("Chromium processes still run {} s after chromedriver stopped", EXIT_GRACE.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle process : started) {
            if (process.isAlive()) {
                LOG.warn("Killing Chromium process {} that outlived chromedriver: {}", process.pid(),
                        process.info().command().orElse("?"));
                process.destroyForcibly();
            }
        }
        LOG.info("Closed the browser of the console at {}", consoleUrl);
    }

    /**
     * Returns the running processes of chromedriver and Chromium, whose programs live under
     * /usr/lib/chromium, that belong to this browser: those under this JVM, and those whose command line
     * names the work folder. The second rule finds Chromium's crash handler, which detaches from its parent.
     */
    List<ProcessHandle> processes() {
        String marker = workFolder.toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.startsWith("/usr/lib/chromium/")).orElse(false))
                .filter(p -> isDescendant(p) || String.join(" ", p.info().arguments().orElse(new String[0])).contains(marker))
                .toList();
    }

    private static boolean isDescendant(ProcessHandle process) {
        for (ProcessHandle parent = process.parent().orElse(null); parent != null; parent = parent.parent().orElse(null)) {
            if (parent.pid() == ProcessHandle.current().pid()) {
                return true;
            }
        }
        return false;
    }

    /** The browser's address for a node, such as {@code http://127.0.0.1:PORT/console/}. */
    static String consoleUrl(String nodeBase) {
        return nodeBase + "/console/";
    }
}
