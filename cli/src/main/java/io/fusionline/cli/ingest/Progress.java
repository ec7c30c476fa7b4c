package io.fusionline.cli.ingest;

import java.io.PrintStream;

/**
 * A progress line for long inputs: {@code [#######.......] 57% 342/600 frames 48.2 fps} when the
 * total is known, {@code 342 frames 48.2 fps} when it is not (a live stream). On a terminal it
 * redraws one line at most five times a second; otherwise it prints nothing until {@link #done}.
 */
public final class Progress {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final long total;
    private final String unit;
    private final boolean live;
    private final long start = System.nanoTime();
    private long lastDraw;

    /**
     * @param total expected count, or 0 when unknown
     * @param live whether to redraw (true on a terminal)
     */
    public Progress(PrintStream out, long total, String unit, boolean live) {
        this.out = out;
        this.total = total;
        this.unit = unit;
        this.live = live;
    }

    /** Reports {@code count} done; redraws when due. */
    public void update(long count) {
        long now = System.nanoTime();
        if (live && now - lastDraw > 200_000_000L) {
            lastDraw = now;
            out.print("\r" + line(count, now) + "   ");
            out.flush();
        }
    }

    /** Ends the line with the final count. */
    public void done(long count) {
        String line = line(count, System.nanoTime());
        out.println(live ? "\r" + line + "   " : line);
    }

    String line(long count, long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        String rate = String.format("%.1f %s/s", count / seconds, unit);
        if (total <= 0) {
            return count + " " + unit + "s " + rate;
        }
        long shown = Math.min(count, total);
        int filled = (int) (WIDTH * shown / total);
        return "["
                + "#".repeat(filled)
                + ".".repeat(WIDTH - filled)
                + "] "
                + String.format("%3d%%", 100 * shown / total)
                + " "
                + count
                + "/"
                + total
                + " "
                + unit
                + "s "
                + rate;
    }

    /** Makes a progress line once the total is known. */
    @FunctionalInterface
    public interface Factory {
        Progress create(long total);
    }
}
