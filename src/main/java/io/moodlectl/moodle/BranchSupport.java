package io.moodlectl.moodle;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

/**
 * One Moodle major in the release calendar: whether it is LTS, when it was (or is scheduled to be) released, when bug
 * fixes and security fixes end, the release a site must already be on to upgrade to it, and its PHP range.
 */
public record BranchSupport(String version, boolean lts, LocalDate released, LocalDate bugfixesEnd, LocalDate securityEnd,
                            String requires, PhpRange php) {

    /** Days until security support ends (negative once it has ended). */
    public long securityDaysLeft(LocalDate today) {
        return ChronoUnit.DAYS.between(today, securityEnd);
    }

    public boolean isReleased(LocalDate today) {
        return !today.isBefore(released);
    }

    public boolean hasSecuritySupport(LocalDate today) {
        return isReleased(today) && !today.isAfter(securityEnd);
    }

    public boolean hasBugfixSupport(LocalDate today) {
        return isReleased(today) && !today.isAfter(bugfixesEnd);
    }
}
