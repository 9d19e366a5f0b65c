package io.moodlectl.adoption;

import io.moodlectl.error.MoodlectlException;
import io.moodlectl.moodle.ConfigPhp;
import io.moodlectl.site.SiteSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an old site's {@code config.php} hands over: its table prefix and the {@code $CFG} scalars worth keeping, which
 * are applied with {@code cfg.php} (so they live in the database and survive every config.php moodlectl writes). Its
 * paths, addresses, database settings and anything secret (passwords, keys, salts, tokens) are never taken; the names
 * of what was left out are reported, never the values.
 *
 * @param prefix the old {@code $CFG->prefix} (null if not set)
 * @param kept   settings applied to the new site
 * @param leftOut names not taken, with the reason ("dbpass (secret)")
 */
public record OldConfig(String prefix, List<SiteSpec.Setting> kept, List<String> leftOut) {
    private static final Set<String> OWN = Set.of("dbtype", "dblibrary", "dbhost", "dbname", "dbuser", "dbpass", "prefix",
            "dboptions", "wwwroot", "dataroot", "admin", "directorypermissions", "sslproxy", "reverseproxy", "noemailever",
            "divertallemailsto", "getremoteaddrconf", "dirroot", "libdir", "httpswwwroot");
    private static final Pattern SECRET = Pattern.compile("(?i).*(pass|secret|key|token|salt|auth).*");
    private static final Pattern HOST_SPECIFIC = Pattern.compile("(?i).*(root|dir|path|host|server|socket|session|redis|memcache|proxy|cache|url).*");

    public static OldConfig none() {
        return new OldConfig(null, List.of(), List.of());
    }

    public static OldConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw MoodlectlException.notFound("cannot read " + file + ": " + e.getMessage(), "give the old site's config.php (--config FILE)");
        }
        if (!text.contains("$CFG")) {
            throw MoodlectlException.invalid(file + " sets no $CFG: is it a Moodle config.php?", "give the old site's config.php (--config FILE)");
        }
        return of(ConfigPhp.readScalars(text));
    }

    static OldConfig of(Map<String, String> scalars) {
        List<SiteSpec.Setting> kept = new ArrayList<>();
        List<String> left = new ArrayList<>();
        scalars.forEach((name, value) -> {
            if (OWN.contains(name)) {
                left.add(name + " (moodlectl writes it)");
            } else if (SECRET.matcher(name).matches()) {
                left.add(name + " (secret)");
            } else if (HOST_SPECIFIC.matcher(name).matches() || (value != null && value.startsWith("/"))) {
                left.add(name + " (a path or address of the old server)");
            } else if (value != null && !value.equals("null")) {
                kept.add(new SiteSpec.Setting(null, name, value.equals("true") ? "1" : value.equals("false") ? "0" : value));
            }
        });
        return new OldConfig(scalars.get("prefix"), List.copyOf(kept), List.copyOf(left));
    }
}
