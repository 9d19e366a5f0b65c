package io.moodlectl.site;

import io.moodlectl.proxy.Slot;

import java.time.Instant;

/**
 * One complete copy of a site: a pool volume holding code/, moodledata/ and db/, its network and its containers.
 *
 * @param id         e1, e2 … (never reused within a site)
 * @param slot       the proxy slot it is or was served from (live/standby), null otherwise
 * @param generation image generation (php8.2 | php8.4)
 * @param ref        the Moodle ref it runs, commit, and Moodle's $release
 */
public record Environment(String id, Role role, Slot slot, String generation, String ref, String commit,
                          String release, Instant created, Instant roleSince) {

    public Environment withRole(Role r, Slot s) {
        return new Environment(id, r, s, generation, ref, commit, release, created, Instant.now());
    }

    public String volume(String site) {
        return site + "." + id;
    }

    public String network(String site) {
        return site + "-" + id;
    }

    public String dbContainer(String site) {
        return site + "-" + id + "-db";
    }

    public String webContainer(String site) {
        return site + "-" + id + "-web";
    }

    public String cronContainer(String site) {
        return site + "-" + id + "-cron";
    }
}
