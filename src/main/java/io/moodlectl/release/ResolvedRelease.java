package io.moodlectl.release;

import io.moodlectl.moodle.CoreVersion;
import io.moodlectl.moodle.PluginVersion;
import io.moodlectl.site.SiteSpec;

import java.util.List;

/** A release pinned to commits: Moodle core and each add-on, with the versions their version.php declare. */
public record ResolvedRelease(String ref, GitMirror core, String commit, CoreVersion version, boolean publicLayout,
                              List<ResolvedPlugin> plugins) {

    /** An add-on pinned: from git (mirror + commit) or a zip. */
    public record ResolvedPlugin(SiteSpec.PluginSource source, GitMirror mirror, String commit, PluginVersion version) {
    }

    /** A short description: "4.5.0 (Build: …) at v4.5.0 (1a2b3c4)". */
    public String describe() {
        return version.release() + " at " + ref + " (" + commit.substring(0, 7) + ")";
    }
}
