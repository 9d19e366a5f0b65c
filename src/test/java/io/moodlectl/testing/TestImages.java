package io.moodlectl.testing;

import io.moodlectl.runtime.docker.DockerConnection;
import io.moodlectl.runtime.images.Generation;
import io.moodlectl.runtime.images.ImageCatalog;
import io.moodlectl.runtime.images.ImageRole;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Image tags for integration tests: system property {@code moodlectl.test.image.<role>} (e.g.
 * {@code -Dmoodlectl.test.image.mariadb=moodlectl/mariadb:php8.4-…}), else the catalog's php8.2 image of that role,
 * which `moodlectl images build` (run by scripts/setup-host.sh and .ci/run) has built.
 */
public final class TestImages {
    private TestImages() {
    }

    /** role: "mariadb", "postgres", "haproxy", "web". */
    public static String tag(String role) {
        String set = System.getProperty("moodlectl.test.image." + role);
        if (set != null && !set.isBlank()) {
            return set;
        }
        try (DockerConnection c = DockerConnection.connect()) {
            ImageCatalog catalog = new ImageCatalog(c.images(), Path.of("/var/tmp"));
            return catalog.tag(Generation.PHP82, ImageRole.valueOf(role.toUpperCase(Locale.ROOT)));
        }
    }
}
