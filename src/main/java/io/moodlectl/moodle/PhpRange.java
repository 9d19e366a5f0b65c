package io.moodlectl.moodle;

import java.util.Optional;

/** The PHP versions a Moodle major runs on: minimum "8.1" and, if published, maximum "8.3" (minor versions). */
public record PhpRange(String minimum, String maximum) {

    public Optional<String> maximumIfKnown() {
        return Optional.ofNullable(maximum);
    }

    /** True if PHP {@code version} ("8.2.29", "8.2") is within the range; only major.minor counts against the maximum. */
    public boolean allows(String version) {
        if (!VersionNumbers.isAtLeast(version, minimum)) {
            return false;
        }
        if (maximum == null) {
            return true;
        }
        var n = VersionNumbers.numbers(version);
        String majorMinor = n.get(0) + "." + (n.size() > 1 ? n.get(1) : 0);
        return VersionNumbers.compareReleases(majorMinor, maximum) <= 0;
    }
}
