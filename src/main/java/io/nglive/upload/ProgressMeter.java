package io.nglive.upload;

import io.nglive.pipeline.ProgressListener;

/**
 * Turns bytes transferred into percentages for a {@link ProgressListener}, at most one call per whole percent:
 * a multi-gigabyte copy must not flood the listener, which throttles events further on its own.
 */
final class ProgressMeter {

    private final long total;
    private final ProgressListener listener;
    private int reported = -1;

    ProgressMeter(long total, ProgressListener listener) {
        this.total = total;
        this.listener = listener;
    }

    void start() {
        report(0);
    }

    /** {@code done} bytes of {@code total} have been transferred; never reports a smaller value than before. */
    synchronized void transferred(long done) {
        if (total > 0) {
            report((int) Math.min(99, done * 100 / total));
        }
    }

    void finish() {
        report(100);
    }

    private synchronized void report(int percent) {
        if (percent > reported) {
            reported = percent;
            listener.progress(percent);
        }
    }
}
