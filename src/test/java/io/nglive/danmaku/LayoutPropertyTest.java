package io.nglive.danmaku;

import static org.assertj.core.api.Assertions.assertThat;

import io.nglive.danmaku.DanmakuAssTest.Converted;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The layout over random comment sets (seeded: {@code -Dnglive.danmaku.seed}), checked on the script it writes: in one
 * lane, no two scrolling comments overlap at any moment and no two fixed ones are shown at once.
 */
@Timeout(120)
class LayoutPropertyTest {

    private static final long SEED = Long.getLong("nglive.danmaku.seed", 23058L);
    private static final int SETS = 300;
    private static final String CHARACTERS = "abcdefghijklmnopqrstuvwxyzWM0123456789 !?你好世界弹幕草哈ｗ😀ｶﾀ";

    record Shown(long start, long end, int x1, int x2, int y, String text) {

        /** The left edge at {@code t} centiseconds. */
        double x(double t) {
            return x1 + (x2 - x1) * (t - start) / (end - start);
        }

        int width() {
            return -x2;
        }
    }

    @Test
    void withoutOverlapNoTwoCommentsOfALaneMeet() throws IOException {
        for (int set = 0; set < SETS; set++) {
            Random random = new Random(SEED * 1_000_003L + set);
            TestOptions options = options(random);
            int count = 1 + random.nextInt(400);
            Converted converted = DanmakuAssTest.convert(comments(random, count), options.build());
            String as = "seed " + SEED + ", set " + set;

            List<Shown> scrolling = scrolling(converted);
            assertNoOverlap(scrolling, as);
            assertNoOverlapFixed(converted, as);
            int lineHeight = options.fontSize + (int) Math.ceil(2 * options.outline);
            double lowestLane = Math.max(0, options.height * options.scrollArea - lineHeight);
            assertThat(scrolling).as(as).allSatisfy(s -> assertThat((double) s.y()).isLessThanOrEqualTo(lowestLane));
            assertThat(converted.summary().written() + converted.summary().droppedTotal()).as(as).isEqualTo(count);
        }
    }

    @Test
    void withOverlapEveryCommentIsShown() throws IOException {
        for (int set = 0; set < SETS / 3; set++) {
            Random random = new Random(SEED * 1_000_003L + set);
            TestOptions options = options(random);
            options.overlap = true;
            int count = 1 + random.nextInt(400);

            Converted converted = DanmakuAssTest.convert(comments(random, count), options.build());

            assertThat(converted.summary().written()).as("seed %d, set %d", SEED, set).isEqualTo(count);
        }
    }

    @Test
    void neverMoreThanMaxOnScreenAtOnce() throws IOException {
        for (int set = 0; set < SETS / 3; set++) {
            Random random = new Random(SEED * 1_000_003L + set);
            TestOptions options = options(random);
            options.overlap = random.nextBoolean();
            options.maxOnScreen = 1 + random.nextInt(20);
            Converted converted = DanmakuAssTest.convert(comments(random, 1 + random.nextInt(400)), options.build());

            List<long[]> shown = converted.ass().lines().filter(l -> l.startsWith("Dialogue:"))
                    .map(l -> new long[] {centiseconds(l.substring(12, 22)), centiseconds(l.substring(23, 33))}).toList();
            for (long[] one : shown) {
                long atOnce = shown.stream().filter(other -> other[0] <= one[0] && one[0] < other[1]).count();
                assertThat(atOnce).as("seed %d, set %d", SEED, set).isLessThanOrEqualTo(options.maxOnScreen);
            }
        }
    }

    private static TestOptions options(Random random) {
        TestOptions options = new TestOptions();
        int[][] sizes = {{1280, 720}, {1920, 1080}, {640, 360}, {3840, 2160}};
        int[] size = sizes[random.nextInt(sizes.length)];
        options.width = size[0];
        options.height = size[1];
        options.fontSize = 16 + random.nextInt(50);
        options.outline = random.nextInt(4) / 2.0;
        options.scrollSeconds = 2 + random.nextInt(14);
        options.fixedSeconds = 1 + random.nextInt(8);
        options.scrollArea = random.nextBoolean() ? 1 : 0.2 + random.nextInt(8) / 10.0;
        return options;
    }

    /** {@code count} comments, most in bursts, a few of each kind, texts of 1 to 40 characters. */
    private static String comments(Random random, int count) {
        int[] modes = {1, 1, 1, 1, 1, 1, 2, 3, 6, 4, 5, 5};
        List<String> comments = new ArrayList<>();
        double time = random.nextDouble() * 5;
        for (int i = 0; i < count; i++) {
            time += random.nextInt(4) == 0 ? random.nextDouble() * 5 : random.nextDouble() * 0.2;
            StringBuilder text = new StringBuilder();
            int length = 1 + random.nextInt(random.nextInt(10) == 0 ? 40 : 12);
            for (int c = 0; c < length; c++) {
                text.appendCodePoint(CHARACTERS.codePointAt(CHARACTERS.offsetByCodePoints(0,
                        random.nextInt(CHARACTERS.codePointCount(0, CHARACTERS.length())))));
            }
            comments.add(DanmakuAssTest.d(Math.round(time * 1000) / 1000.0, modes[random.nextInt(modes.length)],
                    text.toString().trim().isEmpty() ? "x" : text.toString()));
        }
        return DanmakuAssTest.xml(comments.toArray(String[]::new));
    }

    private static List<Shown> scrolling(Converted converted) {
        List<Shown> shown = new ArrayList<>();
        for (String line : converted.ass().lines().toList()) {
            Matcher m = DanmakuAssTest.SCROLLING.matcher(line);
            if (m.matches()) {
                assertThat(m.group(4)).isEqualTo(m.group(6));
                shown.add(new Shown(centiseconds(m.group(1)), centiseconds(m.group(2)), Integer.parseInt(m.group(3)),
                        Integer.parseInt(m.group(5)), Integer.parseInt(m.group(4)), m.group(7)));
            }
        }
        return shown;
    }

    /** For two comments of a lane, the later one's left edge is right of the earlier one's right edge throughout. */
    private static void assertNoOverlap(List<Shown> scrolling, String as) {
        Map<Integer, List<Shown>> lanes = new HashMap<>();
        scrolling.forEach(s -> lanes.computeIfAbsent(s.y(), y -> new ArrayList<>()).add(s));
        for (List<Shown> lane : lanes.values()) {
            for (int i = 0; i < lane.size(); i++) {
                for (int j = i + 1; j < lane.size(); j++) {
                    Shown first = lane.get(i).start() <= lane.get(j).start() ? lane.get(i) : lane.get(j);
                    Shown second = first == lane.get(i) ? lane.get(j) : lane.get(i);
                    double from = second.start();
                    double to = Math.min(first.end(), second.end());
                    if (from < to) {
                        // the distance changes linearly, so its ends bound it
                        for (double t : new double[] {from, to}) {
                            assertThat(second.x(t)).as("%s: %s and %s at %.2f", as, first, second, t)
                                    .isGreaterThanOrEqualTo(first.x(t) + first.width() - 1e-6);
                        }
                    }
                }
            }
        }
    }

    private static void assertNoOverlapFixed(Converted converted, String as) {
        Map<String, List<long[]>> lanes = new HashMap<>();
        for (String line : converted.ass().lines().toList()) {
            Matcher m = DanmakuAssTest.FIXED.matcher(line);
            if (m.matches()) {
                lanes.computeIfAbsent(m.group(3) + "@" + m.group(5), lane -> new ArrayList<>())
                        .add(new long[] {centiseconds(m.group(1)), centiseconds(m.group(2))});
            }
        }
        for (Map.Entry<String, List<long[]>> lane : lanes.entrySet()) {
            List<long[]> shown = lane.getValue();
            for (int i = 1; i < shown.size(); i++) {
                assertThat(shown.get(i)[0]).as("%s: lane %s", as, lane.getKey())
                        .isGreaterThanOrEqualTo(shown.get(i - 1)[1]);
            }
        }
    }

    private static long centiseconds(String time) {
        String[] parts = time.split("[:.]");
        return ((Long.parseLong(parts[0]) * 60 + Long.parseLong(parts[1])) * 60 + Long.parseLong(parts[2])) * 100
                + Long.parseLong(parts[3]);
    }
}
