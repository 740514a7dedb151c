package io.nglive.retention;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How much free space retention keeps ({@code nglive.retention.min-free}): bytes ({@code 50GB}, {@code 500MB}, a unit
 * being 1024 of the one below it) or a percentage of the file system ({@code 10%}); zero is off.
 *
 * @param bytes   the free bytes to keep, when given as bytes
 * @param percent the part of the file system to keep free, when given as a percentage (0 when given as bytes)
 */
public record MinFree(long bytes, BigDecimal percent) {

    public static final MinFree OFF = new MinFree(0, BigDecimal.ZERO);

    private static final Pattern BYTES = Pattern.compile("(\\d{1,19})\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?");
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,2}(?:\\.\\d{1,3})?)\\s*%");

    /** The value as written, or empty when it is neither (a percentage of 100 or more is neither). */
    public static Optional<MinFree> parse(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        Matcher percent = PERCENT.matcher(text);
        if (percent.matches()) {
            return Optional.of(new MinFree(0, new BigDecimal(percent.group(1))));
        }
        Matcher bytes = BYTES.matcher(text);
        if (!bytes.matches()) {
            return Optional.empty();
        }
        String unit = bytes.group(2) == null ? "b" : bytes.group(2);
        int shift = 10 * "bkmgt".indexOf(unit.charAt(0));
        try {
            long n = Long.parseLong(bytes.group(1));
            return n > Long.MAX_VALUE >> shift ? Optional.empty() : Optional.of(new MinFree(n << shift, BigDecimal.ZERO));
        } catch (NumberFormatException tooBig) {
            return Optional.empty();
        }
    }

    public boolean off() {
        return bytes == 0 && percent.signum() == 0;
    }

    /** The free bytes to keep on a file system of {@code total} bytes. */
    public long of(long total) {
        return percent.signum() == 0 ? bytes
                : percent.multiply(BigDecimal.valueOf(total)).divide(BigDecimal.valueOf(100)).longValue();
    }

    @Override
    public String toString() {
        return percent.signum() == 0 ? bytes + " bytes" : percent.stripTrailingZeros().toPlainString() + "%";
    }
}
