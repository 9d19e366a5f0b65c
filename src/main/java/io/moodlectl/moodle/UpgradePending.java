package io.moodlectl.moodle;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;

/** What {@code upgrade.php --is-pending} says: exit 2 = an upgrade is due, 0 = not; anything else is a failure. */
public enum UpgradePending {
    NOT_PENDING,
    PENDING;

    public static UpgradePending fromExit(int exit) {
        return switch (exit) {
            case 0 -> NOT_PENDING;
            case 2 -> PENDING;
            default -> throw new MoodlectlException(ExitCode.FAILED, "upgrade.php --is-pending failed (exit " + exit + ")",
                    "read its output: config.php, the database or the code tree is not usable");
        };
    }
}
