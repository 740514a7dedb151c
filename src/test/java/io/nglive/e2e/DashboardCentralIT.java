package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.nglive.testing.Browser;
import io.nglive.testing.FakeRecorder;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.UploadServer;
import io.nglive.testing.Webhooks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard of the central server in a real browser: one central server and one node with its recorder and an
 * upload target (the packaged jar in both roles, as ClusterIT runs them). No API token here, so the page opens
 * without asking.
 */
class DashboardCentralIT {

    static final Duration PATIENCE = Duration.ofSeconds(40);

    @TempDir
    static Path dir;
    static NgliveProcess central;
    static FakeRecorder recorder;
    static UploadServer target;
    static NgliveProcess node;
    static Browser browser;

    @BeforeAll
    static void start() throws IOException {
        central = new NgliveProcess(dir.resolve("central")).set("nglive.role", "central")
                .set("nglive.cluster.node-timeout", "3s").start();
        recorder = FakeRecorder.start(0, null, null);
        target = UploadServer.start(Files.createDirectories(dir.resolve("target")));
        node = new NgliveProcess(dir.resolve("nas-1")).set("nglive.node.name", "nas-1")
                .set("nglive.node.labels", "site-a")
                .set("nglive.central.url", "ws://127.0.0.1:" + central.port() + "/nodes")
                .set("nglive.central.retry-delay", "300ms").set("nglive.central.retry-max-delay", "1s")
                .set("nglive.recorder.url", recorder.url()).set("nglive.recorder.sync-interval", "1s")
                .set("nglive.transcode.mode", "NONE")
                .uploadTo(target.url()).set("nglive.upload.retries", "1").start();
        await().atMost(PATIENCE).until(() -> central.get("/api/nodes").body().contains("\"connected\":true"));
        browser = Browser.start("zh-CN");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable running : new AutoCloseable[] {browser, node, target, recorder, central}) {
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
    void theNodesTheirLoadTheNodeOfEachRoomTheRoomsThatFitNowhereAFailedJobRetriedAndALostNode() throws IOException {
        var about = central.json(central.get("/api/about")).path("data");
        assertThat(about.path("role").asText()).isEqualTo("central");
        assertThat(about.path("name").asText()).isEqualTo("central");
        assertThat(about.path("nodeTimeout").asLong()).isEqualTo(3000);
        added(central.post("/api/rooms", "{\"roomId\":901}"));
        added(central.post("/api/rooms", "{\"roomId\":902,\"labels\":[\"gpu\"]}"));
        added(central.post("/api/rooms", "{\"roomId\":903}"));
        browser.open(central, null).view("rooms");

        browser.until(d -> browser.elements("tr[data-room='901'] td.node").size() == 1, PATIENCE);
        assertThat(browser.text("tr[data-room='901'] td.node")).contains("nas-1");
        assertThat(browser.text("tr[data-room='902'] td.unplaced")).contains("未分配", "gpu");
        await().atMost(PATIENCE).until(() -> recorder.roomIds().contains(901L));
        browser.screenshot("rooms-central-zh-CN-1400");

        // auto-record switched off on the central server's page: stored there, and the node's recorder takes it
        browser.element("tr[data-room='901'] input[data-action='auto-record']").click();
        await().atMost(PATIENCE).until(() -> Boolean.FALSE.equals(recorder.room(901).orElseThrow().get("autoRecord")));
        browser.until(d -> browser.text("tr[data-room='901'] td.auto").equals("否"), PATIENCE);
        assertThat(browser.text("#view-rooms .message")).isEqualTo("房间 901：已关闭自动录制。");
        assertThat(central.json(central.get("/api/rooms/901")).at("/data/autoRecord").asBoolean()).isFalse();
        // a room on no node: stored, and said to be applied when it is placed
        browser.element("tr[data-room='902'] input[data-action='auto-record']").click();
        browser.until(d -> browser.text("#view-rooms .message").startsWith("房间 902：已关闭自动录制。 节点稍后应用："),
                PATIENCE);
        assertThat(browser.text("tr[data-room='902'] td.auto")).isEqualTo("否");

        browser.view("health");
        browser.until(d -> browser.elements("tr.node-connected[data-node='nas-1']").size() == 1
                && browser.text("tr[data-node='nas-1']").contains("%"), PATIENCE);
        assertThat(browser.text("tr[data-node='nas-1']")).contains("已连接", "site-a");
        browser.screenshot("health-central-zh-CN-1400");

        TestMedia.flv(Files.createDirectories(node.works().resolve("901")), "中心.flv", 1);
        assertThat(node.webhook(Webhooks.fileClosed(901, "901/中心.flv")).statusCode()).isEqualTo(200);
        browser.view("jobs");
        browser.until(d -> browser.elements("tr[data-status='DONE']").size() == 1, PATIENCE);
        assertThat(browser.text("tr[data-status='DONE']")).contains("nas-1", "901/中心.flv", "已完成");
        browser.screenshot("jobs-central-zh-CN-1400");

        // a job that failed on its node is retried from the central server's page, and ends DONE there, live
        target.respondWith(507);
        TestMedia.flv(node.works().resolve("901"), "重试.flv", 1);
        assertThat(node.webhook(Webhooks.fileClosed(901, "901/重试.flv")).statusCode()).isEqualTo(200);
        String failed = "#view-jobs tr[data-status='FAILED']";
        browser.until(d -> browser.elements(failed + " button[data-action='retry']").size() == 1, PATIENCE);
        assertThat(browser.text(failed)).contains("901/重试.flv", "失败").containsIgnoringCase("insufficient storage");
        browser.screenshot("jobs-central-failed-zh-CN-1400");
        target.healthy();
        browser.js("window.sameDocument = true");
        browser.element(failed + " button[data-action='retry']").click();
        browser.until(d -> browser.elements("tr[data-status='DONE']").size() == 2, PATIENCE);
        assertThat(browser.elements("tr[data-status='FAILED']")).isEmpty();
        assertThat(browser.text("#view-jobs .message")).contains("将在 nas-1 上重新运行");
        assertThat(browser.js("return window.sameDocument")).as("no reload").isEqualTo(true);
        assertThat(target.puts("901/重试.flv")).isEqualTo(1);
        assertThat(browser.consoleErrors()).isEmpty();

        // a room moved from the page to a second node, whose recorder takes it
        browser.view("rooms");
        String move = "tr[data-room='903'] button[data-action='move']";
        browser.until(d -> browser.elements(move).size() == 1, PATIENCE);
        browser.element(move).click();
        browser.until(d -> browser.text("#view-rooms .message").equals("房间 903：没有其他已连接的节点可以迁移过去。"));
        assertThat(browser.elements("select[data-action='move-to']")).as("no list of nodes in any row").isEmpty();
        try (FakeRecorder secondRecorder = FakeRecorder.start(0, null, null);
             NgliveProcess second = new NgliveProcess(dir.resolve("nas-2")).set("nglive.node.name", "nas-2")
                     .set("nglive.central.url", "ws://127.0.0.1:" + central.port() + "/nodes")
                     .set("nglive.recorder.url", secondRecorder.url()).set("nglive.recorder.sync-interval", "1s")
                     .start()) {
            await().atMost(PATIENCE).until(() -> central.json(central.get("/api/nodes")).path("data").findValues("state")
                    .stream().filter(state -> state.asText().equals("connected")).count() == 2);
            browser.element(move).click();
            browser.until(d -> browser.elements("tr[data-room='903'] select[data-action='move-to']").size() == 1);
            assertThat(browser.text("tr[data-room='903'] select[data-action='move-to']")).isEqualTo("nas-2");
            browser.element("tr[data-room='903'] button[data-action='move-confirm']").click();
            await().atMost(PATIENCE).until(() -> secondRecorder.roomIds().contains(903L));
            browser.until(d -> browser.text("tr[data-room='903'] td.node").contains("nas-2"), PATIENCE);
            assertThat(browser.text("#view-rooms .message")).isEqualTo("房间 903 已迁移到 nas-2。");
            assertThat(browser.elements("tr[data-room] select")).as("only the row asked shows the nodes").isEmpty();

            // a room recorded twice, added on the page: both recorders have it, and its row names the second node
            browser.element("#room-ids").clear();
            browser.element("#room-ids").sendKeys("904");
            browser.element("#room-twice").click();
            browser.element("#room-add-button").click();
            await().atMost(PATIENCE).until(() -> recorder.roomIds().contains(904L)
                    && secondRecorder.roomIds().contains(904L));
            assertThat(central.json(central.get("/api/rooms/904")).at("/data/replicas").asInt()).isEqualTo(2);
            browser.until(d -> browser.text("tr[data-room='904'] td.node").contains("双节点录制，另一份在"), PATIENCE);
            assertThat(browser.text("tr[data-room='904'] td.node")).contains("nas-1", "nas-2");
            browser.screenshot("rooms-central-twice-zh-CN-1400");
        }

        node.stop();
        browser.view("health");
        browser.until(d -> browser.elements("tr.node-lost[data-node='nas-1']").size() == 1, PATIENCE);
        assertThat(browser.text("tr[data-node='nas-1']")).contains("已失联");
        assertThat(browser.js("return getComputedStyle(document.querySelector(\"tr.node-lost td\")).backgroundColor"))
                .as("highlighted").isNotEqualTo("rgba(0, 0, 0, 0)");
        browser.screenshot("health-central-lost-zh-CN-1400");
        browser.view("rooms");
        browser.until(d -> browser.elements("tr[data-room='901'] td.unplaced").size() == 1, PATIENCE);
    }

    private static void added(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }
}
