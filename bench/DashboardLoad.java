import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.devtools.DevTools;
import org.openqa.selenium.devtools.v156.page.Page;
import org.openqa.selenium.devtools.v156.performance.Performance;
import org.openqa.selenium.devtools.v156.performance.model.Metric;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard under load, in headless Chromium (the tests' Selenium and Debian's chromium): the node already holds
 * ROOMS rooms and JOBS jobs. Measures the first paints and the page's own bytes; the main thread's busy time per second
 * on the Rooms and the Events views while wrk posts RATE recorder events a second (bench/webhook.lua with WRK_ROOMS:
 * sessions starting and ending across the rooms, each one an event on /ws); a page of the Jobs view; and the webhooks'
 * p99 at that rate with the page closed, with only what the page asks of the node (no browser), and with the page
 * open, alternated. Prints one JSON line.
 * Run: java -cp <test classpath> bench/DashboardLoad.java PORT ROOMS RATE SECONDS ROUNDS
 * <p>
 * On the central server ({@link Central}: {@code central PORT ROOMS SECONDS ROUNDS CONTROL_PORT CENTRAL_PID}) the
 * events come from bench/ClusterLoad.java's simulated nodes instead of wrk, switched on and off through its control
 * port, and are counted by type on the central's /ws.
 */
public class DashboardLoad {

    static ChromeDriver driver;
    static DevTools devTools;

    public static void main(String[] args) throws Exception {
        if (args[0].equals("central")) {
            Central.main(args);
            return;
        }
        int port = Integer.parseInt(args[0]);
        int rooms = Integer.parseInt(args[1]);
        int rate = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        String base = "http://127.0.0.1:" + port;
        Map<String, Object> out = new LinkedHashMap<>();
        start();
        watchRooms(rooms);
        try {
            // the JIT's warm-up, as in the other scenarios, and the browser's first start
            wrk(port, rooms, rate, 10);
            driver.get(base + "/favicon.svg");
            List<Double> closed = new ArrayList<>();
            List<Double> open = new ArrayList<>();
            List<Double> served = new ArrayList<>();
            List<Map<String, Object>> loads = new ArrayList<>();
            List<Double> roomsBusy = new ArrayList<>();
            List<Double> eventsBusy = new ArrayList<>();
            Map<String, Object> parts = new LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                driver.get("about:blank");
                closed.add((Double) wrk(port, rooms, rate, seconds).get("p99_ms"));
                try (Clients clients = Clients.start(port)) {
                    served.add((Double) wrk(port, rooms, rate, seconds).get("p99_ms"));
                }

                loads.add(load(base, rooms));
                Busy busy = Busy.during(seconds, () -> wrk(port, rooms, rate, seconds));
                roomsBusy.add(busy.msPerSecond);
                parts.put("rooms_round_" + round, busy.parts);
                open.add((Double) busy.load.get("p99_ms"));
                ((JavascriptExecutor) driver).executeScript("location.hash = 'events'");
                Busy events = Busy.during(seconds, () -> wrk(port, rooms, rate, seconds));
                eventsBusy.add(events.msPerSecond);
                parts.put("events_round_" + round, events.parts);
            }
            out.put("rooms", rooms);
            out.put("rate", rate);
            out.put("seconds", seconds);
            out.put("rounds", rounds);
            putLoads(out, loads);
            out.put("rooms_view_busy_ms_per_s", median(roomsBusy));
            out.put("events_view_busy_ms_per_s", median(eventsBusy));
            out.put("busy_all", Map.of("rooms", roomsBusy, "events", eventsBusy));
            out.put("busy_parts_ms_per_s", parts);
            out.put("p99_closed_ms", median(closed));
            out.put("p99_open_ms", median(open));
            out.put("p99_served_ms", median(served));
            out.put("p99_all", Map.of("closed", closed, "open", open, "served", served));
            out.put("p99_ratio", median(open) / median(closed));
            out.put("p99_served_ratio", median(served) / median(closed));
            out.put("jobs_page_ms", jobsPage(base));
        } finally {
            driver.quit();
        }
        System.out.println("JSON " + json(out));
        System.exit(0);
    }

    /**
     * Chromium at the lowest priority (nice 19): the webhooks' p99 is the node's, and a user's browser runs on another
     * machine, not on the node's two cores.
     */
    static void start() throws Exception {
        Path niced = Files.createTempFile("chromium-niced", ".sh");
        Files.writeString(niced, "#!/bin/sh\nexec nice -n 19 /usr/bin/chromium \"$@\"\n");
        niced.toFile().setExecutable(true);
        niced.toFile().deleteOnExit();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(niced.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,900", "--lang=zh-CN");
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "zh-CN"));
        driver = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build(), options);
        devTools = driver.getDevTools();
        devTools.createSession();
        devTools.send(Performance.enable(Optional.empty()));
    }

    /** Notes, in the page's clock, when the Rooms view first holds a row for every room (rows are added in one go). */
    static void watchRooms(int rooms) {
        devTools.send(Page.enable(Optional.empty()));
        devTools.send(Page.addScriptToEvaluateOnNewDocument("new MutationObserver((changes, watch) => {"
                + " if (document.querySelectorAll('tr[data-room]').length >= " + rooms + ") {"
                + " window.roomsDrawn = performance.now(); watch.disconnect(); } })"
                + ".observe(document, { childList: true, subtree: true });", Optional.empty(), Optional.empty(),
                Optional.empty()));
    }

    /** A fresh load of the Rooms view: first contentful paint, every room's row drawn, the page's own bytes. */
    static Map<String, Object> load(String base, int rooms) {
        driver.get(base + "/#rooms");
        new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(20)).until(d -> js(
                "return document.querySelectorAll('tr[data-room]').length") instanceof Number n && n.intValue() >= rooms);
        Map<String, Object> load = new LinkedHashMap<>();
        load.put("rooms_drawn_ms", ((Number) js("return window.roomsDrawn")).doubleValue());
        load.put("fcp_ms", ((Number) js("return performance.getEntriesByName('first-contentful-paint')[0].startTime"))
                .doubleValue());
        load.put("elements", ((Number) js("return document.getElementsByTagName('*').length")).longValue());
        load.put("own_bytes", ((Number) js("const own = [performance.getEntriesByType('navigation')[0], "
                + "...performance.getEntriesByType('resource').filter(e => e.name.startsWith(location.origin) "
                + "&& !e.name.includes('/api/') && !e.name.includes('/observe/'))];"
                + " return own.reduce((sum, e) => sum + e.decodedBodySize, 0)")).longValue());
        return load;
    }

    /** The loads' medians, and each load. */
    static void putLoads(Map<String, Object> out, List<Map<String, Object>> loads) {
        out.put("loads", loads);
        out.put("fcp_ms", median(loads.stream().map(l -> (Double) l.get("fcp_ms")).toList()));
        out.put("rooms_drawn_ms", median(loads.stream().map(l -> (Double) l.get("rooms_drawn_ms")).toList()));
        out.put("own_bytes", loads.get(0).get("own_bytes"));
    }

    /**
     * What the Rooms view asks of the node, without a browser: its WebSocket (every event) and the room list every
     * 15 s. The node's share of an open dashboard, apart from the browser's own CPU on the same machine.
     */
    record Clients(WebSocket socket, ScheduledExecutorService poll) implements AutoCloseable {
        static Clients start(int port) throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"),
                    new WebSocket.Listener() {
                    }).get(10, TimeUnit.SECONDS);
            ScheduledExecutorService poll = Executors.newSingleThreadScheduledExecutor();
            HttpRequest rooms = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/rooms")).build();
            poll.scheduleAtFixedRate(() -> http.sendAsync(rooms, HttpResponse.BodyHandlers.discarding()), 0, 15,
                    TimeUnit.SECONDS);
            return new Clients(socket, poll);
        }

        @Override
        public void close() {
            poll.shutdownNow();
            socket.abort();
        }
    }

    /**
     * The main thread's busy time per second (Chromium's TaskDuration) from 2 s after the load starts to 2 s before it
     * ends, while the load (wrk, or counting the central's events) runs for SECONDS; and the load's figures.
     */
    record Busy(double msPerSecond, Map<String, Double> parts, Map<String, Object> load) {
        static Busy during(int seconds, Supplier<Map<String, Object>> figuresOfLoad) throws Exception {
            List<Map<String, Object>> figures = new ArrayList<>();
            Thread load = new Thread(() -> figures.add(figuresOfLoad.get()));
            load.start();
            Thread.sleep(2000);
            Map<String, Double> before = metrics();
            long t0 = System.nanoTime();
            Thread.sleep((seconds - 4) * 1000L);
            Map<String, Double> after = metrics();
            double elapsed = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> parts = new LinkedHashMap<>();
            after.forEach((name, value) -> parts.put(name, (value - before.get(name)) / elapsed * 1000));
            load.join();
            return new Busy(parts.get("TaskDuration"), parts, figures.get(0));
        }
    }

    /**
     * Chromium's main-thread times so far, in seconds: all tasks, and script, layout and style among them (the time
     * from a task's start to its end, which grows when the thread waits for a core on a loaded machine); and CPU time
     * from /proc: the renderers' main threads (MainThreadCpu) and every process of the browser (BrowserCpu).
     */
    static Map<String, Double> metrics() {
        Map<String, Double> times = new LinkedHashMap<>();
        for (Metric metric : devTools.send(Performance.getMetrics())) {
            if (List.of("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")
                    .contains(metric.getName())) {
                times.put(metric.getName(), metric.getValue().doubleValue());
            }
        }
        long main = 0;
        long all = 0;
        for (ProcessHandle process : ProcessHandle.current().descendants().toList()) {
            long pid = process.pid();
            try {
                all += cpuTicks(Path.of("/proc/" + pid + "/stat"));
                if (Files.readString(Path.of("/proc/" + pid + "/cmdline")).contains("--type=renderer")) {
                    main += cpuTicks(Path.of("/proc/" + pid + "/task/" + pid + "/stat"));
                }
            } catch (Exception gone) {
                // exited meanwhile
            }
        }
        times.put("MainThreadCpu", main / 100.0);
        times.put("BrowserCpu", all / 100.0);
        return times;
    }

    /**
     * The dashboard of the central server: the central holds ROOMS rooms on bench/ClusterLoad.java's simulated nodes,
     * which wait (hold=) with their job events paused. Each round: the page closed with the events off, then on (the
     * central's CPU, what /ws carries); a fresh load of the Rooms view; the main thread's busy time on the Rooms view and
     * on the Events view with the events on, then on both with the events off (the same run's baseline). Events are
     * counted by type on a WebSocket of its own on the central's /ws; the central's CPU is read from /proc/PID/stat.
     */
    static final class Central {
        static final Pattern TYPE = Pattern.compile("\"type\":\"(\\w+)\"");

        public static void main(String[] args) throws Exception {
            long[] a = java.util.Arrays.stream(args).skip(1).mapToLong(Long::parseLong).toArray();
            int port = (int) a[0], rooms = (int) a[1], seconds = (int) a[2], rounds = (int) a[3], control = (int) a[4];
            long pid = a[5];
            String base = "http://127.0.0.1:" + port;
            Map<String, Object> out = new LinkedHashMap<>();
            Map<String, List<Map<String, Object>>> windows = new LinkedHashMap<>();
            Map<String, List<Double>> busy = new LinkedHashMap<>();
            Map<String, List<Double>> cpu = new LinkedHashMap<>();
            Map<String, Object> parts = new LinkedHashMap<>();
            List<Map<String, Object>> loads = new ArrayList<>();
            start();
            watchRooms(rooms);
            Feed feed = Feed.open(port);
            try {
                driver.get(base + "/favicon.svg");
                // the central's JIT on the events' path, and the first of them stored
                events(control, true);
                Thread.sleep(10_000);
                for (int round = 0; round < rounds; round++) {
                    events(control, false);
                    driver.get("about:blank");
                    windows.computeIfAbsent("closed_idle", k -> new ArrayList<>()).add(feed.during(seconds, pid));
                    events(control, true);
                    windows.computeIfAbsent("closed_busy", k -> new ArrayList<>()).add(feed.during(seconds, pid));
                    loads.add(load(base, rooms));
                    for (String[] step : new String[][] {{"rooms", "busy"}, {"events", "busy"}, {"events", "idle"},
                            {"rooms", "idle"}}) {
                        if (step[1].equals("idle")) {
                            events(control, false);
                        }
                        js("location.hash = '" + step[0] + "'");
                        Busy window = Busy.during(seconds, () -> feed.during(seconds, pid));
                        String name = step[0] + "_" + step[1];
                        busy.computeIfAbsent(name, k -> new ArrayList<>()).add(window.msPerSecond);
                        cpu.computeIfAbsent(name, k -> new ArrayList<>()).add(window.parts.get("MainThreadCpu"));
                        windows.computeIfAbsent(name, k -> new ArrayList<>()).add(window.load);
                        parts.put(name + "_round_" + round, window.parts);
                    }
                }
                events(control, false);
            } finally {
                driver.quit();
                feed.socket.abort();
            }
            out.put("rooms", rooms);
            out.put("seconds", seconds);
            out.put("rounds", rounds);
            putLoads(out, loads);
            busy.forEach((name, values) -> out.put(name + "_ms_per_s", median(values)));
            cpu.forEach((name, values) -> out.put(name + "_cpu_ms_per_s", median(values)));
            out.put("rooms_ratio", median(busy.get("rooms_busy")) / median(busy.get("rooms_idle")));
            out.put("events_ratio", median(busy.get("events_busy")) / median(busy.get("events_idle")));
            windows.forEach((name, list) -> {
                out.put(name + "_events_per_s", median(list.stream().map(w -> (Double) w.get("events_per_s")).toList()));
                out.put(name + "_central_cpu_percent",
                        median(list.stream().map(w -> (Double) w.get("central_cpu_percent")).toList()));
            });
            out.put("busy_all", busy);
            out.put("cpu_all", cpu);
            out.put("busy_parts_ms_per_s", parts);
            out.put("windows", windows);
            System.out.println("JSON " + json(out));
            System.exit(0);
        }

        /** ClusterLoad's job events on or off (its control port). */
        static void events(int control, boolean on) throws Exception {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + control + "/events/" + (on ? "on" : "off"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("control port: " + answer.statusCode());
            }
        }
    }

    /** Every frame on the central's /ws, counted by its type. */
    record Feed(WebSocket socket, Map<String, AtomicLong> counts) {
        static Feed open(int port) throws Exception {
            Map<String, AtomicLong> counts = new java.util.concurrent.ConcurrentHashMap<>();
            StringBuilder text = new StringBuilder();
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(
                    URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() {
                        @Override
                        public java.util.concurrent.CompletionStage<?> onText(WebSocket ws, CharSequence data,
                                boolean last) {
                            text.append(data);
                            if (last) {
                                Matcher type = Central.TYPE.matcher(text);
                                counts.computeIfAbsent(type.find() ? type.group(1) : "?", t -> new AtomicLong())
                                        .incrementAndGet();
                                text.setLength(0);
                            }
                            ws.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            return new Feed(socket, counts);
        }

        /** Over SECONDS: the frames a second by type and in all, and the central's CPU share of one core. */
        Map<String, Object> during(int seconds, long pid) {
            Path stat = Path.of("/proc/" + pid + "/stat");
            Map<String, Long> before = snapshot();
            long cpu = cpuTicks(stat);
            long t0 = System.nanoTime();
            try {
                Thread.sleep(seconds * 1000L);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> byType = new java.util.TreeMap<>();
            long all = 0;
            for (Map.Entry<String, Long> count : snapshot().entrySet()) {
                long n = count.getValue() - before.getOrDefault(count.getKey(), 0L);
                if (n > 0) {
                    byType.put(count.getKey(), Math.round(n / elapsed * 10) / 10.0);
                    all += n;
                }
            }
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("events_per_s", all / elapsed);
            figures.put("by_type_per_s", byType);
            figures.put("central_cpu_percent", (cpuTicks(stat) - cpu) / elapsed);
            return figures;
        }

        Map<String, Long> snapshot() {
            Map<String, Long> now = new LinkedHashMap<>();
            counts.forEach((type, n) -> now.put(type, n.get()));
            return now;
        }
    }

    /** A process's or a thread's user + system CPU time (its /proc stat file), in clock ticks (1/100 s). */
    static long cpuTicks(Path stat) {
        try {
            String line = Files.readString(stat);
            String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Jobs view's first page: from the hash change to its rows in the page, in the page's clock. */
    static double jobsPage(String base) {
        driver.get(base + "/#rooms");
        new WebDriverWait(driver, Duration.ofSeconds(60)).until(d -> js("return document.querySelector('#tabs').hidden")
                .equals(Boolean.FALSE));
        js("window.jobsAsked = performance.now(); new MutationObserver((changes, watch) => {"
                + " if (document.querySelector('tr[data-job]')) { window.jobsDrawn = performance.now(); watch.disconnect(); } })"
                + ".observe(document.querySelector('#view-jobs'), { childList: true, subtree: true });"
                + " location.hash = 'jobs'");
        new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(10)).until(d -> js(
                "return window.jobsDrawn") instanceof Number);
        return ((Number) js("return window.jobsDrawn - window.jobsAsked")).doubleValue();
    }

    static Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    static final Pattern JSON_LINE = Pattern.compile("^JSON \\{(.*)\\}$", Pattern.MULTILINE);
    static final Pattern FIELD = Pattern.compile("\"(\\w+)\":([-0-9.]+)");

    /** wrk with bench/webhook.lua: RATE recorder events a second over the rooms, for SECONDS. */
    static Map<String, Object> wrk(int port, int rooms, int rate, int seconds) {
        try {
            ProcessBuilder builder = new ProcessBuilder("wrk", "-t2", "-c16", "-d" + seconds + "s", "--latency", "-s",
                    Path.of("bench", "webhook.lua").toString(), "http://127.0.0.1:" + port + "/webhook");
            builder.environment().put("WRK_RATE", String.valueOf(rate));
            builder.environment().put("WRK_THREADS", "2");
            builder.environment().put("WRK_ROOMS", String.valueOf(rooms));
            Process wrk = builder.redirectErrorStream(true).start();
            String output = new String(wrk.getInputStream().readAllBytes());
            wrk.waitFor();
            Matcher line = JSON_LINE.matcher(output);
            if (!line.find()) {
                throw new IllegalStateException("wrk said: " + output);
            }
            Map<String, Object> figures = new LinkedHashMap<>();
            Matcher field = FIELD.matcher(line.group(1));
            while (field.find()) {
                figures.put(field.group(1), Double.parseDouble(field.group(2)));
            }
            return figures;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String json(Object value) {
        if (value instanceof Map<?, ?> map) {
            List<String> fields = new ArrayList<>();
            map.forEach((k, v) -> fields.add("\"" + k + "\":" + json(v)));
            return "{" + String.join(",", fields) + "}";
        }
        if (value instanceof List<?> list) {
            return "[" + String.join(",", list.stream().map(DashboardLoad::json).toList()) + "]";
        }
        if (value instanceof String text) {
            return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return String.valueOf(value);
    }
}
