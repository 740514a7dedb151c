package io.nglive.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.logging.Level;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.devtools.DevTools;
import org.openqa.selenium.devtools.v156.network.Network;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which {@code .ci/run} installs) for the
 * dashboard's tests: one per test class, since a session takes seconds to start. It runs in {@link #ZONE} with the
 * given browser language, records every URL the page requests (HTTP and WebSocket, through the DevTools protocol) and
 * keeps the console's messages; screenshots go to {@code target/screenshots/}.
 */
public final class Browser implements AutoCloseable {

    public static final String ZONE = "Asia/Shanghai";
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = NgliveProcess.projectRoot().resolve("target/screenshots");

    private final ChromeDriver driver;
    private final DevTools devTools;
    private final List<String> urls = new CopyOnWriteArrayList<>();

    private Browser(ChromeDriver driver) {
        this.driver = driver;
        this.devTools = driver.getDevTools();
        devTools.createSession();
        devTools.send(Network.enable(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty()));
        devTools.addListener(Network.requestWillBeSent(), sent -> urls.add(sent.getRequest().getUrl()));
        devTools.addListener(Network.webSocketCreated(), created -> urls.add(created.getUrl()));
    }

    /** @param language the browser's language, e.g. {@code zh-CN} (navigator.languages and Accept-Language) */
    public static Browser start(String language) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the dashboard's tests need " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": apt-get install chromium chromium-driver fonts-wqy-microhei (.ci/run does)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,900", "--lang=" + language);
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", language));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .withEnvironment(Map.of("TZ", ZONE)).build();
        return new Browser(new ChromeDriver(service, options));
    }

    public WebDriver driver() {
        return driver;
    }

    public DevTools devTools() {
        return devTools;
    }

    /**
     * Opens the dashboard of {@code app} with {@code token} in the browser's storage (none when null) and nothing else
     * there, as a returning user would, and waits for the page to have asked nglive who it is. The console starts
     * empty: what it holds afterwards is this load's.
     */
    public Browser open(NgliveProcess app, String token) {
        String origin = "http://127.0.0.1:" + app.port();
        // the storage is the origin's: set from one of its files that runs nothing
        driver.get(origin + "/favicon.svg");
        js("localStorage.clear(); if (arguments[0] !== null) localStorage.setItem('nglive.token', arguments[0]);", token);
        console();
        driver.get(origin + "/#rooms");
        until(d -> js("return !(document.querySelector('#tabs').hidden && document.querySelector('#login').hidden)")
                .equals(Boolean.TRUE));
        return this;
    }

    /** Shows one of the dashboard's views (rooms, jobs, health, events) and waits until it is shown. */
    public Browser view(String name) {
        js("location.hash = arguments[0]", name);
        until(d -> element("#view-" + name).isDisplayed());
        return this;
    }

    public Browser width(int width) {
        driver.manage().window().setSize(new Dimension(width, 900));
        until(d -> ((Number) js("return window.innerWidth")).intValue() == width);
        return this;
    }

    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    public WebElement element(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> elements(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The text an element shows, read in one call (a row rebuilt meanwhile cannot leave a stale reference). */
    public String text(String css) {
        Object text = js("const e = document.querySelector(arguments[0]); return e ? e.innerText : null", css);
        if (text == null) {
            throw new org.openqa.selenium.NoSuchElementException("no element matches " + css);
        }
        return text.toString();
    }

    /** Waits up to 30 s until {@code condition} holds (is neither false nor null). */
    public <T> T until(Function<WebDriver, T> condition) {
        return until(condition, Duration.ofSeconds(30));
    }

    public <T> T until(Function<WebDriver, T> condition, Duration timeout) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(100)).until(condition);
    }

    /** The console's messages and failed loads since the last call, as "LEVEL message". */
    public List<String> console() {
        List<String> lines = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            lines.add(entry.getLevel() + " " + entry.getMessage());
        }
        return lines;
    }

    /** The errors among {@link #console()}: errors logged, exceptions thrown, resources that failed to load. */
    public List<String> consoleErrors() {
        return console().stream().filter(line -> line.startsWith(Level.SEVERE.getName())).toList();
    }

    /** Every URL the page requested since the browser started, WebSocket handshakes included. */
    public List<String> urls() {
        return List.copyOf(urls);
    }

    /** Writes a screenshot to target/screenshots/{name}.png. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Cuts the page off the network (true) or puts it back, as a laptop losing its Wi-Fi would be. */
    @SuppressWarnings("deprecation")
    public void offline(boolean offline) {
        devTools.send(Network.emulateNetworkConditions(offline, 0, -1, -1, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty()));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
