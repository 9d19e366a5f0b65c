package io.moodlectl.workflow;

import io.moodlectl.shell.ShellCommand;
import io.moodlectl.shell.ShellResult;

/** What a running step can tell the journal. Everything is redacted before it is written. */
public interface StepContext {
    /** Appends a line to the step's output (journal) and passes it to the progress listener. */
    void output(String line);

    /** Sets (replaces) the shell-equivalent command recorded for the step. */
    void command(String shellLine);

    void exitCode(int code);

    /**
     * Runs {@code cmd}, records its shell line (unless the step declared its own command), its output and exit code;
     * a non-zero exit throws a FAILED {@link io.moodlectl.error.MoodlectlException}.
     */
    ShellResult sh(ShellCommand cmd);

    /** The id of the operation this step belongs to. */
    String operationId();
}
