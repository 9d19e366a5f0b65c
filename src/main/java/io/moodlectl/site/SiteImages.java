package io.moodlectl.site;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.runtime.images.Generation;
import io.moodlectl.runtime.images.ImageCatalog;
import io.moodlectl.runtime.images.ImageRole;

/** The images an environment runs: exact tags from the site file, or the catalog's tags for its generation. */
public record SiteImages(String web, String database, String proxy) {

    public static SiteImages of(SiteSpec spec, String generation, ImageCatalog catalog) {
        Generation gen = Generation.parse(generation);
        ImageRole dbRole = spec.database().equals("postgres") ? ImageRole.POSTGRES : ImageRole.MARIADB;
        SiteSpec.Images im = spec.images();
        return new SiteImages(
                im.web() != null && generation.equals(im.generation()) ? im.web() : catalog.tag(gen, ImageRole.WEB),
                im.database() != null ? im.database() : catalog.tag(gen, dbRole),
                im.proxy() != null ? im.proxy() : catalog.tag(gen, ImageRole.HAPROXY));
    }

    /** NOT_READY naming the missing images and how to build them. */
    public void requirePresent(ImageCatalog catalog, io.moodlectl.runtime.ImageStore store) {
        java.util.List<String> missing = new java.util.ArrayList<>();
        for (String t : new String[]{web, database, proxy}) {
            if (!store.exists(t)) {
                missing.add(t);
            }
        }
        if (!missing.isEmpty()) {
            throw new MoodlectlException(ExitCode.NOT_READY, "images missing: " + String.join(", ", missing),
                    "build them: moodlectl images build (about 2 minutes per generation)");
        }
    }
}
