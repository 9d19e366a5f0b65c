package io.moodlectl.error;

/** Process exit codes. Each failure class has its own code so scripts can branch on it; `--help` lists them. */
public enum ExitCode {
    OK(0, "success"),
    FAILED(1, "the operation failed (what was done was reverted; see `moodlectl ops show`)"),
    USAGE(2, "usage error: unknown verb or option, missing argument"),
    INVALID_INPUT(3, "invalid input: a site file, value or name is wrong"),
    UNSUPPORTED(4, "the pool or host can't do what was asked"),
    API_UNREACHABLE(5, "no Docker/Podman API answers"),
    NO_SPACE(6, "not enough space in the pool"),
    NOT_FOUND(7, "no such site, environment, snapshot, operation or ref"),
    CONFLICT(8, "already exists or in use (name taken, port in use, locked)"),
    NOT_READY(9, "a prerequisite is missing (images not built, host not initialised, nothing staged)"),
    REFUSED(10, "refused by a safety check (downgrade, skipped version, incompatible plugin, data would be lost)"),
    UNHEALTHY(11, "a health check failed"),
    MISSING_TOOL(12, "a required program is not installed"),
    UNREACHABLE(13, "a repository or remote could not be reached");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
