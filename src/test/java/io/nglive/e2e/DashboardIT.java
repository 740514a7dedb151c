package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.nglive.testing.Browser;
import io.nglive.testing.EventClient;
import io.nglive.testing.FakeRecorder;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.UploadServer;
import io.nglive.testing.Webhooks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.devtools.v156.css.CSS;
import org.openqa.selenium.devtools.v156.css.model.PlatformFontUsage;
import org.openqa.selenium.devtools.v156.dom.DOM;
import org.openqa.selenium.devtools.v156.emulation.Emulation;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real browser (headless Chromium), against the packaged application with a token, a fake
 * recorder and an upload target: what a user sees and does, without reloading the page. One application and one
 * browser for the class; each test opens the page afresh.
 */
class DashboardIT {

    static final String TOKEN = "dash-7e1f-token";
    static final Duration PATIENCE = Duration.ofSeconds(60);
    static final List<String> VIEWS = List.of("rooms", "jobs", "health", "events");

    @TempDir
    static Path dir;
    static FakeRecorder recorder;
    static UploadServer target;
    static NgliveProcess app;
    static Browser browser;

    @BeforeAll
    static void start() throws IOException {
        recorder = FakeRecorder.start(0, null, null);
        target = UploadServer.start(Files.createDirectories(dir.resolve("target")));
        app = new NgliveProcess(dir.resolve("app")).set("nglive.api.token", TOKEN)
                .set("nglive.recorder.url", recorder.url()).set("nglive.recorder.sync-interval", "500ms")
                .set("nglive.transcode.retries", "0").uploadTo(target.url())
                // small socket buffers: a throttled upload then reports its progress as it goes
                .jvm(UploadFaultsIT.SLOW_LINK).start();
        browser = Browser.start("zh-CN");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable running : new AutoCloseable[] {browser, app, target, recorder}) {
            try {
                if (running != null) {
                    running.close();
                }
            } catch (Exception e) {
                // the others are closed all the same
            }
        }
    }

    @Test
    void theDashboardIsTheOnlyFileServedAndTheApiIsUnchanged() {
        HttpResponse<String> page = app.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html;charset=UTF-8");
        assertThat(page.body()).contains("<script type=\"module\" src=\"js/main.js\"></script>");
        assertThat(app.get("/js/main.js").headers().firstValue("Content-Type")).hasValue("text/javascript;charset=UTF-8");
        assertThat(app.get("/favicon.svg").statusCode()).isEqualTo(200);
        assertThat(head("/").statusCode()).isEqualTo(200);

        // files that are there, in the working directory or on the classpath, and must not be served
        for (String file : List.of("application.properties", "data/nglive.script", "data/nglive.properties",
                "data/pid", "nglive.log", "routes/60-events.camel.yaml")) {
            assertThat(app.dir().resolve(file)).as("the test's premise").exists();
        }
        for (String path : List.of("/application.properties", "/data/nglive.script", "/data/nglive.properties",
                "/data/pid", "/nglive.log", "/routes/60-events.camel.yaml", "/logback.xml", "/META-INF/MANIFEST.MF",
                "/io/nglive/Nglive.class", "/io/nglive/application.properties", "/META-INF/resources/index.html",
                "/js/../application.properties", "/%2e%2e/application.properties", "/..%2fapplication.properties",
                "/nope.js")) {
            HttpResponse<String> answer = app.get(path);
            assertThat(answer.statusCode()).as("GET %s", path).isEqualTo(404);
            assertThat(answer.body()).as("GET %s", path).doesNotContain(TOKEN).doesNotContain("nglive.api");
            assertThat(head(path).statusCode()).as("HEAD %s", path).isEqualTo(404);
        }
        assertThat(app.post("/", "{}").statusCode()).as("only GET and HEAD").isIn(404, 405);

        assertThat(app.json(app.get("/api/about")).path("data").toString()).as("without credentials")
                .isEqualTo("{\"tokenRequired\":true}");
        assertThat(app.get("/api/about?token=wrong").statusCode()).isEqualTo(401);
        JsonNode about = app.json(authorized("GET", "/api/about", null)).path("data");
        assertThat(about.path("role").asText()).isEqualTo("node");
        assertThat(about.path("name").asText()).isEqualTo("test-node");
        assertThat(about.path("recorderApi").asBoolean()).isTrue();
        assertThat(about.path("central").asBoolean()).isFalse();
        assertThat(about.path("heartbeatInterval").asLong()).isEqualTo(1000);
        assertThat(about.has("lastSeq")).isTrue();
        assertThat(authorized("GET", "/api/jobs?limit=1000&offset=5", null).statusCode()).isEqualTo(200);
        assertThat(app.json(authorized("GET", "/api/jobs?limit=1001", null)).path("code").asInt()).isEqualTo(4002);
        assertThat(authorized("GET", "/api/rooms", null).statusCode()).isEqualTo(200);
        assertThat(authorized("GET", "/api/jobs/1/retry", null).statusCode()).as("a POST-only route").isEqualTo(405);
        assertThat(app.get("/observe/health").statusCode()).isEqualTo(200);
    }

    @Test
    void thePageLoadsWithoutAConsoleErrorInAnyView() {
        browser.open(app, TOKEN);
        browser.until(d -> browser.element("#link").getText().contains("已连接"));
        for (String view : VIEWS) {
            browser.view(view);
            browser.until(d -> !browser.element("#view-" + view).getText().isBlank());
        }
        // a few heartbeats and polls later
        NgliveProcess.sleep(3000);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void roomsAddedThroughTheApiAppearWithoutAReloadAndAreControlledFromThePage() {
        browser.open(app, TOKEN).view("rooms");
        browser.js("window.sameDocument = true");
        assertThat(authorized("POST", "/api/rooms", "{\"roomId\":501}").statusCode()).isEqualTo(200);
        assertThat(authorized("POST", "/api/rooms", "{\"roomId\":502,\"autoRecord\":false}").statusCode()).isEqualTo(200);

        // sooner than the list's own refresh (15 s): the RoomAdded events brought them
        browser.until(d -> browser.elements("tr[data-room='502']").size() == 1, Duration.ofSeconds(8));
        assertThat(browser.text("tr[data-room='501']")).contains("直播间 501 的标题", "主播501", "已同步");
        assertThat(browser.text("tr[data-room='502']")).contains("否");

        browser.element("tr[data-room='501'] button[data-action='start']").click();
        browser.until(d -> Boolean.TRUE.equals(recorder.room(501).orElseThrow().get("recording")));
        assertThat(browser.text("#view-rooms .message")).isEqualTo("房间 501：已开始录制。");
        // the recorder's webhook says so as well, and the row shows it at once, with since when
        Map<String, Object> session = Webhooks.data(501);
        session.put("SessionId", UUID.randomUUID().toString());
        assertThat(app.webhook(Webhooks.envelope("SessionStarted", UUID.randomUUID().toString(), session)).statusCode())
                .isEqualTo(200);
        browser.until(d -> browser.text("tr[data-room='501']").contains("录制中")
                && browser.text("tr[data-room='501']").contains("开始于"), Duration.ofSeconds(8));
        browser.screenshot("rooms-live-zh-CN-1400");

        browser.element("tr[data-room='502'] button[data-action='remove']").click();
        assertThat(recorder.roomIds()).as("one click only arms the button").contains(502L);
        browser.element("tr[data-room='502'] button[data-action='remove']").click();
        browser.until(d -> !recorder.roomIds().contains(502L) && browser.elements("tr[data-room='502']").isEmpty());
        assertThat(browser.js("return window.sameDocument")).isEqualTo(true);
    }

    @Test
    void aRoomAddedFromThePageReachesTheRecorder() {
        browser.open(app, TOKEN).view("rooms");
        browser.element("#room-ids").sendKeys("https://live.bilibili.com/601?visit_id=abc\n602，601\nnot-a-room");
        browser.element("#room-add-button").click();

        browser.until(d -> recorder.roomIds().containsAll(List.of(601L, 602L)));
        browser.until(d -> browser.elements("tr[data-room='601']").size() + browser.elements("tr[data-room='602']").size() == 2);
        assertThat(browser.text("#view-rooms .message")).contains("已添加 2 个", "not-a-room");
        assertThat(recorder.room(601).orElseThrow()).containsEntry("autoRecord", true);

        browser.element("#room-ids").clear();
        browser.element("#room-ids").sendKeys("603");
        browser.element("#room-auto").click();
        browser.element("#room-add-button").click();
        browser.until(d -> recorder.roomIds().contains(603L));
        assertThat(recorder.room(603).orElseThrow()).as("added with auto-record off").containsEntry("autoRecord", false);
    }

    @Test
    void autoRecordIsSwitchedFromThePageInTheRecorderAndShownWithoutAReload() {
        assertThat(authorized("POST", "/api/rooms", "{\"roomId\":701}").statusCode()).isEqualTo(200);
        browser.open(app, TOKEN).view("rooms");
        browser.js("window.sameDocument = true");
        String toggle = "tr[data-room='701'] input[data-action='auto-record']";
        browser.until(d -> browser.elements(toggle).size() == 1);
        assertThat(browser.element(toggle).getAttribute("aria-label")).isEqualTo("自动录制房间 701");
        assertThat(browser.element(toggle).isSelected()).isTrue();
        assertThat(browser.text("tr[data-room='701'] td.auto")).isEqualTo("是");

        browser.element(toggle).click();
        browser.until(d -> Boolean.FALSE.equals(recorder.room(701).orElseThrow().get("autoRecord")));
        browser.until(d -> browser.text("tr[data-room='701'] td.auto").equals("否")
                && !browser.element(toggle).isSelected());
        assertThat(browser.text("#view-rooms .message")).isEqualTo("房间 701：已关闭自动录制。");
        assertThat(app.json(authorized("GET", "/api/rooms/701", null)).at("/data/autoRecord").asBoolean()).isFalse();

        browser.element(toggle).click();
        browser.until(d -> Boolean.TRUE.equals(recorder.room(701).orElseThrow().get("autoRecord")));
        browser.until(d -> browser.text("tr[data-room='701'] td.auto").equals("是") && browser.element(toggle).isSelected());
        assertThat(browser.text("#view-rooms .message")).isEqualTo("房间 701：已开启自动录制。");
        assertThat(browser.js("return window.sameDocument")).isEqualTo(true);
    }

    @Test
    void aRecordingRoomShowsSinceWhenTheRecorderSaysItRecords() {
        assertThat(authorized("POST", "/api/rooms", "{\"roomId\":702}").statusCode()).isEqualTo(200);
        browser.open(app, TOKEN).view("rooms");
        browser.until(d -> browser.elements("tr[data-room='702'] button[data-action='start']").size() == 1);

        browser.element("tr[data-room='702'] button[data-action='start']").click();
        browser.until(d -> browser.text("tr[data-room='702']").contains("录制开始于"));

        // no SessionStarted came: the time is the recorder's (the reading minus its sessionDuration), in the browser's zone
        String since = app.json(authorized("GET", "/api/rooms/702", null)).at("/data/recordingSince").asText();
        var there = OffsetDateTime.parse(since).atZoneSameInstant(ZoneId.of(Browser.ZONE));
        DateTimeFormatter clock = DateTimeFormatter.ofPattern("HH:mm:ss");
        // two readings of the recorder differ by a few milliseconds, which may cross a second
        assertThat(browser.text("tr[data-room='702'] td.status")).containsAnyOf(there.format(clock),
                there.minusSeconds(1).format(clock), there.plusSeconds(1).format(clock));
        assertThat(Duration.between(OffsetDateTime.parse(since), OffsetDateTime.now()).abs())
                .isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aRecordingsJobShowsItsProgressAndEndsDoneWithoutAReload() throws IOException {
        Path flv = TestMedia.flv(Files.createDirectories(app.works().resolve("1001")), "进度 测试.flv", 20);
        // about eight seconds of upload: long enough for several progress events. On a new connection: one that earlier
        // uploads widened (TCP grows a fast reader's window) would take the whole file into its buffers at once
        target.stop();
        target.start();
        target.throttle(Files.size(flv) / 8);
        try {
            browser.open(app, TOKEN).view("jobs");
            browser.js("window.sameDocument = true");
            long jobId = jobOf(app.webhook(Webhooks.fileClosed(1001, "1001/进度 测试.flv")));
            String row = "tr[data-job='" + jobId + "']";
            String progress = "const bar = document.querySelector(arguments[0] + ' progress'); return bar ? bar.value : null";

            // read in the page: the row may be rebuilt between two WebDriver calls
            browser.until(d -> browser.js(progress, row) instanceof Number n && n.doubleValue() > 0
                    && n.doubleValue() < 100, PATIENCE);
            assertThat(browser.text(row)).contains("上传", "进行中");
            browser.screenshot("jobs-progress-zh-CN-1400");
            target.healthy();

            browser.until(d -> browser.elements(row + "[data-status='DONE']").size() == 1
                    && browser.js(progress, row) instanceof Number n && n.intValue() == 100, PATIENCE);
            assertThat(browser.text(row)).contains("1001/进度 测试.flv", "已完成", "上传 100%");
            assertThat(browser.js("return window.sameDocument")).isEqualTo(true);
        } finally {
            target.healthy();
        }
    }

    @Test
    void aFailedJobIsRetriedFromThePage() throws IOException {
        Path roomDir = Files.createDirectories(app.works().resolve("1002"));
        Path broken = TestMedia.corruptFlv(roomDir, "坏的.flv");
        long jobId = jobOf(app.webhook(Webhooks.fileClosed(1002, "1002/坏的.flv")));
        String row = "tr[data-job='" + jobId + "']";
        browser.open(app, TOKEN).view("jobs");
        browser.until(d -> browser.elements(row + "[data-status='FAILED']").size() == 1, PATIENCE);
        assertThat(browser.text(row)).contains("失败", "ffmpeg exited with code", "重试");
        browser.screenshot("jobs-failed-zh-CN-1400");

        Path fixed = TestMedia.flv(Files.createDirectories(dir.resolve("fixed")), "坏的.flv", 2);
        Files.move(fixed, broken, StandardCopyOption.REPLACE_EXISTING);
        browser.element(row + " button[data-action='retry']").click();

        browser.until(d -> browser.elements(row + "[data-status='DONE']").size() == 1, PATIENCE);
        assertThat(browser.text("#view-jobs .message")).contains("任务 #" + jobId + " 将重新运行");
        assertThat(app.json(authorized("GET", "/api/jobs/" + jobId, null)).at("/data/status").asText()).isEqualTo("DONE");

        // the details say where each of the job's files is, and where it went
        browser.element(row + " button[aria-expanded]").click();
        String mp4 = "#view-jobs tr.detail table.artifacts tr[data-artifact='mp4']";
        browser.until(d -> browser.elements(mp4).size() == 1, PATIENCE);
        assertThat(browser.text(mp4)).contains("MP4", "1002/坏的.mp4", target.url().getPort() + "/");
        assertThat(browser.text("#view-jobs tr.detail table.artifacts tr[data-artifact='recording']"))
                .contains("录制文件", "1002/坏的.flv", "—");
    }

    @Test
    void theTokenIsAskedForCheckedKeptInStorageAndNeverPutInAUrl() {
        assertThat(authorized("POST", "/api/rooms", "{\"roomId\":1101}").statusCode()).isEqualTo(200);
        browser.open(app, null);
        assertThat(browser.element("#login").isDisplayed()).isTrue();
        assertThat(browser.consoleErrors()).as("asking for the token is not an error").isEmpty();
        assertNothingShown();
        assertThat(browser.text("body")).doesNotContain("1101").doesNotContain("test-node");
        browser.screenshot("token-zh-CN-1400");

        browser.element("#token").sendKeys("wrong-token");
        browser.element("#login button[type='submit']").click();
        browser.until(d -> browser.text("#login-error").equals("令牌错误：nglive 拒绝了它。"));
        assertNothingShown();
        assertThat(browser.js("return localStorage.getItem('nglive.token')")).isNull();
        assertThat(browser.consoleErrors()).as("only the refused check").allMatch(line -> line.contains("401"));

        browser.element("#token").clear();
        browser.element("#token").sendKeys(TOKEN);
        browser.element("#login button[type='submit']").click();
        browser.until(d -> browser.elements("tr[data-room='1101']").size() == 1);
        browser.until(d -> browser.text("#link").contains("已连接"));
        assertThat(browser.js("return localStorage.getItem('nglive.token')")).isEqualTo(TOKEN);

        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8));
        List<String> urls = browser.urls();
        assertThat(urls).as("the page and its WebSocket were requested").anyMatch(u -> u.contains("/api/about"))
                .anyMatch(u -> u.startsWith("ws://127.0.0.1:" + app.port() + "/ws?since="));
        assertThat(urls).noneMatch(u -> u.contains(TOKEN) || u.contains(encoded) || u.contains("token"));

        browser.element("#forget").click();
        browser.until(d -> browser.element("#login").isDisplayed());
        assertNothingShown();
        assertThat(browser.js("return localStorage.getItem('nglive.token')")).isNull();
    }

    private static void assertNothingShown() {
        assertThat(browser.element("#tabs").isDisplayed()).isFalse();
        assertThat(browser.js("return [...document.querySelectorAll('.view')].every(v => v.hidden && !v.children.length)"))
                .as("no view is built").isEqualTo(true);
    }

    @Test
    void theEventFeedResumesAfterTheServerRestartsWithoutMissingAnEvent() throws Exception {
        browser.open(app, TOKEN).view("events");
        for (WebElement box : browser.elements("#view-events input[data-group]")) {
            if (!box.isSelected() && !"heartbeat".equals(box.getAttribute("data-group"))) {
                box.click();
            }
        }
        authorized("POST", "/api/rooms", "{\"roomId\":1201}");
        browser.until(d -> browser.text("#feed").contains("房间 1201"));

        app.stop();
        browser.until(d -> browser.element("#down").isDisplayed());
        assertThat(browser.text("#link")).isEqualTo("● 已断开");
        browser.screenshot("events-disconnected-zh-CN-1400");
        // the page must not reconnect before the events below exist: they can only reach it as a replay
        browser.offline(true);
        try {
            app.start();
            long missed1 = seqOf(authorized("POST", "/api/rooms", "{\"roomId\":1202}"));
            authorized("POST", "/api/rooms", "{\"roomId\":1203}");
            NgliveProcess.sleep(2000);
            assertThat(browser.element("#down").isDisplayed()).isTrue();
            assertThat(browser.text("#feed")).doesNotContain("房间 1202");
            browser.offline(false);

            browser.until(d -> browser.text("#feed").contains("房间 1203"), PATIENCE);
            assertThat(browser.element("#down").isDisplayed()).isFalse();
            long resumedFrom = browser.urls().stream().map(DashboardIT::since).flatMap(Optional::stream)
                    .reduce((a, b) -> b).orElseThrow();
            assertThat(resumedFrom).as("the last connection resumed before the missed events").isLessThan(missed1);
        } finally {
            browser.offline(false);
        }

        @SuppressWarnings("unchecked")
        List<Long> shown = ((List<Object>) browser.js(
                "return [...document.querySelectorAll('#feed li[data-seq]')].map(li => Number(li.dataset.seq))"))
                .stream().map(seq -> ((Number) seq).longValue()).sorted().toList();
        long first = shown.get(0);
        long last = shown.get(shown.size() - 1);
        try (EventClient events = EventClient.connect(URI.create("ws://127.0.0.1:" + app.port() + "/ws?since="
                + (first - 1) + "&token=" + TOKEN))) {
            events.await(e -> e.path("seq").asLong() >= last, PATIENCE);
            List<Long> stored = events.stored().stream().map(e -> e.path("seq").asLong()).filter(seq -> seq <= last)
                    .toList();
            assertThat(shown).as("every stored event from the first shown to the last, once").isEqualTo(stored);
        }
    }

    private static final Pattern SINCE = Pattern.compile("/ws\\?since=(\\d+)$");

    private static Optional<Long> since(String url) {
        Matcher m = SINCE.matcher(url);
        return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    @Test
    void chineseOrEnglishFromTheBrowserSwitchableRememberedAndTimesInTheBrowsersZone() throws IOException {
        TestMedia.flv(Files.createDirectories(app.works().resolve("1301")), "时间.flv", 1);
        long jobId = jobOf(app.webhook(Webhooks.fileClosed(1301, "1301/时间.flv")));
        browser.open(app, TOKEN).view("jobs");
        String row = "tr[data-job='" + jobId + "']";
        browser.until(d -> browser.elements(row + "[data-status='DONE']").size() == 1, PATIENCE);
        OffsetDateTime updated = OffsetDateTime.parse(app.json(authorized("GET", "/api/jobs/" + jobId, null))
                .at("/data/updated").asText());
        var there = updated.atZoneSameInstant(ZoneId.of(Browser.ZONE));

        assertThat(browser.js("return document.documentElement.lang")).isEqualTo("zh-CN");
        assertThat(browser.text("#tabs a[data-view='rooms']")).isEqualTo("房间");
        assertThat(browser.text(row + " td:nth-child(8)")).contains(there.format(DateTimeFormatter.ofPattern("HH:mm:ss")));
        assertThat(fontsOf("#tabs a[data-view='rooms']")).as("Chinese drawn with a CJK font, not boxes")
                .anyMatch(family -> family.contains("WenQuanYi"));

        new Select(browser.element("#lang")).selectByValue("en");
        assertThat(browser.text("#tabs a[data-view='rooms']")).isEqualTo("Rooms");
        assertThat(browser.text(row)).contains("done").doesNotContain("已完成");
        assertThat(browser.text(row + " td:nth-child(8)").replace('\u202f', ' '))
                .contains(there.format(DateTimeFormatter.ofPattern("h:mm:ss a", Locale.US)));
        browser.driver().navigate().refresh();
        browser.until(d -> browser.element("#tabs").isDisplayed());
        assertThat(browser.text("#tabs a[data-view='jobs']")).as("remembered").isEqualTo("Jobs");

        // a browser in English, nothing chosen yet
        browser.devTools().send(Emulation.setUserAgentOverride("Mozilla/5.0 nglive-test", Optional.of("en-US"),
                Optional.empty(), Optional.empty()));
        try {
            browser.open(app, TOKEN);
            assertThat(browser.js("return navigator.languages[0]")).isEqualTo("en-US");
            assertThat(browser.text("#tabs a[data-view='health']")).isEqualTo("Health");
            browser.view("rooms").screenshot("rooms-en-1400");
        } finally {
            browser.devTools().send(Emulation.setUserAgentOverride("Mozilla/5.0 nglive-test", Optional.of("zh-CN"),
                    Optional.empty(), Optional.empty()));
        }
        browser.open(app, TOKEN);
        assertThat(browser.text("#tabs a[data-view='health']")).isEqualTo("状态");
    }

    private static List<String> fontsOf(String css) {
        var devTools = browser.devTools();
        devTools.send(DOM.enable(Optional.empty()));
        devTools.send(CSS.enable());
        var root = devTools.send(DOM.getDocument(Optional.empty(), Optional.empty()));
        var node = devTools.send(DOM.querySelector(root.getNodeId(), css));
        return devTools.send(CSS.getPlatformFontsForNode(node)).stream().map(PlatformFontUsage::getFamilyName).toList();
    }

    @Test
    void everyViewFitsAPhoneAndADesktop() {
        authorized("POST", "/api/rooms", "{\"roomId\":1401}");
        browser.open(app, TOKEN);
        try {
            for (int width : new int[] {390, 1400}) {
                browser.width(width);
                for (String view : VIEWS) {
                    browser.view(view);
                    browser.until(d -> !browser.element("#view-" + view).getText().isBlank());
                    if (view.equals("rooms")) {
                        browser.until(d -> browser.elements("tr[data-room='1401']").size() == 1);
                    }
                    NgliveProcess.sleep(300);
                    assertThat(browser.js("return document.documentElement.scrollWidth <= window.innerWidth"))
                            .as("%s at %d px: nothing wider than the window", view, width).isEqualTo(true);
                    browser.screenshot(view + "-zh-CN-" + width);
                }
                browser.view("rooms");
                for (String control : List.of("button[data-action='start']", "input[data-action='auto-record']")) {
                    assertThat(browser.js("const r = document.querySelector(\"tr[data-room='1401'] " + control
                            + "\").getBoundingClientRect(); return r.width > 0 && r.right <= window.innerWidth"))
                            .as("%s at %d px", control, width).isEqualTo(true);
                }
            }
        } finally {
            browser.width(1400);
        }
    }

    private static HttpResponse<String> authorized(String method, String path, String body) {
        return app.send(HttpRequest.newBuilder(app.uri(path)).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    private static HttpResponse<String> head(String path) {
        return app.send(HttpRequest.newBuilder(app.uri(path)).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    }

    private static long jobOf(HttpResponse<String> webhook) {
        assertThat(webhook.statusCode()).as(webhook.body()).isEqualTo(200);
        return app.json(webhook).at("/data/jobId").asLong();
    }

    /** The seq of the RoomAdded an add made: the room's events, read back from the start. */
    private static long seqOf(HttpResponse<String> added) {
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        long roomId = app.json(added).at("/data/roomId").asLong();
        try (EventClient events = EventClient.connect(URI.create("ws://127.0.0.1:" + app.port() + "/ws?since=0&token="
                + TOKEN))) {
            return events.await(e -> "RoomAdded".equals(e.path("type").asText()) && e.path("roomId").asLong() == roomId,
                    PATIENCE).path("seq").asLong();
        }
    }
}
