package io.moodlectl.storage;

import io.moodlectl.error.MoodlectlException;

import java.util.regex.Pattern;

/** The rule every volume name follows: {@code [a-z0-9][a-z0-9._@-]*}, at most 120 characters. */
public final class VolumeName {
    public static final int MAX_LENGTH = 120;
    private static final Pattern PATTERN = Pattern.compile("[a-z0-9][a-z0-9._@-]*");

    private VolumeName() {
    }

    public static boolean isValid(String name) {
        return name != null && name.length() <= MAX_LENGTH && PATTERN.matcher(name).matches();
    }

    /** Returns {@code name} if it is a valid volume name, else throws INVALID_INPUT. */
    public static String requireValid(String name) {
        if (!isValid(name)) {
            String shown = name == null ? "(none)" : "'" + name + "'";
            throw MoodlectlException.invalid("invalid volume name " + shown,
                    "use lower-case letters, digits and . _ @ - (starting with a letter or digit), at most "
                            + MAX_LENGTH + " characters, e.g. live@2026-01-31");
        }
        return name;
    }
}
