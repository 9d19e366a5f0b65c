package io.moodlectl.site;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.moodlectl.error.MoodlectlException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a site file (YAML) into a {@link SiteSpec}. Every problem is reported with the file, the line and what is
 * wrong, all at once, before anything is created.
 */
public final class SiteFile {
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,29}");
    private static final Pattern COMPONENT = Pattern.compile("[a-z][a-z0-9]*_[a-z0-9_]+");
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,9}_");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|h|d)");
    /** PHP settings a site may set (applied by the web image's entrypoint). */
    public static final Set<String> PHP_KEYS = Set.of("upload_max_filesize", "post_max_size", "memory_limit",
            "max_execution_time", "max_input_time");
    private static final Set<String> TOP = Set.of("name", "url", "port", "bind", "tls", "preview", "database", "prefix",
            "images", "php", "mail", "languages", "standby", "retention", "moodle", "plugins", "settings", "backup");

    private final String file;
    private final Map<String, Integer> lines;
    private final List<String> errors = new ArrayList<>();

    private SiteFile(String file, Map<String, Integer> lines) {
        this.file = file;
        this.lines = lines;
    }

    public static SiteSpec read(Path path) {
        String text;
        try {
            text = Files.readString(path);
        } catch (IOException e) {
            throw MoodlectlException.notFound("cannot read site file " + path + ": " + e.getMessage(),
                    "give the path of a site file (YAML), e.g. -f site.yaml");
        }
        return parse(path.toString(), text, path.toAbsolutePath().getParent());
    }

    /** Parses site-file text; relative paths in it are resolved against {@code baseDir}. */
    public static SiteSpec parse(String fileName, String text, Path baseDir) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode root;
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser p = yaml.getFactory().createParser(text)) {
            while (p.nextToken() != null) {
                String ptr = p.getParsingContext().pathAsPointer().toString();
                if (p.currentToken() == JsonToken.FIELD_NAME) {
                    ptr = ptr + "";
                }
                lines.putIfAbsent(ptr, p.currentLocation().getLineNr());
            }
            root = yaml.readTree(text);
        } catch (IOException e) {
            String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException jp && jp.getLocation() != null
                    ? ":" + jp.getLocation().getLineNr() : "";
            throw MoodlectlException.invalid(fileName + where + ": not valid YAML: " + firstLine(e.getMessage()),
                    "fix the YAML syntax (indentation, quotes, colons)");
        }
        SiteFile f = new SiteFile(fileName, lines);
        SiteSpec spec = f.build(root, baseDir == null ? Path.of(".") : baseDir);
        if (!f.errors.isEmpty()) {
            throw MoodlectlException.invalid(String.join("\n", f.errors),
                    "correct the site file; the README's \"Site file\" section lists every key");
        }
        return spec;
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    private void error(String pointer, String message) {
        Integer line = lines.get(pointer);
        String key = pointer.isEmpty() ? "" : pointer.substring(1).replace('/', '.') + ": ";
        errors.add(file + (line == null ? "" : ":" + line) + ": " + key + message);
    }

    private SiteSpec build(JsonNode root, Path base) {
        if (root == null || !root.isObject()) {
            error("", "the site file must be a YAML mapping (name: …, moodle: …)");
            return null;
        }
        unknownKeys(root, "", TOP);
        String name = string(root, "/name", true);
        if (name != null && !NAME.matcher(name).matches()) {
            error("/name", "'" + name + "' is not a valid site name: lower-case letters, digits and '-', starting with a letter, at most 30");
        }
        String url = string(root, "/url", false);
        if (url != null && !url.matches("https?://[^/\\s:]+(:\\d+)?(/.*)?")) {
            error("/url", "'" + url + "' is not an http(s) URL");
        }
        int port = integer(root, "/port", 8080, 1, 65535);
        String bind = string(root, "/bind", false);
        if (bind == null) {
            bind = "127.0.0.1";
        } else if (!bind.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            error("/bind", "'" + bind + "' is not an IPv4 address (e.g. 127.0.0.1 or 0.0.0.0)");
        }
        SiteSpec.Tls tls = null;
        JsonNode t = root.at("/tls");
        if (!t.isMissingNode() && !t.isNull()) {
            unknownKeys(t, "/tls", Set.of("certificate", "key"));
            Path cert = file(root, "/tls/certificate", base, true);
            Path key = file(root, "/tls/key", base, true);
            tls = new SiteSpec.Tls(cert, key);
            if (url != null && url.startsWith("http://")) {
                error("/url", "with tls the url must start with https://");
            }
        }
        int previewPort = 0;
        JsonNode pv = root.at("/preview");
        if (!pv.isMissingNode() && !pv.isNull()) {
            unknownKeys(pv, "/preview", Set.of("port"));
            previewPort = integer(root, "/preview/port", 0, 1, 65535);
            if (previewPort == port) {
                error("/preview/port", "the preview port must differ from the site's port " + port);
            }
        }
        String database = string(root, "/database", false);
        if (database == null) {
            database = "mariadb";
        } else if (!database.equals("mariadb") && !database.equals("postgres")) {
            error("/database", "'" + database + "' is not supported: use mariadb or postgres");
        }
        String prefix = string(root, "/prefix", false);
        if (prefix == null) {
            prefix = "mdl_";
        } else if (!PREFIX.matcher(prefix).matches()) {
            error("/prefix", "'" + prefix + "' is not a valid table prefix (lower-case letters, digits, '_', ending in '_', e.g. mdl_)");
        }
        SiteSpec.Images images = new SiteSpec.Images("php8.2", null, null, null);
        JsonNode im = root.at("/images");
        if (!im.isMissingNode() && !im.isNull()) {
            unknownKeys(im, "/images", Set.of("generation", "web", "database", "proxy"));
            String gen = string(root, "/images/generation", false);
            if (gen != null && !gen.equals("php8.2") && !gen.equals("php8.4")) {
                error("/images/generation", "'" + gen + "' is not a generation: use php8.2 (Debian 12) or php8.4 (Debian 13)");
            }
            images = new SiteSpec.Images(gen == null ? "php8.2" : gen, string(root, "/images/web", false),
                    string(root, "/images/database", false), string(root, "/images/proxy", false));
        }
        Map<String, String> php = new LinkedHashMap<>();
        JsonNode ph = root.at("/php");
        if (!ph.isMissingNode() && !ph.isNull()) {
            if (!ph.isObject()) {
                error("/php", "must be a mapping of PHP settings");
            } else {
                unknownKeys(ph, "/php", PHP_KEYS);
                ph.fields().forEachRemaining(e -> {
                    if (PHP_KEYS.contains(e.getKey())) {
                        String v = e.getValue().asText();
                        if (!v.matches("-?\\d+[KMG]?")) {
                            error("/php/" + e.getKey(), "'" + v + "' is not a PHP size or number (e.g. 512M)");
                        }
                        php.put(e.getKey(), v);
                    }
                });
            }
        }
        SiteSpec.Mail mail = new SiteSpec.Mail("off", null);
        JsonNode ml = root.at("/mail");
        if (!ml.isMissingNode() && !ml.isNull()) {
            unknownKeys(ml, "/mail", Set.of("staging", "to"));
            JsonNode st = ml.get("staging");
            String staging = st == null ? "off" : (st.isBoolean() ? (st.asBoolean() ? "on" : "off") : st.asText());
            String to = string(root, "/mail/to", false);
            if (!staging.equals("off") && !staging.equals("divert")) {
                error("/mail/staging", "'" + staging + "' is not allowed: use off (send nothing) or divert (send all to one address)");
            } else if (staging.equals("divert") && (to == null || !to.contains("@"))) {
                error("/mail/to", "divert needs an address: to: moodle-test@example.edu");
            }
            mail = new SiteSpec.Mail(staging, to);
        }
        List<SiteSpec.Language> languages = new ArrayList<>();
        forEachItem(root, "/languages", (ptr, node) -> {
            unknownKeys(node, ptr, Set.of("code", "source"));
            String code = string(root, ptr + "/code", true);
            if (code != null && !code.matches("[a-z]{2,3}(_[a-z0-9]+)*")) {
                error(ptr + "/code", "'" + code + "' is not a Moodle language code (e.g. ja, pt_br)");
            }
            Path src = file(root, ptr + "/source", base, true);
            languages.add(new SiteSpec.Language(code, src));
        });
        Duration keep = Duration.ofHours(1);
        JsonNode sb = root.at("/standby");
        if (!sb.isMissingNode() && !sb.isNull()) {
            unknownKeys(sb, "/standby", Set.of("keep_running"));
            keep = duration(root, "/standby/keep_running", keep);
        }
        SiteSpec.Retention retention = new SiteSpec.Retention(10, Duration.ofDays(7));
        JsonNode rt = root.at("/retention");
        if (!rt.isMissingNode() && !rt.isNull()) {
            unknownKeys(rt, "/retention", Set.of("snapshots", "environments"));
            retention = new SiteSpec.Retention(integer(root, "/retention/snapshots", 10, 0, 10000),
                    duration(root, "/retention/environments", Duration.ofDays(7)));
        }
        SiteSpec.MoodleSource moodle = null;
        JsonNode md = root.at("/moodle");
        if (md.isMissingNode() || md.isNull()) {
            error("", "moodle: is missing: say where Moodle's code comes from (moodle: {repository: …, ref: …})");
        } else {
            unknownKeys(md, "/moodle", Set.of("repository", "ref"));
            String repo = string(root, "/moodle/repository", true);
            String ref = string(root, "/moodle/ref", true);
            moodle = new SiteSpec.MoodleSource(repository(repo, base), ref);
        }
        List<SiteSpec.PluginSource> plugins = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        forEachItem(root, "/plugins", (ptr, node) -> {
            unknownKeys(node, ptr, Set.of("component", "repository", "ref", "zip"));
            String component = string(root, ptr + "/component", true);
            if (component != null && !COMPONENT.matcher(component).matches()) {
                error(ptr + "/component", "'" + component + "' is not a Moodle component name (type_name, e.g. local_example)");
            } else if (component != null && !seen.add(component)) {
                error(ptr + "/component", component + " is listed twice");
            }
            boolean hasZip = node.has("zip");
            boolean hasRepo = node.has("repository");
            if (hasZip == hasRepo) {
                error(ptr, "give either repository + ref, or zip");
            }
            if (hasZip) {
                plugins.add(new SiteSpec.PluginSource(component, null, null, file(root, ptr + "/zip", base, true)));
            } else if (hasRepo) {
                String ref = string(root, ptr + "/ref", true);
                plugins.add(new SiteSpec.PluginSource(component, repository(string(root, ptr + "/repository", true), base), ref, null));
            }
        });
        List<SiteSpec.Setting> settings = new ArrayList<>();
        forEachItem(root, "/settings", (ptr, node) -> {
            unknownKeys(node, ptr, Set.of("component", "name", "value"));
            String n = string(root, ptr + "/name", true);
            if (!node.has("value")) {
                error(ptr, "value: is missing");
            }
            String comp = string(root, ptr + "/component", false);
            if (comp != null && !COMPONENT.matcher(comp).matches() && !comp.equals("core")) {
                error(ptr + "/component", "'" + comp + "' is not a Moodle component name");
            }
            JsonNode v = node.get("value");
            settings.add(new SiteSpec.Setting(comp, n, v == null || v.isNull() ? "" : v.asText()));
        });
        SiteSpec.Backup backup = backup(root, base);
        if (!errors.isEmpty()) {
            return null;
        }
        return new SiteSpec(name, url, port, bind, tls, previewPort, database, prefix, images, Map.copyOf(php), mail,
                List.copyOf(languages), keep, retention, moodle, List.copyOf(plugins), List.copyOf(settings), backup);
    }

    /** backup: {repository: /path | sftp:user@host:/path | s3:…, password-file: F, ssh: {identity: F, port: N}, keep: {…}} */
    private SiteSpec.Backup backup(JsonNode root, Path base) {
        JsonNode b = root.at("/backup");
        if (b.isMissingNode() || b.isNull()) {
            return null;
        }
        unknownKeys(b, "/backup", Set.of("repository", "password-file", "ssh", "keep"));
        if (!b.isObject()) {
            return null;
        }
        String repo = string(root, "/backup/repository", true);
        if (repo != null) {
            if (repo.startsWith("sftp:")) {
                if (!repo.matches("sftp:([^@/\\s]+@)?[^:/\\s]+:.+")) {
                    error("/backup/repository", "'" + repo + "' is not an SFTP repository (sftp:user@host:/path)");
                }
            } else if (repo.startsWith("s3:") || repo.startsWith("rest:") || repo.startsWith("b2:")
                    || repo.startsWith("azure:") || repo.startsWith("gs:") || repo.startsWith("swift:")) {
                // restic's own syntax for remote back-ends
            } else if (repo.matches("[a-z0-9]+:.*")) {
                error("/backup/repository", "'" + repo + "' is not a repository moodlectl knows: use a local path, "
                        + "sftp:user@host:/path or s3:host/bucket");
            } else {
                repo = base.resolve(repo).toAbsolutePath().normalize().toString();
            }
        }
        Path password = b.has("password-file") ? file(root, "/backup/password-file", base, true) : null;
        Path identity = null;
        int sshPort = 0;
        JsonNode ssh = b.get("ssh");
        if (ssh != null && !ssh.isNull()) {
            unknownKeys(ssh, "/backup/ssh", Set.of("identity", "port"));
            if (repo != null && !repo.startsWith("sftp:")) {
                error("/backup/ssh", "only an sftp: repository uses ssh");
            }
            if (ssh.has("identity")) {
                identity = file(root, "/backup/ssh/identity", base, true);
            }
            sshPort = integer(root, "/backup/ssh/port", 0, 1, 65535);
        }
        SiteSpec.Keep keep = new SiteSpec.Keep(7, 14, 8, 12);
        JsonNode k = b.get("keep");
        if (k != null && !k.isNull()) {
            unknownKeys(k, "/backup/keep", Set.of("last", "daily", "weekly", "monthly"));
            keep = new SiteSpec.Keep(integer(root, "/backup/keep/last", 0, 0, 100000),
                    integer(root, "/backup/keep/daily", 0, 0, 100000), integer(root, "/backup/keep/weekly", 0, 0, 100000),
                    integer(root, "/backup/keep/monthly", 0, 0, 100000));
            if (keep.last() + keep.daily() + keep.weekly() + keep.monthly() == 0) {
                error("/backup/keep", "keeps nothing: give at least one of last, daily, weekly, monthly");
            }
        }
        return new SiteSpec.Backup(repo, password, identity, sshPort, keep);
    }

    /** A local path is resolved against the site file's folder; URLs are kept. */
    private static String repository(String repo, Path base) {
        if (repo == null) {
            return null;
        }
        if (repo.matches("[a-z+]+://.*") || repo.matches("[^/\\s]+@[^:\\s]+:.*")) {
            return repo;
        }
        return base.resolve(repo).toAbsolutePath().normalize().toString();
    }

    private void unknownKeys(JsonNode node, String ptr, Set<String> allowed) {
        if (!node.isObject()) {
            error(ptr, "must be a mapping");
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                error(ptr + "/" + k, "unknown key (allowed here: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }

    private String string(JsonNode root, String ptr, boolean required) {
        JsonNode n = root.at(ptr);
        if (n.isMissingNode() || n.isNull()) {
            if (required) {
                error(ptr.substring(0, ptr.lastIndexOf('/')), ptr.substring(ptr.lastIndexOf('/') + 1) + ": is missing");
            }
            return null;
        }
        if (!n.isValueNode()) {
            error(ptr, "must be a single value");
            return null;
        }
        String s = n.asText();
        if (required && s.isBlank()) {
            error(ptr, "must not be empty");
            return null;
        }
        return s;
    }

    private int integer(JsonNode root, String ptr, int dflt, int min, int max) {
        JsonNode n = root.at(ptr);
        if (n.isMissingNode() || n.isNull()) {
            return dflt;
        }
        if (!n.canConvertToInt() || !(n.isInt() || n.asText().matches("\\d+"))) {
            error(ptr, "'" + n.asText() + "' is not a number");
            return dflt;
        }
        int v = n.asInt();
        if (v < min || v > max) {
            error(ptr, v + " is out of range (" + min + "–" + max + ")");
        }
        return v;
    }

    private Duration duration(JsonNode root, String ptr, Duration dflt) {
        String s = string(root, ptr, false);
        if (s == null) {
            return dflt;
        }
        Matcher m = DURATION.matcher(s.trim());
        if (!m.matches()) {
            error(ptr, "'" + s + "' is not a duration (e.g. 30m, 1h, 7d)");
            return dflt;
        }
        long v = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(v);
            case "m" -> Duration.ofMinutes(v);
            case "h" -> Duration.ofHours(v);
            default -> Duration.ofDays(v);
        };
    }

    private Path file(JsonNode root, String ptr, Path base, boolean mustExist) {
        String s = string(root, ptr, true);
        if (s == null) {
            return null;
        }
        Path p = base.resolve(s).toAbsolutePath().normalize();
        if (mustExist && !Files.isRegularFile(p)) {
            error(ptr, p + " does not exist");
        }
        return p;
    }

    private void forEachItem(JsonNode root, String ptr, java.util.function.BiConsumer<String, JsonNode> each) {
        JsonNode n = root.at(ptr);
        if (n.isMissingNode() || n.isNull()) {
            return;
        }
        if (!n.isArray()) {
            error(ptr, "must be a list");
            return;
        }
        for (int i = 0; i < n.size(); i++) {
            if (!n.get(i).isObject()) {
                error(ptr + "/" + i, "each entry must be a mapping");
                continue;
            }
            each.accept(ptr + "/" + i, n.get(i));
        }
    }
}
