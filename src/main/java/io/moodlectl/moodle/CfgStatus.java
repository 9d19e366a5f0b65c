package io.moodlectl.moodle;

/** The result of {@code cfg.php}: exit 0 ok, 3 not set, 4 forced in config.php (can't be set), other = error. */
public enum CfgStatus {
    OK,
    NOT_SET,
    FORCED_IN_CONFIG,
    ERROR;

    public static CfgStatus fromExit(int exit) {
        return switch (exit) {
            case 0 -> OK;
            case 3 -> NOT_SET;
            case 4 -> FORCED_IN_CONFIG;
            default -> ERROR;
        };
    }
}
