package io.moodlectl.upgrade;

import io.moodlectl.host.Host;
import io.moodlectl.site.Environment;
import io.moodlectl.site.EnvironmentFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Moodle's settings as stored in {prefix}config and {prefix}config_plugins: "component/name" → value. */
record MoodleConfigSnapshot(Map<String, String> values) {
    /** Internal bookkeeping that changes on every upgrade or cron run: not "new settings". */
    private static final List<String> INTERNAL = List.of("version", "release", "allversionshash", "upgraderunning",
            "lastcron", "lastcronstart", "lastcroninterval", "scheduledtaskreset", "themerev", "jsrev", "langrev",
            "templaterev", "localcachedirpurged", "cachejs", "upgrade_minmaxgradestepignored");

    static MoodleConfigSnapshot read(Host host, EnvironmentFactory factory, Environment env) {
        String p = factory.spec().prefix();
        var rows = factory.engine().query(host.runtime(), env.dbContainer(factory.spec().name()), factory.credentials(),
                "SELECT 'core', name, value FROM " + p + "config UNION ALL SELECT plugin, name, value FROM " + p + "config_plugins");
        Map<String, String> values = new LinkedHashMap<>();
        for (List<String> r : rows) {
            if (r.size() >= 2) {
                values.put(r.get(0) + "/" + r.get(1), r.size() > 2 ? r.get(2) : "");
            }
        }
        return new MoodleConfigSnapshot(values);
    }

    /** Settings present now that were not before (what the upgrade introduced), with their values. */
    List<Rehearsal.Setting> added(MoodleConfigSnapshot before) {
        List<Rehearsal.Setting> out = new ArrayList<>();
        values.forEach((k, v) -> {
            String component = k.substring(0, k.indexOf('/'));
            String name = k.substring(k.indexOf('/') + 1);
            if (!before.values.containsKey(k) && !INTERNAL.contains(name) && !name.endsWith("_version")) {
                out.add(new Rehearsal.Setting(component, name, v));
            }
        });
        return out;
    }

    /** Plugins whose recorded version changed (or that appeared). */
    List<Rehearsal.PluginChange> pluginChanges(MoodleConfigSnapshot before) {
        List<Rehearsal.PluginChange> out = new ArrayList<>();
        values.forEach((k, v) -> {
            if (k.endsWith("/version") && !k.startsWith("core/")) {
                String old = before.values.get(k);
                if (!v.equals(old)) {
                    out.add(new Rehearsal.PluginChange(k.substring(0, k.indexOf('/')), old, v));
                }
            }
        });
        return out;
    }
}
