package io.nglive.danmaku;

import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * The lanes of the screen, one line high each, and which lane a comment takes. Its memory is one entry per lane (and
 * per comment on screen with a cap), whatever the number of comments. Times are in centiseconds, as the script has them.
 *
 * <p>A scrolling comment enters at the right edge and has left at the left edge after the scroll time, so a wider one
 * moves faster. A later comment B may follow the lane's last comment A when A has fully entered (and a gap more) by
 * the time B starts, and B is still a gap behind A's tail when A leaves: the distance between them changes linearly,
 * so it is at least the gap all the while both are on screen. A comment that may follow A may follow those before A,
 * which started earlier, so A is the only one to check. A top or bottom comment holds its lane for the fixed time.
 */
final class Layout {

    enum Kind { SCROLL, TOP, BOTTOM }

    private final int width;
    private final int height;
    private final int lineHeight;
    private final int gap;
    private final long scrollTime;
    private final long fixedTime;
    private final boolean overlap;
    private final int maxOnScreen;
    private final long[] scrollStart;
    /** the width of each scrolling lane's last comment; -1: the lane is empty */
    private final int[] scrollWidth;
    private final long[] topEnd;
    private final long[] bottomEnd;
    private final PriorityQueue<Long> shownUntil = new PriorityQueue<>();

    Layout(AssOptions options) {
        width = options.width();
        height = options.height();
        lineHeight = options.fontSize() + (int) Math.ceil(2 * options.outline());
        gap = options.fontSize() / 2;
        scrollTime = centiseconds(options.scrollSeconds());
        fixedTime = centiseconds(options.fixedSeconds());
        overlap = options.overlap();
        maxOnScreen = options.maxOnScreen();
        scrollStart = new long[Math.max(1, (int) (height * options.scrollArea() / lineHeight))];
        scrollWidth = new int[scrollStart.length];
        Arrays.fill(scrollWidth, -1);
        topEnd = new long[Math.max(1, height / lineHeight)];
        bottomEnd = new long[topEnd.length];
        Arrays.fill(topEnd, Long.MIN_VALUE);
        Arrays.fill(bottomEnd, Long.MIN_VALUE);
    }

    static long centiseconds(double seconds) {
        return Math.round(seconds * 100);
    }

    long duration(Kind kind) {
        return kind == Kind.SCROLL ? scrollTime : fixedTime;
    }

    /** Whether {@code maxOnScreen} comments are still on screen at {@code start}. */
    boolean full(long start) {
        while (!shownUntil.isEmpty() && shownUntil.peek() <= start) {
            shownUntil.poll();
        }
        return maxOnScreen > 0 && shownUntil.size() >= maxOnScreen;
    }

    /**
     * The lane a comment starting at {@code start} takes: the first free one, or without a free one, the one where it
     * overlaps least when overlap is allowed; -1 when it is not.
     */
    int place(Kind kind, long start, int textWidth) {
        int lane = kind == Kind.SCROLL ? scrollLane(start, textWidth)
                : fixedLane(kind == Kind.TOP ? topEnd : bottomEnd, start);
        if (lane >= 0) {
            if (kind == Kind.SCROLL) {
                scrollStart[lane] = start;
                scrollWidth[lane] = textWidth;
            } else {
                (kind == Kind.TOP ? topEnd : bottomEnd)[lane] = start + fixedTime;
            }
            if (maxOnScreen > 0) {
                shownUntil.add(start + duration(kind));
            }
        }
        return lane;
    }

    private int scrollLane(long start, int textWidth) {
        int best = -1;
        double bestFrom = Double.POSITIVE_INFINITY;
        for (int lane = 0; lane < scrollStart.length; lane++) {
            double from = scrollWidth[lane] < 0 ? Double.NEGATIVE_INFINITY : free(lane, textWidth);
            if (from <= start) {
                return lane;
            }
            if (from < bestFrom) {
                best = lane;
                bestFrom = from;
            }
        }
        return overlap ? best : -1;
    }

    /** From when a comment {@code textWidth} wide can follow the lane's last comment. */
    private double free(int lane, int textWidth) {
        double before = scrollStart[lane];
        double beforeSpeed = (width + scrollWidth[lane]) / (double) scrollTime;
        double speed = (width + textWidth) / (double) scrollTime;
        double entered = before + (scrollWidth[lane] + gap) / beforeSpeed;
        double notCaught = before + scrollTime - (width - gap) / speed;
        return Math.max(entered, notCaught);
    }

    private int fixedLane(long[] ends, long start) {
        int best = 0;
        for (int lane = 0; lane < ends.length; lane++) {
            if (ends[lane] <= start) {
                return lane;
            }
            if (ends[lane] < ends[best]) {
                best = lane;
            }
        }
        return overlap ? best : -1;
    }

    /** The top of a scrolling or top lane, the bottom of a bottom lane. */
    int y(Kind kind, int lane) {
        return kind == Kind.BOTTOM ? height - lane * lineHeight : lane * lineHeight;
    }

    int width() {
        return width;
    }
}
