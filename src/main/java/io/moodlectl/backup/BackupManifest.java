package io.moodlectl.backup;

import io.moodlectl.database.DatabaseCredentials;
import io.moodlectl.database.DatabaseEngine;
import io.moodlectl.moodle.CoreVersion;
import io.moodlectl.runtime.ContainerRuntime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a backup holds, written beside the dump as {@code backup/manifest.json}, and what a restore drill compares the
 * restored copy against: Moodle's release and versions, add-on versions, every table's row count, moodledata's file
 * count and total size (without the folders a backup leaves out).
 */
public record BackupManifest(String site, String environment, Instant taken, String database, String generation,
                             String ref, String commit, String release, String coreVersion, String databaseVersion,
                             Map<String, String> plugins, Map<String, Long> tableRows, long moodledataFiles,
                             long moodledataBytes) {

    /** moodledata folders a backup leaves out: Moodle rebuilds them. */
    public static final List<String> MOODLEDATA_EXCLUDED = List.of("cache", "localcache", "sessions", "temp", "trashdir");

    /** The database and moodledata side of a manifest, measured on a copy (the temporary database, restored files). */
    public record Measured(String coreVersion, String databaseVersion, Map<String, String> plugins,
                           Map<String, Long> tableRows, long moodledataFiles, long moodledataBytes) {
    }

    public static Measured measure(ContainerRuntime rt, DatabaseEngine engine, String dbContainer,
                                   DatabaseCredentials creds, String prefix, Path code, Path moodledata) {
        String coreVersion = CoreVersion.read(code).version().toPlainString();
        String dbVersion = first(engine.query(rt, dbContainer, creds,
                "SELECT value FROM " + prefix + "config WHERE name = 'version'"));
        Map<String, String> plugins = new TreeMap<>();
        for (List<String> row : engine.query(rt, dbContainer, creds,
                "SELECT plugin, value FROM " + prefix + "config_plugins WHERE name = 'version'")) {
            if (row.size() >= 2) {
                plugins.put(row.get(0), row.get(1));
            }
        }
        long[] files = moodledataStats(moodledata);
        return new Measured(coreVersion, dbVersion, plugins, rowCounts(rt, engine, dbContainer, creds, prefix), files[0], files[1]);
    }

    /** Exact row counts of the site's tables (those starting with the prefix). */
    static Map<String, Long> rowCounts(ContainerRuntime rt, DatabaseEngine engine, String container, DatabaseCredentials creds,
                                       String prefix) {
        String schema = "postgres".equals(engine.name()) ? "current_schema()" : "DATABASE()";
        List<String> tables = new ArrayList<>();
        for (List<String> row : engine.query(rt, container, creds,
                "SELECT table_name FROM information_schema.tables WHERE table_schema = " + schema
                        + " AND table_type = 'BASE TABLE'")) {
            String t = row.get(0);
            if (t.startsWith(prefix) && t.matches("[a-z0-9_]+")) {
                tables.add(t);
            }
        }
        Map<String, Long> counts = new TreeMap<>();
        if (tables.isEmpty()) {
            return counts;
        }
        StringBuilder sql = new StringBuilder();
        for (String t : tables) {
            if (sql.length() > 0) {
                sql.append(" UNION ALL ");
            }
            sql.append("SELECT '").append(t).append("', COUNT(*) FROM ").append(t);
        }
        for (List<String> row : engine.query(rt, container, creds, sql.toString())) {
            counts.put(row.get(0), Long.parseLong(row.get(1).strip()));
        }
        return counts;
    }

    /** Regular files under moodledata and their total size, leaving out {@link #MOODLEDATA_EXCLUDED} at its top. */
    public static long[] moodledataStats(Path moodledata) {
        long[] acc = new long[2];
        if (!Files.isDirectory(moodledata)) {
            return acc;
        }
        Set<Path> excluded = Set.copyOf(MOODLEDATA_EXCLUDED.stream().map(moodledata::resolve).toList());
        try {
            Files.walkFileTree(moodledata, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return excluded.contains(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && !file.getFileName().toString().equals("climaintenance.html")) {
                        acc[0]++;
                        acc[1] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return acc;
    }

    /** What differs between this manifest and a restored copy (empty: the copy is what was backed up). */
    public List<String> differences(Measured m) {
        List<String> out = new ArrayList<>();
        if (!Objects.equals(coreVersion, m.coreVersion())) {
            out.add("core version in code: " + coreVersion + " in the backup, " + m.coreVersion() + " restored");
        }
        if (!Objects.equals(databaseVersion, m.databaseVersion())) {
            out.add("core version in the database: " + databaseVersion + " in the backup, " + m.databaseVersion() + " restored");
        }
        if (!plugins.equals(m.plugins())) {
            Set<String> all = new java.util.TreeSet<>(plugins.keySet());
            all.addAll(m.plugins().keySet());
            for (String p : all) {
                if (!Objects.equals(plugins.get(p), m.plugins().get(p))) {
                    out.add("plugin " + p + ": " + plugins.get(p) + " in the backup, " + m.plugins().get(p) + " restored");
                }
            }
        }
        Set<String> tables = new java.util.TreeSet<>(tableRows.keySet());
        tables.addAll(m.tableRows().keySet());
        for (String t : tables) {
            if (!Objects.equals(tableRows.get(t), m.tableRows().get(t))) {
                out.add("table " + t + ": " + tableRows.get(t) + " rows in the backup, " + m.tableRows().get(t) + " restored");
            }
        }
        if (moodledataFiles != m.moodledataFiles() || moodledataBytes != m.moodledataBytes()) {
            out.add("moodledata: " + moodledataFiles + " files / " + moodledataBytes + " bytes in the backup, "
                    + m.moodledataFiles() + " / " + m.moodledataBytes() + " restored");
        }
        return out;
    }

    private static String first(List<List<String>> rows) {
        return rows.isEmpty() || rows.get(0).isEmpty() ? null : rows.get(0).get(0);
    }

    static BackupManifest of(String site, String env, Instant taken, String database, String generation, String ref,
                             String commit, String release, Measured m) {
        return new BackupManifest(site, env, taken, database, generation, ref, commit, release, m.coreVersion(),
                m.databaseVersion(), m.plugins(), m.tableRows(), m.moodledataFiles(), m.moodledataBytes());
    }
}
