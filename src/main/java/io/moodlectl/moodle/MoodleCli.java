package io.moodlectl.moodle;

import io.moodlectl.error.MoodlectlException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The argv of Moodle's {@code admin/cli} scripts, as the caller runs them inside the web container (exec as
 * {@link EnvironmentPaths#WEB_USER}, so moodledata stays owned by it): {@code php -d max_input_vars=5000
 * <code>/admin/cli/<script>.php …}. Paths are absolute, so the working directory does not matter. {@code admin/cli}
 * stays at the code root in every layout (5.1's {@code public/} included). No shell is involved: values need no quoting.
 * Exit codes: {@link UpgradePending}, {@link ChecksStatus}, {@link SchemaStatus}, {@link CfgStatus}; the rest exit 0 / 1.
 */
public final class MoodleCli {
    /** Moodle's install aborts below 5000; Debian's default is 1000. */
    public static final String MAX_INPUT_VARS = "max_input_vars=5000";
    private static final Pattern SECRET = Pattern.compile("^(--(?:adminpass|dbpass)=).*$");

    private final String codeDir;
    private final String php;

    /** Scripts under {@code codeDir} (absolute, e.g. {@link EnvironmentPaths#CODE}), run with {@code php}. */
    public MoodleCli(String codeDir) {
        this(codeDir, "php");
    }

    public MoodleCli(String codeDir, String php) {
        if (!codeDir.startsWith("/")) {
            throw MoodlectlException.invalid("the code folder must be an absolute path: " + codeDir, null);
        }
        this.codeDir = codeDir.endsWith("/") ? codeDir.substring(0, codeDir.length() - 1) : codeDir;
        this.php = php;
    }

    /** For the fixed in-container code path. */
    public static MoodleCli inContainer() {
        return new MoodleCli(EnvironmentPaths.CODE);
    }

    /** What {@code install_database.php} needs (config.php must exist already). lang defaults to en; summary/supportEmail may be null. */
    public record InstallOptions(String lang, String adminUser, String adminPass, String adminEmail, String fullName,
                                 String shortName, String summary, String supportEmail) {
        public InstallOptions {
            lang = lang == null ? "en" : lang;
            adminUser = adminUser == null ? "admin" : adminUser;
        }
    }

    /** {@code install_database.php --agree-license …}: installs the database for an existing config.php. Exit 0 ok, 1 failed. */
    public List<String> installDatabase(InstallOptions o) {
        requireValue(o.adminPass(), "admin password");
        requireValue(o.fullName(), "site full name");
        requireValue(o.shortName(), "site short name");
        requireValue(o.adminEmail(), "admin email");
        List<String> argv = script("install_database.php");
        argv.add("--agree-license");
        argv.add("--lang=" + o.lang());
        argv.add("--adminuser=" + o.adminUser());
        argv.add("--adminpass=" + o.adminPass()); // Moodle takes it only as an argument
        argv.add("--adminemail=" + o.adminEmail());
        argv.add("--fullname=" + o.fullName());
        argv.add("--shortname=" + o.shortName());
        if (o.summary() != null) {
            argv.add("--summary=" + o.summary());
        }
        if (o.supportEmail() != null) {
            argv.add("--supportemail=" + o.supportEmail());
        }
        return List.copyOf(argv);
    }

    /** {@code upgrade.php}: exit 0 done (or nothing to do); any other exit means restore database, moodledata and code. */
    public List<String> upgrade(boolean nonInteractive, boolean allowUnstable) {
        List<String> argv = script("upgrade.php");
        if (nonInteractive) {
            argv.add("--non-interactive");
        }
        if (allowUnstable) {
            argv.add("--allow-unstable");
        }
        return List.copyOf(argv);
    }

    /** {@code upgrade.php --is-pending}: read the exit with {@link UpgradePending#fromExit}. */
    public List<String> upgradeIsPending() {
        List<String> argv = script("upgrade.php");
        argv.add("--is-pending");
        return List.copyOf(argv);
    }

    /** {@code maintenance.php --enable|--disable} (always exits 0; the state is {@code <dataroot>/climaintenance.html}). */
    public List<String> maintenance(boolean enable) {
        List<String> argv = script("maintenance.php");
        argv.add(enable ? "--enable" : "--disable");
        return List.copyOf(argv);
    }

    /** {@code cfg.php --component=C --name=N --set=V} (component null = core). Exit: {@link CfgStatus}. */
    public List<String> cfgSet(String component, String name, String value) {
        List<String> argv = cfg(component, name);
        argv.add("--set=" + value);
        return List.copyOf(argv);
    }

    /** {@code cfg.php --component=C --name=N}: prints the value. Exit: {@link CfgStatus} (3 = not set). */
    public List<String> cfgGet(String component, String name) {
        return List.copyOf(cfg(component, name));
    }

    /** {@code cfg.php --component=C --name=N --unset}. */
    public List<String> cfgUnset(String component, String name) {
        List<String> argv = cfg(component, name);
        argv.add("--unset");
        return List.copyOf(argv);
    }

    /** {@code purge_caches.php} (all caches). */
    public List<String> purgeCaches() {
        return List.copyOf(script("purge_caches.php"));
    }

    /** {@code checks.php --type=…}: read the exit with {@link ChecksStatus#fromNagios}. */
    public List<String> checks(CheckType type) {
        List<String> argv = script("checks.php");
        argv.add("--type=" + type.option());
        return List.copyOf(argv);
    }

    /** {@code check_database_schema.php}: read the exit with {@link SchemaStatus#fromExit}. */
    public List<String> checkDatabaseSchema() {
        return List.copyOf(script("check_database_schema.php"));
    }

    /** {@code cron.php --keep-alive=N}: 0 runs one pass (the default would keep polling for 180 s). */
    public List<String> cron(int keepAliveSeconds) {
        if (keepAliveSeconds < 0) {
            throw MoodlectlException.invalid("keep-alive can't be negative", null);
        }
        List<String> argv = script("cron.php");
        argv.add("--keep-alive=" + keepAliveSeconds);
        return List.copyOf(argv);
    }

    /** The absolute path of a CLI script: {@code <code>/admin/cli/<name>}. */
    public String scriptPath(String name) {
        return codeDir + "/admin/cli/" + name;
    }

    /** The argv with passwords replaced by {@code ***}, for journals, logs and notebooks. */
    public static List<String> redacted(List<String> argv) {
        return argv.stream().map(a -> SECRET.matcher(a).replaceFirst("$1***")).toList();
    }

    private List<String> script(String name) {
        List<String> argv = new ArrayList<>();
        argv.add(php);
        argv.add("-d");
        argv.add(MAX_INPUT_VARS);
        argv.add(scriptPath(name));
        return argv;
    }

    private List<String> cfg(String component, String name) {
        requireValue(name, "setting name");
        List<String> argv = script("cfg.php");
        if (component != null && !component.isBlank() && !component.equals("core")) {
            argv.add("--component=" + component);
        }
        argv.add("--name=" + name);
        return argv;
    }

    private static void requireValue(String value, String what) {
        if (value == null || value.isBlank()) {
            throw MoodlectlException.invalid("the " + what + " is missing", null);
        }
    }
}
