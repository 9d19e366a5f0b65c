package io.moodlectl.site;

/** What an environment is for. */
public enum Role {
    /** Serves the site's users. */
    LIVE,
    /** The verification copy: upgraded first, reachable on the preview address. */
    STAGING,
    /** The previous live, kept for instant rollback. */
    STANDBY,
    /** Kept for inspection after a failure. */
    FAILED,
    /** No longer needed; removed by `site tidy`. */
    RETIRED;

    public String id() {
        return name().toLowerCase();
    }
}
