package io.moodlectl.adoption;

import io.moodlectl.database.TransferFolder;
import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.host.Host;
import io.moodlectl.moodle.CoreVersion;
import io.moodlectl.moodle.MoodleCli;
import io.moodlectl.release.ResolvedRelease;
import io.moodlectl.runtime.ContainerRuntime;
import io.moodlectl.runtime.ContainerSpec;
import io.moodlectl.runtime.ExecResult;
import io.moodlectl.shell.ShellCommand;
import io.moodlectl.site.Environment;
import io.moodlectl.site.EnvironmentFactory;
import io.moodlectl.site.SiteFile;
import io.moodlectl.site.SiteImages;
import io.moodlectl.site.SiteService;
import io.moodlectl.upgrade.UpgradeSteps;
import io.moodlectl.site.SiteSpec;
import io.moodlectl.workflow.Operation;
import io.moodlectl.workflow.Step;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code site import}: a new site built from an existing one's database dump and moodledata, on the create path of
 * {@link SiteService} with only the data replaced: the dump is loaded instead of install_database.php, moodledata is
 * copied instead of created empty. Everything that could make the result broken is checked before anything is created:
 * the dump is read whole (complete? which engine, prefix, core and plugin versions?), moodledata must hold filedir/,
 * the code must not be older than the database and every add-on of the database must be in the site file. Code newer
 * than the database is accepted: upgrade.php runs once the dump is loaded (said in the result and the journal).
 */
public final class ImportService {
    private static final Pattern TOC_TABLE = Pattern.compile("^\\d+; \\d+ \\d+ TABLE \\S+ (\\S+) ");

    private final Host host;
    private final java.util.function.Consumer<String> notes;

    /** @param notes hears what the import finds before its operation starts (the CLI prints it as progress) */
    public ImportService(Host host, java.util.function.Consumer<String> notes) {
        this.host = host;
        this.notes = notes;
    }

    /**
     * @param origin               where the data came from, for the result and the journal (e.g. the files, or ssh://…)
     * @param possiblyInconsistent the data was copied from a running site without maintenance (--live-copy)
     */
    public record ImportRequest(Path siteFile, Path dump, Path moodledata, Path oldConfig, String origin,
                                boolean possiblyInconsistent) {
    }

    public record ImportResult(String site, String url, String environment, String release, String operation, String origin,
                               String dumpEngine, String dumpFormat, String prefix, String databaseVersion,
                               String databaseRelease, int tables, int plugins, boolean upgraded, List<String> keptSettings,
                               List<String> leftOutSettings, boolean possiblyInconsistent, Duration took) {
    }

    public ImportResult importSite(ImportRequest req) {
        Instant start = Instant.now();
        SiteSpec spec = SiteFile.read(req.siteFile());
        OldConfig old = req.oldConfig() == null ? OldConfig.none() : OldConfig.read(req.oldConfig());
        MoodledataSource data = MoodledataSource.of(req.moodledata());
        DumpFile dumpFile = DumpFile.of(req.dump());
        notes.accept("reading the dump " + req.dump() + " …");
        DumpContents dump = inspect(spec, dumpFile, old.prefix());
        if (!dump.engine().equals(spec.database())) {
            throw MoodlectlException.invalid("the dump is a " + (dump.engine().equals("postgres") ? "PostgreSQL" : "MariaDB/MySQL")
                            + " dump but the site file says database: " + spec.database(),
                    "set database: " + dump.engine() + " in the site file (a dump loads into the engine that wrote it)");
        }
        if (!dump.prefix().equals(spec.prefix())) {
            throw MoodlectlException.invalid("the dump's tables use the prefix '" + dump.prefix() + "' but the site file says '"
                    + spec.prefix() + "'", "set prefix: " + dump.prefix() + " in the site file (config.php is written with it)");
        }
        Seed seed = new Seed(req, spec, dumpFile, dump, data, old);
        SiteService.CreateResult r = new SiteService(host).create(req.siteFile(), spec, seed);
        return new ImportResult(r.site(), r.url(), r.environment(), r.release(), r.operation(), req.origin(), dump.engine(),
                dump.format(), dump.prefix(), dump.version().toPlainString(), dump.release(), dump.tables().size(),
                dump.plugins().size(), seed.upgraded, seed.keptNames(), old.leftOut(), req.possiblyInconsistent(),
                Duration.between(start, Instant.now()));
    }

    // ---------------------------------------------------------------- reading the dump

    /** Reads the whole dump (plain SQL as a stream; a custom-format archive with pg_restore in a container). */
    DumpContents inspect(SiteSpec spec, DumpFile file, String configPrefix) {
        DumpScanner.Scan scan;
        String format;
        if (file.pgCustom()) {
            if (file.compression() != DumpFile.Compression.NONE) {
                throw MoodlectlException.invalid("a compressed pg_dump custom-format archive is not read directly",
                        "decompress it first (" + file.catCommand() + " > dump.pgdump); the custom format is compressed already");
            }
            scan = scanCustom(spec, file, configPrefix);
            format = "custom";
        } else {
            scan = scanText(file);
            format = "sql";
            if (!scan.complete()) {
                throw DumpFile.corrupt(file, "its last line is not the dump tool's closing line ("
                        + ("postgres".equals(scan.engine()) ? DumpScanner.PG_END : DumpScanner.MYSQL_END) + " …)");
            }
        }
        return scan.contents(choosePrefix(scan.prefixes(), configPrefix, spec.prefix(), file.path()), format);
    }

    /** Scans a plain dump through its decompressor; a decompressor that failed makes it corrupt whatever was read. */
    static DumpScanner.Scan scanText(DumpFile file) {
        try (DumpFile.Stream s = file.open()) {
            DumpScanner.Scan scan;
            try {
                scan = DumpScanner.scan(s.reader());
            } catch (MoodlectlException e) {
                s.finish();
                throw e;
            }
            s.finish();
            return scan;
        } catch (IOException e) {
            throw DumpFile.corrupt(file, e.getMessage());
        }
    }

    static String choosePrefix(List<String> candidates, String configPrefix, String specPrefix, Path file) {
        if (candidates.isEmpty()) {
            throw MoodlectlException.invalid("the dump " + file + " holds no Moodle tables (no <prefix>config and <prefix>config_plugins)",
                    "dump the Moodle site's database (the whole database, with its data)");
        }
        if (configPrefix != null) {
            if (!candidates.contains(configPrefix)) {
                throw MoodlectlException.invalid("the old config.php says prefix '" + configPrefix + "' but the dump has Moodle tables for "
                        + String.join(", ", candidates.stream().map(p -> "'" + p + "'").toList()), "give the config.php of the site that was dumped");
            }
            return configPrefix;
        }
        if (candidates.contains(specPrefix)) {
            return specPrefix;
        }
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        throw MoodlectlException.invalid("the dump holds several Moodle sites (prefixes " + String.join(", ", candidates) + ")",
                "say which with prefix: in the site file, or give the old config.php (--config)");
    }

    /** pg_restore in a throw-away container of the site's PostgreSQL image: the TOC (-l), a full read, the config tables. */
    private DumpScanner.Scan scanCustom(SiteSpec spec, DumpFile file, String configPrefix) {
        ContainerRuntime rt = host.runtime();
        SiteImages images = SiteImages.of(spec, spec.images().generation(), host.images());
        images.requirePresent(host.images(), host.connection().images());
        String probe = spec.name() + "-import-probe";
        rt.remove(probe);
        String inside = "/dump/" + file.path().getFileName();
        rt.create(ContainerSpec.builder(probe, images.database())
                .mountReadOnly(file.path().toAbsolutePath().getParent().toString(), "/dump")
                .label("moodlectl.kind", "import-probe")
                .command("sleep", "infinity")
                .build());
        try {
            rt.start(probe);
            ExecResult toc = rt.exec(probe, List.of("pg_restore", "-l", inside), "root", null);
            if (!toc.ok()) {
                throw DumpFile.corrupt(file, "pg_restore -l can't read its table of contents: " + lastLine(toc.output()));
            }
            Set<String> tables = new java.util.LinkedHashSet<>();
            toc.output().lines().forEach(l -> {
                Matcher m = TOC_TABLE.matcher(l);
                if (m.find()) {
                    tables.add(m.group(1));
                }
            });
            ExecResult whole = rt.exec(probe, List.of("pg_restore", "-f", "/dev/null", inside), "root", null);
            if (!whole.ok()) {
                throw DumpFile.corrupt(file, "pg_restore can't read it to the end: " + lastLine(whole.output()));
            }
            List<String> prefixes = new DumpScanner.Scan("postgres", true, tables, Map.of()).prefixes();
            String prefix = choosePrefix(prefixes, configPrefix, spec.prefix(), file.path());
            ExecResult rows = rt.exec(probe, List.of("pg_restore", "--data-only", "-t", prefix + "config", "-t",
                    prefix + "config_plugins", "-f", "-", inside), "root", null);
            if (!rows.ok()) {
                throw DumpFile.corrupt(file, "pg_restore can't read the config tables: " + lastLine(rows.output()));
            }
            DumpScanner.Scan data = DumpScanner.scan(new BufferedReader(new StringReader(rows.output())));
            return new DumpScanner.Scan("postgres", true, tables, data.configRows());
        } catch (IOException e) {
            throw DumpFile.corrupt(file, e.getMessage());
        } finally {
            rt.remove(probe);
        }
    }

    private static String lastLine(String s) {
        return s.strip().lines().reduce((a, b) -> b).orElse("");
    }

    // ---------------------------------------------------------------- the data of the new site

    /** The import's part of the create path. */
    private final class Seed implements SiteService.Seed {
        private final ImportRequest req;
        private final SiteSpec spec;
        private final DumpFile file;
        private final DumpContents dump;
        private final MoodledataSource data;
        private final OldConfig old;
        private boolean upgraded;
        private List<SiteSpec.Setting> kept = List.of();

        Seed(ImportRequest req, SiteSpec spec, DumpFile file, DumpContents dump, MoodledataSource data, OldConfig old) {
            this.req = req;
            this.spec = spec;
            this.file = file;
            this.dump = dump;
            this.data = data;
            this.old = old;
        }

        List<String> keptNames() {
            return kept.stream().map(SiteSpec.Setting::name).toList();
        }

        @Override
        public String kind() {
            return "import";
        }

        @Override
        public String title(SiteSpec s, ResolvedRelease release) {
            return "Import site " + s.name() + " from " + req.origin() + " with Moodle " + release.describe();
        }

        @Override
        public void check(SiteSpec s, ResolvedRelease release) {
            Map<String, BigDecimal> addOns = new LinkedHashMap<>();
            release.plugins().forEach(p -> addOns.put(p.source().component(), p.version().version()));
            CodeFit fit = CodeFit.of(dump, release.version().version(), CodeTree.plugins(release), addOns);
            fit.requireFits(s.moodle().ref(), fit.coreOlder() ? matchingTags(release, dump.version()) : List.of());
            Set<String> named = new HashSet<>();
            s.settings().stream().filter(x -> x.component() == null).forEach(x -> named.add(x.name()));
            kept = old.kept().stream().filter(x -> !named.contains(x.name())).toList();
            if (fit.upgradeExpected()) {
                notes.accept("the code is newer than the database (" + dump.version().toPlainString() + " → "
                        + release.version().version().toPlainString() + "): upgrade.php will run after the dump is loaded");
            }
        }

        @Override
        public boolean generatesAdminPassword() {
            return false;
        }

        @Override
        public void fillMoodledata(Operation op, EnvironmentFactory factory, Environment env) {
            op.fact("source", req.origin());
            op.fact("source.dump", req.dump() + " (" + dump.engine() + ", " + dump.format()
                    + (file.compression() == DumpFile.Compression.NONE ? "" : ", " + file.compression().program()) + ")");
            op.fact("source.moodledata", req.moodledata().toString());
            if (req.oldConfig() != null) {
                op.fact("source.config", req.oldConfig().toString());
            }
            op.fact("source.version", dump.version().toPlainString() + (dump.release() == null ? "" : " (" + dump.release() + ")"));
            op.fact("source.prefix", dump.prefix());
            op.fact("source.tables", String.valueOf(dump.tables().size()));
            if (req.possiblyInconsistent()) {
                op.fact("source.consistency", "copied live without maintenance: database and files may not match (--live-copy)");
            }
            Path target = factory.volumePath(env).resolve("moodledata");
            ShellCommand copy = data.copyCommand(target);
            op.run(Step.named("copy-moodledata")
                    .describe("Copy moodledata from " + req.moodledata() + " (without " + String.join(", ", MoodledataSource.LEFT_OUT) + ")")
                    .command(copy.toShellString())
                    .action(ctx -> {
                        ctx.sh(copy);
                        if (!Files.isDirectory(target.resolve("filedir"))) {
                            throw MoodlectlException.failed("the copy of moodledata has no filedir/", "check the source: " + req.moodledata());
                        }
                        ctx.output("moodledata copied: " + FileCount.describe(target));
                        return null;
                    }));
        }

        @Override
        public void fillDatabase(Operation op, EnvironmentFactory factory, Environment env, ResolvedRelease release) {
            Path volume = factory.volumePath(env);
            String db = env.dbContainer(spec.name());
            Path plain = TransferFolder.forDataDir(volume.resolve("db")).hostFile("import-" + env.id() + ".sql");
            op.run(Step.named("prepare-dump")
                    .describe("Write the dump as plain SQL beside the database (decompressed; owners, grants and database switches dropped)")
                    .command(prepareCommand(plain))
                    .action(ctx -> {
                        if (file.pgCustom()) {
                            TransferFolder t = TransferFolder.forDataDir(volume.resolve("db"));
                            String archive = "import-" + env.id() + ".pgdump";
                            t.bringIn(file.path(), archive);
                            try {
                                ExecResult r = host.runtime().exec(db, List.of("pg_restore", "--no-owner", "--no-privileges",
                                        "-f", t.containerFile(plain.getFileName().toString()), t.containerFile(archive)), "root", ctx::output);
                                ctx.exitCode(r.exitCode());
                                if (!r.ok()) {
                                    throw DumpFile.corrupt(file, "pg_restore exited " + r.exitCode());
                                }
                            } finally {
                                t.delete(archive);
                            }
                        } else {
                            ctx.sh(ShellCommand.of("bash", "-o", "pipefail", "-c", prepareCommand(plain)));
                        }
                        ctx.output(String.format("%.1f MB of SQL", Files.size(plain) / 1e6));
                        return null;
                    })
                    .undo(() -> deleteQuietly(plain)));
            op.run(Step.named("load-dump")
                    .describe("Load the dump into " + factory.engine().name() + " (" + dump.tables().size() + " tables, prefix " + dump.prefix() + ")")
                    .command(factory.engine().name().equals("postgres")
                            ? "psql --single-transaction -v ON_ERROR_STOP=1 -U moodle -d moodle -f " + plain.getFileName()
                            : "mariadb moodle < " + plain.getFileName())
                    .action(ctx -> {
                        try {
                            factory.engine().restore(host.runtime(), db, factory.credentials(), plain);
                        } finally {
                            deleteQuietly(plain);
                        }
                        String t = factory.engine().query(host.runtime(), db, factory.credentials(),
                                "SELECT value FROM " + dump.prefix() + "config WHERE name = 'version'").get(0).get(0);
                        ctx.output("loaded; the database says version " + t);
                        return null;
                    }));
            List<String> pending = MoodleCli.inContainer().upgradeIsPending();
            int exit = op.run(Step.named("upgrade-pending").describe("Ask Moodle whether the code is newer than the database (upgrade.php --is-pending)")
                    .command(String.join(" ", pending.stream().map(ShellCommand::quote).toList()))
                    .action(ctx -> {
                        ExecResult r = factory.moodle(env, pending, ctx::output);
                        ctx.exitCode(r.exitCode());
                        if (r.exitCode() != 0 && r.exitCode() != 2) {
                            throw EnvironmentFactory.cliFailed("upgrade.php --is-pending", r);
                        }
                        return r.exitCode();
                    }));
            if (exit == 2) {
                new UpgradeSteps(host, spec).runUpgrade(op, env, release);
                upgraded = true;
                op.fact("upgraded", dump.version().toPlainString() + " → " + release.version().version().toPlainString());
            }
            List<SiteSpec.Setting> settings = new ArrayList<>(kept);
            settings.addAll(spec.settings());
            SiteService.applySettings(op, factory, env, settings);
        }

        private String prepareCommand(Path plain) {
            if (file.pgCustom()) {
                return "pg_restore --no-owner --no-privileges -f " + plain.getFileName() + " " + file.path();
            }
            String filter = dump.engine().equals("postgres")
                    ? "sed -E '/^ALTER [A-Z ]+ OWNER TO /d; /^(GRANT|REVOKE) /d'"
                    : "sed -E '/^(CREATE DATABASE|USE )/d'";
            return file.catCommand().replace(file.path().toString(), ShellCommand.quote(file.path().toString()))
                    + " | " + filter + " > " + ShellCommand.quote(plain.toString());
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // inside the environment's volume: removed with it
        }
    }

    /** Tags of the core repository whose version.php says {@code version} (or, if none, the nearest later ones). */
    static List<String> matchingTags(ResolvedRelease release, BigDecimal version) {
        Map<String, BigDecimal> versions = new LinkedHashMap<>();
        for (String tag : release.core().tags()) {
            release.core().readFile(tag, "version.php").or(() -> release.core().readFile(tag, "public/version.php"))
                    .ifPresent(text -> {
                        try {
                            versions.put(tag, CoreVersion.parse(text).version());
                        } catch (RuntimeException e) {
                            // not a release tag
                        }
                    });
        }
        List<String> exact = versions.entrySet().stream().filter(e -> e.getValue().compareTo(version) == 0).map(Map.Entry::getKey).sorted().toList();
        if (!exact.isEmpty()) {
            return exact;
        }
        return versions.entrySet().stream().filter(e -> e.getValue().compareTo(version) > 0)
                .min(Map.Entry.comparingByValue()).map(e -> List.of(e.getKey())).orElse(List.of());
    }

    /** "N files, M MB" of a tree (for the journal). */
    static final class FileCount {
        static String describe(Path dir) throws IOException {
            long[] n = new long[2];
            try (var s = Files.walk(dir)) {
                s.filter(Files::isRegularFile).forEach(p -> {
                    n[0]++;
                    try {
                        n[1] += Files.size(p);
                    } catch (IOException e) {
                        // counted without its size
                    }
                });
            }
            return n[0] + " files, " + String.format("%.1f MB", n[1] / 1e6);
        }
    }
}
