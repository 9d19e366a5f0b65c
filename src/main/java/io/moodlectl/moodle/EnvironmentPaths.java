package io.moodlectl.moodle;

/**
 * The fixed paths inside every environment's containers. They are the same in every copy of a site, so a clone's
 * {@code config.php} needs no path rewriting (only {@code wwwroot} and mail settings differ).
 */
public final class EnvironmentPaths {
    /** The Moodle code tree (holds {@code config.php}, {@code admin/cli/}). */
    public static final String CODE = "/var/www/moodle/code";
    /** {@code $CFG->dataroot}: outside the web root. */
    public static final String DATAROOT = "/var/www/moodle/moodledata";
    /** The web server's user: admin/cli scripts run as it so moodledata stays owned by it. */
    public static final String WEB_USER = "www-data";

    private EnvironmentPaths() {
    }

    /** The web server's document root for a code layout: {@code CODE} or {@code CODE/public}. */
    public static String documentRoot(CodeLayout layout) {
        return layout == CodeLayout.PUBLIC ? CODE + "/public" : CODE;
    }
}
