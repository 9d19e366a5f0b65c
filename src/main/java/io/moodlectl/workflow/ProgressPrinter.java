package io.moodlectl.workflow;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prints progress as plain lines (for stderr): a line when a step starts, its output indented (when {@code showOutput}),
 * and a line when it ends with its status and time.
 * <pre>
 * [2] snapshot: Snapshot the live environment
 *     | Create a readonly snapshot of …
 * [2] snapshot OK (0.0 s)
 * </pre>
 */
public final class ProgressPrinter implements ProgressListener {
    private final PrintStream out;
    private final boolean showOutput;
    private final Map<Integer, String> names = new ConcurrentHashMap<>();

    public ProgressPrinter(PrintStream out, boolean showOutput) {
        this.out = out;
        this.showOutput = showOutput;
    }

    @Override
    public void stepStarted(String operationId, int seq, String name, String description) {
        names.put(seq, name);
        out.println("[" + seq + "] " + name + (description == null || description.isBlank() ? "" : ": " + description));
        out.flush();
    }

    @Override
    public void stepOutput(String operationId, int seq, String line) {
        if (showOutput) {
            out.println("    | " + line);
            out.flush();
        }
    }

    @Override
    public void stepFinished(String operationId, int seq, StepStatus status, Duration took) {
        String name = names.remove(seq);
        out.println("[" + seq + "] " + (name == null ? "" : name + " ") + status
                + (took == null ? "" : String.format(Locale.ROOT, " (%.1f s)", took.toMillis() / 1000.0)));
        out.flush();
    }
}
