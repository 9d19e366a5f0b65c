package io.moodlectl.upgrade;

import io.moodlectl.host.Host;
import io.moodlectl.site.Environment;
import io.moodlectl.site.EnvironmentFactory;
import io.moodlectl.site.FileTrees;
import io.moodlectl.site.SiteSpec;

import java.time.Instant;
import java.util.List;

/**
 * What was written on an environment since a switch: new rows in Moodle's log table (logstore_standard_log) and new
 * files in moodledata's filedir. A rollback to standby would leave these behind.
 */
final class WritesSince {
    private final Host host;
    private final SiteSpec spec;
    private final EnvironmentFactory factory;

    WritesSince(Host host, SiteSpec spec) {
        this.host = host;
        this.spec = spec;
        this.factory = new EnvironmentFactory(host, spec);
    }

    record Writes(long logRows, List<String> files, String note) {
        boolean any() {
            return logRows > 0 || !files.isEmpty();
        }

        String describe() {
            return logRows + " new log row(s), " + files.size() + " new file(s) in moodledata/filedir"
                    + (files.isEmpty() ? "" : " (e.g. " + String.join(", ", files.subList(0, Math.min(3, files.size()))) + ")");
        }
    }

    long logMaxId(Environment env) {
        try {
            var rows = factory.engine().query(host.runtime(), env.dbContainer(spec.name()), factory.credentials(),
                    "SELECT COALESCE(MAX(id), 0) FROM " + spec.prefix() + "logstore_standard_log");
            return rows.isEmpty() ? 0 : Long.parseLong(rows.get(0).get(0).trim());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    Writes since(Environment env, long logMark, Instant at) {
        long rows = 0;
        String note = null;
        if (logMark >= 0) {
            try {
                var r = factory.engine().query(host.runtime(), env.dbContainer(spec.name()), factory.credentials(),
                        "SELECT COUNT(*) FROM " + spec.prefix() + "logstore_standard_log WHERE id > " + logMark);
                rows = r.isEmpty() ? 0 : Long.parseLong(r.get(0).get(0).trim());
            } catch (RuntimeException e) {
                note = "the log table could not be read: " + e.getMessage();
            }
        }
        List<String> files = FileTrees.modifiedSince(factory.volumePath(env).resolve("moodledata/filedir"), at, 50);
        return new Writes(rows, files, note);
    }
}
