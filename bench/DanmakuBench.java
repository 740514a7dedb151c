import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.nglive.danmaku.AssOptions;
import io.nglive.danmaku.DanmakuAss;
import io.nglive.danmaku.DanmakuAss.Summary;

/**
 * A danmaku file of COMMENTS comments as BililiveRecorder writes it (header, XSL, gifts among the comments, Chinese,
 * Latin and emoji texts), converted to ASS with the default options at 1920×1080 through the pipeline's call
 * (DanmakuAss.convert(Path, Path, ...)): the first conversion of the JVM (cold), then RUNS more (warm, median). Heap:
 * the most in use after any collection during a conversion (what it keeps), the peak of the heap pools (garbage
 * included), the bytes it allocates. Prints one JSON line. Run with the heap to check:
 * java -XX:+UseSerialGC -Xmx64m -cp target/nglive.jar bench/DanmakuBench.java comments=100000 runs=10 dir=/tmp
 */
public class DanmakuBench {

    private static final String TEXTS = "哈哈哈草主播好可爱来了晚上好弹幕测试这个真的太强了awsl888666？！？ww lol GG nice 😀🎉";
    private static final AtomicLong liveAfterGc = new AtomicLong();
    private static final AtomicInteger collections = new AtomicInteger();

    public static void main(String[] args) throws Exception {
        Map<String, String> arg = new HashMap<>();
        for (String a : args) {
            arg.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        int comments = Integer.parseInt(arg.getOrDefault("comments", "100000"));
        int runs = Integer.parseInt(arg.getOrDefault("runs", "10"));
        Path dir = Files.createTempDirectory(Path.of(arg.getOrDefault("dir", System.getProperty("java.io.tmpdir"))),
                "danmaku-bench-");
        Path xml = dir.resolve("录制-21452505-20261201-200000-000-测试直播.xml");
        Path ass = dir.resolve("录制-21452505-20261201-200000-000-测试直播.ass");
        write(xml, comments);
        watchCollections();
        AssOptions options = AssOptions.defaults().withSize(1920, 1080);

        Run cold = convert(xml, ass, options);
        List<Run> warm = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            warm.add(convert(xml, ass, options));
        }
        double[] warmSeconds = warm.stream().mapToDouble(Run::seconds).sorted().toArray();
        long liveMax = warm.stream().mapToLong(Run::liveAfterGc).max().orElse(0);
        long peakMax = warm.stream().mapToLong(Run::heapPeak).max().orElse(0);
        Summary summary = cold.summary();
        System.out.printf(Locale.ROOT, "JSON {\"comments\": %d, \"xml_mb\": %.1f, \"ass_mb\": %.1f, \"written\": %d, "
                        + "\"dropped\": %d, \"dropped_by_reason\": \"%s\", \"cold_s\": %.3f, \"warm_s\": %.3f, "
                        + "\"warm_all_s\": %s, \"cold_live_after_gc_mb\": %.1f, \"live_after_gc_max_mb\": %.1f, "
                        + "\"heap_peak_mb\": %.1f, \"allocated_mb\": %.0f, \"xmx_mb\": %d, \"collections\": %d}%n",
                comments, Files.size(xml) / 1048576.0, Files.size(ass) / 1048576.0, summary.written(),
                summary.droppedTotal(), summary.dropped(), cold.seconds(), warmSeconds[warmSeconds.length / 2],
                Arrays.toString(warmSeconds), cold.liveAfterGc() / 1048576.0, liveMax / 1048576.0,
                peakMax / 1048576.0, warm.get(0).allocated() / 1048576.0,
                Runtime.getRuntime().maxMemory() / 1048576, collections.get());
        Files.delete(xml);
        Files.delete(ass);
        Files.delete(dir);
    }

    record Run(double seconds, long liveAfterGc, long heapPeak, long allocated, Summary summary) {
    }

    private static Run convert(Path xml, Path ass, AssOptions options) throws IOException {
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        liveAfterGc.set(0);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocated = threads.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        Summary summary = DanmakuAss.convert(xml, ass, options);
        double seconds = (System.nanoTime() - start) / 1e9;
        allocated = threads.getCurrentThreadAllocatedBytes() - allocated;
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        return new Run(seconds, liveAfterGc.get(), peak, allocated, summary);
    }

    /** The heap in use after each collection: what the conversion keeps, garbage excluded. */
    private static void watchCollections() {
        var heapPools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName).toList();
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    return;
                }
                var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                if (info.getGcCause().equals("System.gc()")) {
                    return;
                }
                collections.incrementAndGet();
                long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                        .filter(pool -> heapPools.contains(pool.getKey())).mapToLong(pool -> pool.getValue().getUsed())
                        .sum();
                liveAfterGc.accumulateAndGet(used, Math::max);
            }, null, null);
        }
    }

    /** Comments about nine a second over three hours, most scrolling and white, a gift after every fifth. */
    private static void write(Path xml, int comments) throws IOException {
        Random random = new Random(23058);
        int[] texts = TEXTS.codePoints().toArray();
        try (BufferedWriter out = Files.newBufferedWriter(xml, StandardCharsets.UTF_8)) {
            out.write("\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<?xml-stylesheet type=\"text/xsl\" href=\"#s\"?>\n"
                    + "<i>\n  <chatserver>chat.bilibili.com</chatserver>\n  <chatid>0</chatid>\n"
                    + "  <BililiveRecorder version=\"2.17.3\" />\n  <BililiveRecorderRecordInfo roomid=\"21452505\" "
                    + "shortid=\"0\" name=\"主播\" title=\"测试直播\" areanameparent=\"虚拟主播\" areanamechild=\"虚拟日常\" "
                    + "start_time=\"2026-12-01T20:00:00.0000000+08:00\" />\n");
            double time = 0;
            for (int i = 0; i < comments; i++) {
                time += random.nextDouble() * 0.22;
                int r = random.nextInt(100);
                int mode = r < 85 ? 1 : r < 93 ? 5 : r < 99 ? 4 : 7;
                int color = random.nextInt(5) == 0 ? random.nextInt(0x1000000) : 0xFFFFFF;
                StringBuilder text = new StringBuilder();
                for (int n = 2 + random.nextInt(random.nextInt(10) == 0 ? 40 : 12); n > 0; n--) {
                    text.appendCodePoint(texts[random.nextInt(texts.length)]);
                }
                long uid = 10_000 + random.nextInt(5_000);
                out.write(String.format(Locale.ROOT, "  <d p=\"%s,%d,25,%d,%d,0,%d,0\" user=\"观众%d\">%s</d>\n",
                        Math.round(time * 1000) / 1000.0, mode, color, 1_764_590_400_000L + (long) (time * 1000), uid,
                        uid, text.toString().replace("&", "&amp;").replace("<", "&lt;")));
                if (i % 5 == 4) {
                    out.write(String.format(Locale.ROOT, "  <gift ts=\"%s\" user=\"观众%d\" giftname=\"辣条\" "
                            + "giftcount=\"%d\" />\n", Math.round(time * 1000) / 1000.0, uid, 1 + random.nextInt(99)));
                }
            }
            out.write("</i>");
        }
    }
}
