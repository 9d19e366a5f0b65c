package io.moodlectl.shell;

/** What a finished command printed and how it exited. */
public record ShellResult(int exitCode, String stdout, String stderr) {
    public boolean ok() {
        return exitCode == 0;
    }

    /** stdout then stderr, for journals and error messages. */
    public String output() {
        if (stderr == null || stderr.isBlank()) {
            return stdout;
        }
        if (stdout == null || stdout.isBlank()) {
            return stderr;
        }
        return stdout + (stdout.endsWith("\n") ? "" : "\n") + stderr;
    }
}
