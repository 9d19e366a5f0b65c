package io.moodlectl.site;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A site as its site file describes it (see {@link SiteFile} for the keys). Immutable; paths are absolute.
 */
public record SiteSpec(String name, String url, int port, String bind, Tls tls, int previewPort, String database,
                       String prefix, Images images, Map<String, String> php, Mail mail, List<Language> languages,
                       Duration standbyKeepRunning, Retention retention, MoodleSource moodle,
                       List<PluginSource> plugins, List<Setting> settings, Backup backup) {

    /** A site without a {@code backup:} key. */
    public SiteSpec(String name, String url, int port, String bind, Tls tls, int previewPort, String database,
                    String prefix, Images images, Map<String, String> php, Mail mail, List<Language> languages,
                    Duration standbyKeepRunning, Retention retention, MoodleSource moodle,
                    List<PluginSource> plugins, List<Setting> settings) {
        this(name, url, port, bind, tls, previewPort, database, prefix, images, php, mail, languages, standbyKeepRunning,
                retention, moodle, plugins, settings, null);
    }

    /**
     * Where `backup create` sends backups (a restic repository: a local path, {@code sftp:user@host:/path} or
     * {@code s3:…}), the file holding its password (null: generated and kept in the secret store), an optional SSH
     * identity and port for SFTP, and the retention `backup prune` applies.
     */
    public record Backup(String repository, Path passwordFile, Path sshIdentity, int sshPort, Keep keep) {
    }

    /** restic's --keep-last/daily/weekly/monthly (0: not used). */
    public record Keep(int last, int daily, int weekly, int monthly) {
    }

    public record Tls(Path certificate, Path key) {
    }

    /** generation php8.2|php8.4, or exact image tags (null where not given). */
    public record Images(String generation, String web, String database, String proxy) {
    }

    /** How copies that are not live send mail: "off" ($CFG->noemailever) or "divert" to one address. */
    public record Mail(String staging, String to) {
    }

    public record Language(String code, Path source) {
    }

    /** How many snapshots `site tidy` keeps, and how long non-live environments are kept. */
    public record Retention(int snapshots, Duration environments) {
    }

    public record MoodleSource(String repository, String ref) {
    }

    /** An add-on: from git (repository + ref) or a zip file. */
    public record PluginSource(String component, String repository, String ref, Path zip) {
        public boolean fromGit() {
            return zip == null;
        }
    }

    /** A setting applied with cfg.php after install and upgrades; component null for core. */
    public record Setting(String component, String name, String value) {
    }

    /** The public address users see ($CFG->wwwroot of the live copy). */
    public String wwwroot() {
        if (url != null) {
            return url.replaceAll("/+$", "");
        }
        return "http://" + ("0.0.0.0".equals(bind) ? "127.0.0.1" : bind) + ":" + port;
    }

    /** The staging copy's own address: the live host on the preview port. */
    public String previewWwwroot() {
        if (previewPort == 0) {
            return null;
        }
        java.net.URI u = java.net.URI.create(wwwroot());
        String scheme = tls != null ? "https" : "http";
        return scheme + "://" + u.getHost() + ":" + previewPort;
    }

    public String host() {
        return java.net.URI.create(wwwroot()).getHost();
    }

    public SiteSpec withMoodleRef(String ref) {
        return new SiteSpec(name, url, port, bind, tls, previewPort, database, prefix, images, php, mail, languages,
                standbyKeepRunning, retention, new MoodleSource(moodle.repository(), ref), plugins, settings, backup);
    }
}
