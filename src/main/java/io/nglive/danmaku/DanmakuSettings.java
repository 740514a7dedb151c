package io.nglive.danmaku;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.nglive.InvalidSetting;
import io.nglive.SettingsReader;

/**
 * How the danmaku stage turns a recording's comments into subtitles, read once from {@code nglive.danmaku.*}. Sizes
 * are for a 1080-line video: {@link #options(int, int)} scales them to the video's own height.
 *
 * @param ass     whether the stage runs at all
 * @param burn    whether the burn stage burns the subtitles into the video
 * @param options the layout at 1920×1080
 */
public record DanmakuSettings(boolean ass, boolean burn, AssOptions options) {

    /** The height the sizes in the settings are for. */
    static final int REFERENCE_HEIGHT = 1080;

    public static DanmakuSettings read(SettingsReader settings) {
        Set<AssOptions.Block> blocked = EnumSet.noneOf(AssOptions.Block.class);
        for (String kind : list(settings, "nglive.danmaku.block")) {
            try {
                blocked.add(AssOptions.Block.valueOf(kind.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new InvalidSetting("nglive.danmaku.block", kind, "unknown kind of comment (expected any of "
                        + Arrays.toString(AssOptions.Block.values()) + ")");
            }
        }
        try {
            return new DanmakuSettings(settings.bool("nglive.danmaku.ass"), settings.bool("nglive.danmaku.burn"),
                    new AssOptions(1920, REFERENCE_HEIGHT,
                    settings.required("nglive.danmaku.font"),
                    settings.integer("nglive.danmaku.font-size", 1, REFERENCE_HEIGHT),
                    number(settings, "nglive.danmaku.opacity", 0, 1),
                    number(settings, "nglive.danmaku.outline", 0, 100),
                    number(settings, "nglive.danmaku.shadow", 0, 100),
                    settings.bool("nglive.danmaku.bold"),
                    number(settings, "nglive.danmaku.scroll-time", 1, 600),
                    number(settings, "nglive.danmaku.fixed-time", 1, 600),
                    settings.bool("nglive.danmaku.overlap"),
                    settings.integer("nglive.danmaku.max-on-screen", 0, 100_000),
                    number(settings, "nglive.danmaku.scroll-area", 0.05, 1),
                    blocked,
                    list(settings, "nglive.danmaku.block-keywords"),
                    list(settings, "nglive.danmaku.block-users"),
                    number(settings, "nglive.danmaku.time-shift", -86_400, 86_400)));
        } catch (IllegalArgumentException e) {
            // what the settings above do not check by themselves (a font name with a comma)
            throw new InvalidSetting("nglive.danmaku.*: " + e.getMessage());
        }
    }

    /** The layout for a video of {@code width}×{@code height}: font, outline and shadow scaled to its height. */
    public AssOptions options(int width, int height) {
        double scale = (double) height / REFERENCE_HEIGHT;
        AssOptions o = options;
        return new AssOptions(width, height, o.font(), Math.max(1, Math.min(height, (int) Math.round(o.fontSize() * scale))),
                o.opacity(), o.outline() * scale, o.shadow() * scale, o.bold(), o.scrollSeconds(), o.fixedSeconds(),
                o.overlap(), o.maxOnScreen(), o.scrollArea(), o.blocked(), o.blockedKeywords(), o.blockedUsers(),
                o.timeShift());
    }

    /** Comma-separated items, blanks around them dropped. */
    private static List<String> list(SettingsReader settings, String name) {
        return Arrays.stream(settings.optional(name).orElse("").split(",")).map(String::strip)
                .filter(item -> !item.isEmpty()).toList();
    }

    private static double number(SettingsReader settings, String name, double min, double max) {
        String value = settings.required(name);
        double parsed;
        try {
            parsed = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new InvalidSetting(name, value, "not a number");
        }
        if (!(parsed >= min && parsed <= max)) {
            throw new InvalidSetting(name, value, "must be from " + min + " to " + max);
        }
        return parsed;
    }
}
