package io.nglive.pipeline;

import java.time.Duration;

/** Passes progress on at most once per interval (and never the same whole percent twice), not once per ffmpeg line. */
final class ThrottledProgress implements ProgressListener {

    private final long intervalNanos;
    private final ProgressListener target;
    private long last = Long.MIN_VALUE;
    private int lastPercent = -1;

    ThrottledProgress(Duration interval, ProgressListener target) {
        this.intervalNanos = interval.toNanos();
        this.target = target;
    }

    @Override
    public synchronized void progress(double percent) {
        long now = System.nanoTime();
        int whole = (int) Math.floor(Math.max(0, Math.min(100, percent)));
        if (whole == lastPercent || last != Long.MIN_VALUE && now - last < intervalNanos) {
            return;
        }
        last = now;
        lastPercent = whole;
        target.progress(whole);
    }
}
