package io.nglive;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops a process and everything it started, the one way nglive does it: SIGTERM, a grace period to stop cleanly,
 * SIGKILL for whatever is still there. The tree is listed before anything is signalled (a child whose parent died is
 * no longer its descendant). Which processes are asked first is the caller's, for reasons of its own
 * ({@link Order}).
 */
public final class ProcessTree {

    /** Polls rather than using {@code onExit()}: for a process that is not our direct child the JDK polls at 300 ms. */
    private static final long POLL_MILLIS = 20;

    /** Which processes of the tree are asked to stop first. */
    public enum Order {
        /** The descendants, then the process: their parent is still alive to reap them (ffmpeg). */
        CHILDREN_FIRST,
        /** The process, then the descendants: a wrapper script whose child died first would go on to its next line. */
        PARENT_FIRST,
        /** All at once: a wrapper script may not pass the request on to the program it started (the recorder). */
        TOGETHER
    }

    private ProcessTree() {
    }

    /**
     * Stops {@code root} and its descendants; returns whether they all stopped within {@code grace} of being asked
     * (false: some had to be killed). Keeps waiting when interrupted, so that a stop is never left half-done, and
     * restores the interrupt afterwards.
     */
    public static boolean stop(ProcessHandle root, Order order, Duration grace) {
        List<ProcessHandle> descendants = root.descendants().toList();
        return switch (order) {
            case CHILDREN_FIRST -> terminate(descendants, grace) & terminate(List.of(root), grace);
            case PARENT_FIRST -> terminate(with(List.of(root), descendants), grace);
            case TOGETHER -> terminate(with(descendants, List.of(root)), grace);
        };
    }

    private static List<ProcessHandle> with(List<ProcessHandle> first, List<ProcessHandle> then) {
        List<ProcessHandle> all = new ArrayList<>(first);
        all.addAll(then);
        return all;
    }

    /** SIGTERM to each in order, one grace period for all of them, then SIGKILL for each still there. */
    private static boolean terminate(List<ProcessHandle> processes, Duration grace) {
        processes.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        boolean gentle = true;
        for (ProcessHandle process : processes) {
            if (!exitsWithin(process, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                gentle = false;
                process.destroyForcibly();
                exitsWithin(process, grace);
            }
        }
        return gentle;
    }

    /** Whether the process is gone within {@code limit}; keeps waiting when interrupted, restoring the interrupt. */
    public static boolean exitsWithin(ProcessHandle handle, Duration limit) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (handle.isAlive()) {
                if (System.nanoTime() >= deadline) {
                    return false;
                }
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
