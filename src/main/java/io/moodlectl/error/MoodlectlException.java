package io.moodlectl.error;

/**
 * A failure the user can act on: an exit code, a message saying what is wrong, and a hint saying what to do next.
 */
public class MoodlectlException extends RuntimeException {
    private final ExitCode exitCode;
    private final String hint;

    public MoodlectlException(ExitCode exitCode, String message) {
        this(exitCode, message, null, null);
    }

    public MoodlectlException(ExitCode exitCode, String message, String hint) {
        this(exitCode, message, hint, null);
    }

    public MoodlectlException(ExitCode exitCode, String message, String hint, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.hint = hint;
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    /** What to do next; may be null. */
    public String hint() {
        return hint;
    }

    public static MoodlectlException notFound(String message, String hint) {
        return new MoodlectlException(ExitCode.NOT_FOUND, message, hint);
    }

    public static MoodlectlException invalid(String message, String hint) {
        return new MoodlectlException(ExitCode.INVALID_INPUT, message, hint);
    }

    public static MoodlectlException conflict(String message, String hint) {
        return new MoodlectlException(ExitCode.CONFLICT, message, hint);
    }

    public static MoodlectlException failed(String message, String hint) {
        return new MoodlectlException(ExitCode.FAILED, message, hint);
    }
}
