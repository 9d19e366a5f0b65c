package io.moodlectl.cli;

import io.moodlectl.workflow.ProgressListener;
import io.moodlectl.workflow.StepStatus;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/** Where a verb writes: its result on stdout (a human rendering, or JSON with --json), progress on stderr. */
public final class Console {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    private final boolean quiet;

    public Console(PrintWriter out, PrintWriter err, boolean json, boolean quiet) {
        this.out = out;
        this.err = err;
        this.json = json;
        this.quiet = quiet;
    }

    public boolean json() {
        return json;
    }

    public PrintWriter out() {
        return out;
    }

    /** Prints a result: {@code value} as JSON, or through {@code human}. */
    public <T> void result(T value, Consumer<PrintWriter> human) {
        if (json) {
            out.println(Json.write(value));
        } else {
            human.accept(out);
        }
        out.flush();
    }

    /** A progress line on stderr (not with --quiet). */
    public void progress(String line) {
        if (!quiet) {
            err.println(line);
            err.flush();
        }
    }

    /** Step progress for long operations, on stderr. */
    public ProgressListener progressListener() {
        if (quiet) {
            return ProgressListener.NONE;
        }
        return new ProgressListener() {
            @Override
            public void stepStarted(String operationId, int seq, String name, String description) {
                progress(String.format("  [%d] %s …", seq, description == null || description.isBlank() ? name : description));
            }

            @Override
            public void stepOutput(String operationId, int seq, String line) {
                if (System.getenv("MOODLECTL_VERBOSE") != null) {
                    progress("      " + line);
                }
            }

            @Override
            public void stepFinished(String operationId, int seq, StepStatus status, Duration took) {
                progress(String.format("  [%d] %s (%s)", seq, status.name().toLowerCase(Locale.ROOT), seconds(took)));
            }
        };
    }

    public static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    public static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20));
        }
        return b + " B";
    }
}
