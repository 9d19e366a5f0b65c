package io.moodlectl.testing;

/**
 * Image tags for integration tests: system property {@code moodlectl.test.image.<role>} (e.g.
 * {@code -Dmoodlectl.test.image.mariadb=localhost/moodlectl/mariadb:10.11}), else the hand-built development tag
 * {@code localhost/mctl-d-<role>:dev}.
 */
public final class TestImages {
    private TestImages() {
    }

    /** role: "mariadb", "postgres", "haproxy" … */
    public static String tag(String role) {
        String set = System.getProperty("moodlectl.test.image." + role);
        return set == null || set.isBlank() ? "localhost/mctl-d-" + role + ":dev" : set;
    }
}
