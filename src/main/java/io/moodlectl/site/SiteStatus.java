package io.moodlectl.site;

import io.moodlectl.proxy.ProxyState;

import java.util.List;

/** What `site status` reports. */
public record SiteStatus(String name, String url, String previewUrl, String database, List<EnvironmentStatus> environments,
                         ProxyState proxy, Support support, List<String> newerTags, LastOperation lastOperation) {

    /**
     * The site's newest journaled operation and its automatic records (null when there is none yet).
     * @param notebook the .ipynb record under records/ (null if it was not written); markdown the same as .md
     */
    public record LastOperation(String id, String kind, String status, String started, String notebook, String markdown) {
    }

    /** One line of `site list`. */
    public record Summary(String name, String url, String live, String release, int environments) {
    }

    /**
     * @param codeVersion $version in the code; dbVersion the version recorded in the database (differ while an upgrade is due)
     */
    public record EnvironmentStatus(String id, String role, String slot, String generation, String ref, String release,
                                    String branch, String codeVersion, String dbVersion, List<Plugin> plugins,
                                    List<Container> containers) {
    }

    public record Plugin(String component, String version, String release) {
    }

    public record Container(String name, String kind, String status) {
    }

    /** How long the live branch gets security fixes (from Moodle's calendar). */
    public record Support(String branch, String securityEnds, long daysLeft) {
    }
}
