package io.moodlectl.moodle;

/** The kinds of {@code checks.php --type=…}. */
public enum CheckType {
    STATUS,
    SECURITY,
    PERFORMANCE;

    public String option() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
