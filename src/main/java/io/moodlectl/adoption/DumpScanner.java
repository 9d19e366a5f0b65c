package io.moodlectl.adoption;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;

import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a plain-SQL dump as a stream, once, keeping only what an import must know before anything is created: the
 * tables, the rows of every {@code *config} and {@code *config_plugins} table (small in any Moodle), and whether the
 * dump tool's closing line is there (a truncated dump lacks it). Understands mariadb-dump/mysqldump ({@code CREATE
 * TABLE `t`}, extended {@code INSERT … VALUES (…),(…)}) and pg_dump ({@code COPY … FROM stdin} or {@code --inserts}).
 */
final class DumpScanner {
    static final String MYSQL_END = "-- Dump completed";
    static final String PG_END = "-- PostgreSQL database dump complete";

    private static final Pattern MYSQL_CREATE = Pattern.compile("^CREATE TABLE (?:IF NOT EXISTS )?`([^`]+)`");
    private static final Pattern MYSQL_COLUMN = Pattern.compile("^\\s+`([^`]+)`\\s");
    private static final Pattern MYSQL_INSERT = Pattern.compile("^INSERT (?:IGNORE )?INTO `([^`]+)`\\s*(?:\\(([^)]*)\\)\\s*)?VALUES\\s*");
    private static final Pattern PG_CREATE = Pattern.compile("^CREATE (?:UNLOGGED )?TABLE (?:\"?[\\w$]+\"?\\.)?\"?([\\w$]+)\"? \\(");
    private static final Pattern PG_COLUMN = Pattern.compile("^\\s+\"?([\\w$]+)\"?\\s");
    private static final Pattern PG_COPY = Pattern.compile("^COPY (?:\"?[\\w$]+\"?\\.)?\"?([\\w$]+)\"? \\(([^)]*)\\) FROM stdin;");
    private static final Pattern PG_INSERT = Pattern.compile("^INSERT INTO (?:\"?[\\w$]+\"?\\.)?\"?([\\w$]+)\"?\\s*(?:\\(([^)]*)\\)\\s*)?VALUES\\s*");

    private final Set<String> tables = new LinkedHashSet<>();
    private final Map<String, List<String>> columns = new HashMap<>();
    private final Map<String, List<Map<String, String>>> configRows = new HashMap<>();
    private String engine;
    private boolean complete;
    private String inserting;
    private List<String> insertColumns;
    private boolean insertBackslash;
    private StringBuilder pending;

    /** Scans the dump; INVALID_INPUT if it is neither a MariaDB/MySQL nor a PostgreSQL dump. */
    static Scan scan(BufferedReader in) throws IOException {
        DumpScanner s = new DumpScanner();
        s.read(in);
        return new Scan(s.engine, s.complete, s.tables, s.configRows);
    }

    /** The raw result: config rows per table name (every table ending in "config" or "config_plugins"). */
    record Scan(String engine, boolean complete, Set<String> tables, Map<String, List<Map<String, String>>> configRows) {

        /** Prefixes p for which both p+"config" and p+"config_plugins" exist. */
        List<String> prefixes() {
            List<String> out = new ArrayList<>();
            for (String t : tables) {
                if (t.endsWith("config_plugins")) {
                    String p = t.substring(0, t.length() - "config_plugins".length());
                    if (tables.contains(p + "config")) {
                        out.add(p);
                    }
                }
            }
            return out;
        }

        /** The Moodle facts under one prefix; REFUSED if the core version is missing (not an installed Moodle). */
        DumpContents contents(String prefix, String format) {
            Map<String, String> config = new HashMap<>();
            for (Map<String, String> row : configRows.getOrDefault(prefix + "config", List.of())) {
                if (row.get("name") != null) {
                    config.put(row.get("name"), row.get("value"));
                }
            }
            String v = config.get("version");
            if (v == null || !v.strip().matches("\\d+(\\.\\d+)?")) {
                throw new MoodlectlException(ExitCode.INVALID_INPUT, "the dump's " + prefix + "config table has no core version"
                        + " (name='version'): is it a dump of an installed Moodle site?",
                        "dump the whole Moodle database of a working site (mariadb-dump --single-transaction DB, or pg_dump DB)");
            }
            Map<String, BigDecimal> plugins = new TreeMap<>();
            for (Map<String, String> row : configRows.getOrDefault(prefix + "config_plugins", List.of())) {
                String value = row.get("value");
                if ("version".equals(row.get("name")) && row.get("plugin") != null && value != null
                        && value.strip().matches("\\d+(\\.\\d+)?")) {
                    plugins.put(row.get("plugin"), new BigDecimal(value.strip()));
                }
            }
            return new DumpContents(engine, format, prefix, new BigDecimal(v.strip()), config.get("release"), plugins,
                    java.util.Collections.unmodifiableSet(tables));
        }
    }

    private void read(BufferedReader in) throws IOException {
        String line;
        String creating = null;
        String copying = null;
        List<String> copyColumns = null;
        int n = 0;
        while ((line = in.readLine()) != null) {
            n++;
            if (engine == null && !line.isBlank()) {
                engine = detect(line);
                if (engine == null && n > 50) {
                    break;
                }
            }
            if (inserting != null) {
                // mariadb-dump 10.11 writes one row a line after "INSERT INTO `t` VALUES"
                if (pending != null) {
                    pending.append('\n').append(line);
                }
                if (line.endsWith(";")) {
                    if (pending != null) {
                        for (List<String> tuple : tuples(pending.toString(), insertBackslash)) {
                            addRow(inserting, insertColumns, tuple);
                        }
                    }
                    inserting = null;
                    pending = null;
                }
                continue;
            }
            if (copying != null) {
                if (line.equals("\\.")) {
                    copying = null;
                } else if (copyColumns != null) {
                    addRow(copying, copyColumns, copyRow(line));
                }
                continue;
            }
            if (creating != null) {
                Matcher c = ("mariadb".equals(engine) ? MYSQL_COLUMN : PG_COLUMN).matcher(line);
                if (c.find() && !line.strip().startsWith("CONSTRAINT")) {
                    columns.computeIfAbsent(creating, k -> new ArrayList<>()).add(c.group(1));
                } else if (line.startsWith(")")) {
                    creating = null;
                }
                continue;
            }
            if (line.startsWith("--")) {
                if (line.startsWith(MYSQL_END) || line.startsWith(PG_END)) {
                    complete = true;
                }
                continue;
            }
            complete = complete && (line.isBlank() || line.startsWith("\\unrestrict") || line.startsWith("/*!"));
            Matcher m;
            if ((m = MYSQL_CREATE.matcher(line)).find() || (m = PG_CREATE.matcher(line)).find()) {
                creating = m.group(1);
                tables.add(creating);
                columns.put(creating, new ArrayList<>());
            } else if ((m = PG_COPY.matcher(line)).find()) {
                copying = m.group(1);
                copyColumns = wanted(copying) ? splitColumns(m.group(2)) : null;
            } else if ((m = MYSQL_INSERT.matcher(line)).find()) {
                insert(m, line, true);
            } else if ((m = PG_INSERT.matcher(line)).find()) {
                insert(m, line, false);
            }
        }
        if (engine == null) {
            throw new MoodlectlException(ExitCode.INVALID_INPUT, "this is not a MariaDB/MySQL or PostgreSQL dump",
                    "give a dump written by mariadb-dump/mysqldump or pg_dump (plain SQL or -Fc), optionally .gz, .zst or .xz");
        }
    }

    private void insert(Matcher m, String line, boolean backslashEscapes) {
        String table = m.group(1);
        boolean wanted = wanted(table);
        List<String> cols = m.group(2) != null ? splitColumns(m.group(2)) : columns.getOrDefault(table, List.of());
        if (!line.endsWith(";")) {
            inserting = table;
            insertColumns = cols;
            insertBackslash = backslashEscapes;
            pending = wanted ? new StringBuilder(line.substring(m.end())) : null;
            return;
        }
        if (!wanted) {
            return;
        }
        for (List<String> tuple : tuples(line.substring(m.end()), backslashEscapes)) {
            addRow(table, cols, tuple);
        }
    }

    private static boolean wanted(String table) {
        return table.endsWith("config") || table.endsWith("config_plugins");
    }

    private void addRow(String table, List<String> cols, List<String> values) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(cols.size(), values.size()); i++) {
            row.put(cols.get(i), values.get(i));
        }
        configRows.computeIfAbsent(table, k -> new ArrayList<>()).add(row);
    }

    static String detect(String firstLine) {
        String l = firstLine.strip();
        if (l.startsWith("-- MySQL dump") || l.startsWith("-- MariaDB dump") || l.startsWith("/*M!999999")) {
            return "mariadb";
        }
        if (l.startsWith("-- PostgreSQL database dump") || l.startsWith("\\restrict")) {
            return "postgres";
        }
        if (l.equals("--")) {
            return null; // pg_dump starts with a bare "--" line
        }
        return null;
    }

    static List<String> splitColumns(String list) {
        List<String> out = new ArrayList<>();
        for (String c : list.split(",")) {
            out.add(c.strip().replace("`", "").replace("\"", ""));
        }
        return out;
    }

    /** A COPY data row: tab-separated, \N for NULL, backslash escapes. */
    static List<String> copyRow(String line) {
        List<String> out = new ArrayList<>();
        for (String field : line.split("\t", -1)) {
            if (field.equals("\\N")) {
                out.add(null);
                continue;
            }
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < field.length(); i++) {
                char c = field.charAt(i);
                if (c == '\\' && i + 1 < field.length()) {
                    char e = field.charAt(++i);
                    b.append(switch (e) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        case 'b' -> '\b';
                        case 'f' -> '\f';
                        case 'v' -> '\u000b';
                        default -> e;
                    });
                } else {
                    b.append(c);
                }
            }
            out.add(b.toString());
        }
        return out;
    }

    /** The tuples of a VALUES list: (a,'b',NULL),(…); strings single-quoted ('' doubled; backslash escapes for MySQL). */
    static List<List<String>> tuples(String s, boolean backslashEscapes) {
        List<List<String>> out = new ArrayList<>();
        int i = 0;
        int len = s.length();
        while (i < len) {
            char c = s.charAt(i);
            if (c != '(') {
                if (c == ';') {
                    break;
                }
                i++;
                continue;
            }
            i++;
            List<String> tuple = new ArrayList<>();
            StringBuilder v = new StringBuilder();
            boolean quoted = false;
            boolean wasQuoted = false;
            while (i < len) {
                c = s.charAt(i);
                if (quoted) {
                    if (c == '\\' && backslashEscapes && i + 1 < len) {
                        char e = s.charAt(++i);
                        v.append(switch (e) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            case 'r' -> '\r';
                            case '0' -> '\0';
                            case 'Z' -> '\u001a';
                            default -> e;
                        });
                    } else if (c == '\'') {
                        if (i + 1 < len && s.charAt(i + 1) == '\'') {
                            v.append('\'');
                            i++;
                        } else {
                            quoted = false;
                        }
                    } else {
                        v.append(c);
                    }
                    i++;
                    continue;
                }
                if (c == '\'') {
                    quoted = true;
                    wasQuoted = true;
                    if (v.toString().isBlank()) {
                        v.setLength(0);
                    }
                } else if (c == ',' || c == ')') {
                    String raw = wasQuoted ? v.toString() : v.toString().strip();
                    tuple.add(!wasQuoted && raw.equalsIgnoreCase("NULL") ? null : raw);
                    v.setLength(0);
                    wasQuoted = false;
                    if (c == ')') {
                        i++;
                        break;
                    }
                } else if (!wasQuoted) {
                    v.append(c);
                }
                i++;
            }
            out.add(tuple);
        }
        return out;
    }
}
