package org.esegen.cli.sweep;

import java.io.PrintStream;

/**
 * The progress line on stderr: a bar, points done of the slice, failures, points running, elapsed
 * time and ETA (remaining points at this run's mean throughput). On a terminal the line is redrawn
 * in place; otherwise (a log file, a Slurm job) one line is printed per finished point.
 */
final class Progress {
    private static final int BAR = 24;

    private final PrintStream err;
    private final boolean redraw;
    private final int total;
    private final long startNanos = System.nanoTime();
    private int done;
    private int failed;
    private int running;
    private int finishedThisRun;

    /**
     * @param total     points in the slice
     * @param finished  points already finished (resumed)
     * @param failed    of those, points that failed
     * @param redraw    redraw one line in place (stderr is a terminal)
     */
    Progress(PrintStream err, int total, int finished, int failed, boolean redraw) {
        this.err = err;
        this.total = total;
        this.done = finished;
        this.failed = failed;
        this.redraw = redraw;
    }

    synchronized void started() {
        running++;
        if (redraw) {
            print("");
        }
    }

    synchronized void finished(PointResult r, double wallSeconds) {
        running--;
        done++;
        finishedThisRun++;
        if (!r.succeeded()) {
            failed++;
        }
        print(String.format("  %s %s %.1f s", r.id(), r.status(), wallSeconds));
    }

    /** End the redrawn line. */
    synchronized void close() {
        if (redraw) {
            err.println();
        }
    }

    /** The line without the last point's note. */
    synchronized String line() {
        int filled = total == 0 ? BAR : BAR * done / total;
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        String eta = finishedThisRun == 0 ? "?" : clock(elapsed / finishedThisRun * (total - done));
        return String.format("sweep [%s%s] %d/%d done, %d failed, %d running, %s elapsed, ETA %s",
                "#".repeat(filled), ".".repeat(BAR - filled), done, total, failed, running, clock(elapsed), eta);
    }

    private void print(String note) {
        if (redraw) {
            err.print("\r" + line() + note + "\033[K");
            err.flush();
        } else {
            err.println(line() + note);
        }
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
