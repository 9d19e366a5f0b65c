package io.moodlectl.moodle;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one Moodle major needs, from its {@code admin/environment.xml}: the release a site must already be on
 * ({@code requires}, e.g. "4.1.2"; null if not stated), the minimum PHP, the minimum version per database vendor
 * ({@code mariadb}, {@code mysql}, {@code postgres}, …), the required PHP extensions and required PHP settings.
 */
public record Requirements(String major, String requires, String phpMinimum, Map<String, String> databaseMinimums,
                           List<String> requiredExtensions, Map<String, String> requiredPhpSettings) {

    public Requirements {
        databaseMinimums = Map.copyOf(databaseMinimums);
        requiredExtensions = List.copyOf(requiredExtensions);
        requiredPhpSettings = Map.copyOf(requiredPhpSettings);
    }

    /** The minimum version of a vendor ("mariadb", "mysql", "postgres"); empty if the vendor is not supported. */
    public Optional<String> databaseMinimum(String vendor) {
        return Optional.ofNullable(databaseMinimums.get(vendor));
    }

    /** True if a site on release {@code currentRelease} may upgrade straight to this major. */
    public boolean upgradeAllowedFrom(String currentRelease) {
        return requires == null || VersionNumbers.isAtLeast(currentRelease, requires);
    }
}
