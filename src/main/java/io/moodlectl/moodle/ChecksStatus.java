package io.moodlectl.moodle;

/** The result of {@code checks.php}: Nagios exit codes 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (anything else: UNKNOWN). */
public enum ChecksStatus {
    OK,
    WARNING,
    CRITICAL,
    UNKNOWN;

    public static ChecksStatus fromNagios(int exit) {
        return switch (exit) {
            case 0 -> OK;
            case 1 -> WARNING;
            case 2 -> CRITICAL;
            default -> UNKNOWN;
        };
    }

    public boolean isOk() {
        return this == OK;
    }
}
