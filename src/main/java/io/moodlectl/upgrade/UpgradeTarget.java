package io.moodlectl.upgrade;

import io.moodlectl.error.MoodlectlException;
import io.moodlectl.site.SiteFile;
import io.moodlectl.site.SiteSpec;

import java.nio.file.Path;

/** What to upgrade to: a new site file (-f), the same site file with another Moodle ref (--ref), or as recorded. */
public record UpgradeTarget(Path siteFile, String ref) {

    /** The target spec for {@code site}; INVALID_INPUT if the file names another site. */
    public SiteSpec resolve(SiteSpec current) {
        if (siteFile != null && ref != null) {
            throw MoodlectlException.invalid("give either -f SITE.yaml or --ref REF, not both",
                    "-f takes a whole new site file; --ref only changes moodle.ref");
        }
        if (siteFile != null) {
            SiteSpec s = SiteFile.read(siteFile);
            if (!s.name().equals(current.name())) {
                throw MoodlectlException.invalid(siteFile + " describes site " + s.name() + ", not " + current.name(),
                        "use the site file of " + current.name());
            }
            return s;
        }
        if (ref != null) {
            return current.withMoodleRef(ref);
        }
        return current;
    }
}
