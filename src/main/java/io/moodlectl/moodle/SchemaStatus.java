package io.moodlectl.moodle;

/** The result of {@code check_database_schema.php}: exit 0 matches, 1 differences, 2 not installed, other = failed. */
public enum SchemaStatus {
    MATCHES,
    DIFFERENCES,
    NOT_INSTALLED,
    FAILED;

    public static SchemaStatus fromExit(int exit) {
        return switch (exit) {
            case 0 -> MATCHES;
            case 1 -> DIFFERENCES;
            case 2 -> NOT_INSTALLED;
            default -> FAILED;
        };
    }
}
