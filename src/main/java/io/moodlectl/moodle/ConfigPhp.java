package io.moodlectl.moodle;

import io.moodlectl.error.MoodlectlException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the {@code config.php} a site's code root holds, and reads its {@code $CFG->x = …;} scalars back.
 *
 * <p>Values are single-quoted PHP strings ({@code \} → {@code \\}, {@code '} → {@code \'}), so a password can hold any
 * character. Extra settings whose value is {@code true}, {@code false} or an integer are written bare (PHP bool/int,
 * so {@code debugdisplay = false} is false, not the truthy string 'false'); everything else is quoted.
 *
 * <p>{@code getremoteaddrconf} is Moodle's bitmask of headers NOT to trust for the client's address: 1 skips
 * {@code HTTP_CLIENT_IP}, 2 skips {@code HTTP_X_FORWARDED_FOR}; {@code REMOTE_ADDR} is the fallback. Behind moodlectl's
 * HAProxy (which appends X-Forwarded-For) write {@link #TRUST_X_FORWARDED_FOR} (1): the forwarded address is used and a
 * client-sent Client-IP header is ignored. Null leaves Moodle's own default (admin setting), which sees the proxy's address.
 */
public final class ConfigPhp {
    /** getremoteaddrconf: trust X-Forwarded-For (set by our proxy), ignore HTTP_CLIENT_IP. */
    public static final int TRUST_X_FORWARDED_FOR = 1;
    /** getremoteaddrconf: REMOTE_ADDR only (no proxy in front). */
    public static final int REMOTE_ADDR_ONLY = 3;

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> WRITTEN = Set.of("dbtype", "dblibrary", "dbhost", "dbname", "dbuser", "dbpass", "prefix",
            "dboptions", "wwwroot", "dataroot", "admin", "directorypermissions", "sslproxy", "reverseproxy", "noemailever",
            "divertallemailsto", "getremoteaddrconf");
    private static final Set<String> DBTYPES = Set.of("mariadb", "mysqli", "pgsql", "auroramysql", "sqlsrv", "oci");
    private static final Pattern SCALAR = Pattern.compile(
            "\\$CFG\\s*->\\s*(\\w+)\\s*=\\s*('(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"|true|false|null|-?\\d+(?:\\.\\d+)?)\\s*;",
            Pattern.CASE_INSENSITIVE);

    private ConfigPhp() {
    }

    /**
     * What goes into config.php. Required: dbtype (mariadb, mysqli, pgsql …), dbhost, dbname, dbuser, dbpass, wwwroot.
     * prefix defaults to {@code mdl_}, dataroot to {@link EnvironmentPaths#DATAROOT}, admin to {@code admin}.
     * divertallemailsto and getremoteaddrconf may be null (not written); extra holds further {@code $CFG} scalars.
     */
    public record Settings(String dbtype, String dbhost, String dbname, String dbuser, String dbpass, String prefix,
                           String wwwroot, String dataroot, String admin, boolean sslproxy, boolean reverseproxy,
                           boolean noemailever, String divertallemailsto, Integer getremoteaddrconf, Map<String, String> extra) {

        public Settings {
            prefix = prefix == null ? "mdl_" : prefix;
            dataroot = dataroot == null ? EnvironmentPaths.DATAROOT : dataroot;
            admin = admin == null ? "admin" : admin;
            extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        }

        /** The minimum: the rest defaults (prefix mdl_, fixed dataroot, admin, no proxy flags, mail on). */
        public static Settings of(String dbtype, String dbhost, String dbname, String dbuser, String dbpass, String wwwroot) {
            return new Settings(dbtype, dbhost, dbname, dbuser, dbpass, null, wwwroot, null, null, false, false, false,
                    null, null, Map.of());
        }

        public Settings withWwwroot(String url) {
            return new Settings(dbtype, dbhost, dbname, dbuser, dbpass, prefix, url, dataroot, admin, sslproxy, reverseproxy,
                    noemailever, divertallemailsto, getremoteaddrconf, extra);
        }

        /** Behind a proxy: sslproxy (TLS ends at the proxy), reverseproxy (the proxy changes the host name), remote address rule. */
        public Settings withProxy(boolean sslproxy, boolean reverseproxy, Integer getremoteaddrconf) {
            return new Settings(dbtype, dbhost, dbname, dbuser, dbpass, prefix, wwwroot, dataroot, admin, sslproxy, reverseproxy,
                    noemailever, divertallemailsto, getremoteaddrconf, extra);
        }

        /** A non-production copy: send no mail at all ({@code noemailever}) or all of it to one address (divert). */
        public Settings withMail(boolean noemailever, String divertallemailsto) {
            return new Settings(dbtype, dbhost, dbname, dbuser, dbpass, prefix, wwwroot, dataroot, admin, sslproxy, reverseproxy,
                    noemailever, divertallemailsto, getremoteaddrconf, extra);
        }

        public Settings withExtra(Map<String, String> more) {
            Map<String, String> all = new LinkedHashMap<>(extra);
            all.putAll(more);
            return new Settings(dbtype, dbhost, dbname, dbuser, dbpass, prefix, wwwroot, dataroot, admin, sslproxy, reverseproxy,
                    noemailever, divertallemailsto, getremoteaddrconf, all);
        }
    }

    /** The text of config.php for these settings; ends with {@code require_once(__DIR__ . '/lib/setup.php');}. */
    public static String render(Settings s) {
        validate(s);
        StringBuilder out = new StringBuilder();
        out.append("<?php  // Moodle configuration file, written by moodlectl: edit the site file, not this file.\n\n");
        out.append("unset($CFG);\nglobal $CFG;\n$CFG = new stdClass();\n\n");
        line(out, "dbtype", quote(s.dbtype()));
        line(out, "dblibrary", quote("native"));
        line(out, "dbhost", quote(s.dbhost()));
        line(out, "dbname", quote(s.dbname()));
        line(out, "dbuser", quote(s.dbuser()));
        line(out, "dbpass", quote(s.dbpass()));
        line(out, "prefix", quote(s.prefix()));
        boolean mysqlFamily = s.dbtype().equals("mariadb") || s.dbtype().equals("mysqli") || s.dbtype().equals("auroramysql");
        line(out, "dboptions", "array(\n    'dbpersist' => 0,\n    'dbport' => '',\n    'dbsocket' => '',\n"
                + (mysqlFamily ? "    'dbcollation' => 'utf8mb4_unicode_ci',\n" : "") + ")");
        out.append('\n');
        line(out, "wwwroot", quote(s.wwwroot()));
        line(out, "dataroot", quote(s.dataroot()));
        line(out, "admin", quote(s.admin()));
        line(out, "directorypermissions", "02777");
        if (s.sslproxy()) {
            line(out, "sslproxy", "true");
        }
        if (s.reverseproxy()) {
            line(out, "reverseproxy", "true");
        }
        if (s.getremoteaddrconf() != null) {
            line(out, "getremoteaddrconf", Integer.toString(s.getremoteaddrconf()));
        }
        if (s.noemailever()) {
            line(out, "noemailever", "true");
        }
        if (s.divertallemailsto() != null) {
            line(out, "divertallemailsto", quote(s.divertallemailsto()));
        }
        if (!s.extra().isEmpty()) {
            out.append('\n');
            s.extra().forEach((k, v) -> line(out, k, literal(v)));
        }
        out.append("\nrequire_once(__DIR__ . '/lib/setup.php');\n\n");
        out.append("// There is no php closing tag in this file,\n// it is intentional because it prevents trailing whitespace problems!\n");
        return out.toString();
    }

    /** The {@code $CFG->name = literal;} scalars of a config.php text: strings unescaped, booleans "true"/"false", numbers as written. */
    public static Map<String, String> readScalars(String text) {
        Map<String, String> result = new LinkedHashMap<>();
        Matcher m = SCALAR.matcher(PhpLiterals.stripComments(text));
        while (m.find()) {
            String raw = m.group(2);
            String value;
            if (raw.startsWith("'")) {
                value = PhpLiterals.unescapeSingleQuoted(raw.substring(1, raw.length() - 1));
            } else if (raw.startsWith("\"")) {
                value = PhpLiterals.unescapeDoubleQuoted(raw.substring(1, raw.length() - 1));
            } else {
                value = raw.toLowerCase();
            }
            result.put(m.group(1), value);
        }
        return result;
    }

    /** A single-quoted PHP string literal holding exactly {@code value}. */
    public static String quote(String value) {
        if (value.indexOf('\0') >= 0) {
            throw MoodlectlException.invalid("a config.php value can't contain a NUL character", null);
        }
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String literal(String value) {
        if (value.equals("true") || value.equals("false") || value.matches("-?(0|[1-9]\\d{0,17})")) {
            return value;
        }
        return quote(value);
    }

    private static void line(StringBuilder out, String name, String literal) {
        out.append("$CFG->").append(String.format("%-9s", name)).append(" = ").append(literal).append(";\n");
    }

    private static void validate(Settings s) {
        require(s.dbtype(), "dbtype");
        require(s.dbhost(), "dbhost");
        require(s.dbname(), "dbname");
        require(s.dbuser(), "dbuser");
        if (s.dbpass() == null) {
            throw MoodlectlException.invalid("config.php needs a database password", "set dbpass (it may be empty, not absent)");
        }
        require(s.wwwroot(), "wwwroot");
        if (!DBTYPES.contains(s.dbtype())) {
            throw MoodlectlException.invalid("unknown dbtype '" + s.dbtype() + "'", "use mariadb, mysqli or pgsql");
        }
        if (!s.wwwroot().matches("https?://[^\\s'\"]+") || s.wwwroot().endsWith("/")) {
            throw MoodlectlException.invalid("wwwroot '" + s.wwwroot() + "' is not a site address",
                    "write it like https://moodle.example.edu or http://localhost:8080, without a trailing slash");
        }
        if (!NAME.matcher(s.prefix()).matches()) {
            throw MoodlectlException.invalid("table prefix '" + s.prefix() + "' is not valid", "use letters, digits and _, e.g. mdl_");
        }
        for (String key : s.extra().keySet()) {
            if (!NAME.matcher(key).matches()) {
                throw MoodlectlException.invalid("'" + key + "' is not a $CFG setting name", "use letters, digits and _");
            }
            if (WRITTEN.contains(key)) {
                throw MoodlectlException.invalid("$CFG->" + key + " is set by moodlectl itself, not as an extra setting",
                        "use the site file's own field for it");
            }
        }
    }

    private static void require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw MoodlectlException.invalid("config.php needs " + name, null);
        }
    }
}
