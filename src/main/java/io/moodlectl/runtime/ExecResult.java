package io.moodlectl.runtime;

/** Output (stdout and stderr combined, in order) and exit code of a command run in a container. */
public record ExecResult(int exitCode, String output) {
    public boolean ok() {
        return exitCode == 0;
    }
}
