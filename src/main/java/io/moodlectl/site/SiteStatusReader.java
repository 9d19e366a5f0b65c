package io.moodlectl.site;

import io.moodlectl.host.Host;
import io.moodlectl.moodle.Components;
import io.moodlectl.moodle.CoreVersion;
import io.moodlectl.moodle.ReleaseCalendar;
import io.moodlectl.runtime.ContainerState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads a site's status from its code, its database, its containers and its proxy. */
final class SiteStatusReader {
    private final Host host;
    private final SiteSpec spec;
    private final SiteState state;
    private final EnvironmentFactory factory;

    SiteStatusReader(Host host, SiteSpec spec, SiteState state) {
        this.host = host;
        this.spec = spec;
        this.state = state;
        this.factory = new EnvironmentFactory(host, spec);
    }

    SiteStatus read() {
        List<SiteStatus.EnvironmentStatus> envs = new ArrayList<>();
        List<ContainerState> containers = host.runtime().list(Map.of("moodlectl.site", spec.name()));
        for (Environment e : state.environments()) {
            envs.add(environment(e, containers));
        }
        SiteStatus.Support support = null;
        List<String> newer = List.of();
        var live = state.live();
        if (live.isPresent()) {
            Path code = factory.code(live.get());
            if (hasVersion(code)) {
                CoreVersion v = CoreVersion.read(code);
                support = ReleaseCalendar.load().forMajor(v.major())
                        .map(b -> new SiteStatus.Support(v.major(), b.securityEnd().toString(),
                                java.time.temporal.ChronoUnit.DAYS.between(LocalDate.now(), b.securityEnd())))
                        .orElse(null);
                newer = io.moodlectl.release.ReleasesService.newerTags(host, spec, v);
            }
        }
        io.moodlectl.proxy.ProxyState proxy = null;
        try {
            proxy = host.proxy().state(spec.name());
        } catch (RuntimeException ignored) {
            // proxy missing: reported as null
        }
        return new SiteStatus(spec.name(), spec.wwwroot(), spec.previewWwwroot(), spec.database(), envs, proxy, support, newer,
                lastOperation());
    }

    private SiteStatus.LastOperation lastOperation() {
        return host.journal().operations(spec.name(), 1).stream().findFirst().map(o -> {
            var records = host.records();
            if (o.status() == io.moodlectl.workflow.OperationStatus.INTERRUPTED) {
                // its process died after its last write: the record still says RUNNING
                try {
                    records.refresh(host.journal(), o.id());
                } catch (RuntimeException ignored) {
                    // the record is a convenience; status must still answer
                }
            }
            Path nb = records.notebook(o.id());
            Path md = records.markdown(o.id());
            return new SiteStatus.LastOperation(o.id(), o.kind(), o.status().name(), String.valueOf(o.started()),
                    Files.isRegularFile(nb) ? nb.toString() : null, Files.isRegularFile(md) ? md.toString() : null);
        }).orElse(null);
    }

    private SiteStatus.EnvironmentStatus environment(Environment e, List<ContainerState> containers) {
        Path code = factory.code(e);
        String release = e.release();
        String branch = null;
        String codeVersion = null;
        List<SiteStatus.Plugin> plugins = new ArrayList<>();
        if (hasVersion(code)) {
            CoreVersion v = CoreVersion.read(code);
            release = v.release();
            branch = String.valueOf(v.branch());
            codeVersion = v.version().toPlainString();
            try {
                for (var p : Components.addOns(code)) {
                    plugins.add(new SiteStatus.Plugin(p.component(), p.version().version().toPlainString(), p.version().release()));
                }
            } catch (RuntimeException ignored) {
                // a tree without components.json: no add-on list
            }
        }
        String dbVersion = null;
        List<SiteStatus.Container> cs = new ArrayList<>();
        for (ContainerState c : containers) {
            if (e.id().equals(c.labels().get("moodlectl.env"))) {
                cs.add(new SiteStatus.Container(c.name(), c.labels().get("moodlectl.kind"), c.status()));
                if ("db".equals(c.labels().get("moodlectl.kind")) && c.running()) {
                    try {
                        var rows = factory.engine().query(host.runtime(), c.name(), factory.credentials(),
                                "SELECT value FROM " + spec.prefix() + "config WHERE name = 'version'");
                        dbVersion = rows.isEmpty() ? null : rows.get(0).get(0);
                    } catch (RuntimeException ignored) {
                        dbVersion = null;
                    }
                }
            }
        }
        return new SiteStatus.EnvironmentStatus(e.id(), e.role().id(), e.slot() == null ? null : e.slot().id(), e.generation(),
                e.ref(), release, branch, codeVersion, dbVersion, plugins, cs);
    }

    /** version.php at the code root, or under public/ (5.1 layout). */
    static boolean hasVersion(Path code) {
        return Files.isRegularFile(code.resolve("version.php")) || Files.isRegularFile(code.resolve("public/version.php"));
    }
}
