package io.moodlectl.moodle;

import io.moodlectl.error.MoodlectlException;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A plugin's {@code version.php}: {@code $plugin->component}, {@code ->version}, {@code ->requires} (minimum core
 * {@code $version}), {@code ->maturity}, {@code ->release}, {@code ->dependencies}, {@code ->supported} ([min, max] branch)
 * and {@code ->incompatible} (first branch it does not work with). Absent values are null (or empty lists).
 */
public record PluginVersion(String component, BigDecimal version, BigDecimal requires, Maturity maturity, String release,
                            List<Dependency> dependencies, List<Integer> supported, Integer incompatible) {

    /** One entry of {@code ->dependencies}; {@code minimumVersion} is null for {@code ANY_VERSION}. */
    public record Dependency(String component, BigDecimal minimumVersion) {
        public boolean anyVersion() {
            return minimumVersion == null;
        }

        /** True if a plugin installed at {@code installedVersion} (null = not installed) satisfies this dependency. */
        public boolean satisfiedBy(BigDecimal installedVersion) {
            return installedVersion != null && (anyVersion() || installedVersion.compareTo(minimumVersion) >= 0);
        }
    }

    public PluginVersion {
        dependencies = dependencies == null ? List.of() : List.copyOf(dependencies);
        supported = supported == null ? List.of() : List.copyOf(supported);
    }

    public static PluginVersion parse(String text) {
        Map<String, Object> values = PhpLiterals.assignments(text);
        String p = values.keySet().stream().anyMatch(k -> k.startsWith("plugin->")) ? "plugin->" : "module->";
        Object version = values.get(p + "version");
        if (!(version instanceof BigDecimal)) {
            throw MoodlectlException.invalid("not a plugin version.php: $plugin->version is missing or not a number",
                    "a plugin's version.php sets $plugin->version = YYYYMMDDXX;");
        }
        Object component = values.get(p + "component");
        Object requires = values.get(p + "requires");
        Object maturity = values.get(p + "maturity");
        Object release = values.get(p + "release");
        Object incompatible = values.get(p + "incompatible");
        return new PluginVersion(
                component instanceof String s ? s : null,
                (BigDecimal) version,
                requires instanceof BigDecimal r ? r : null,
                maturity == null ? null : Maturity.fromPhp(maturity),
                release == null ? null : String.valueOf(release instanceof BigDecimal b ? b.toPlainString() : release),
                dependencies(values.get(p + "dependencies")),
                supported(values.get(p + "supported")),
                incompatible instanceof BigDecimal i ? i.intValue()
                        : incompatible instanceof String s && s.trim().matches("\\d+") ? Integer.valueOf(s.trim()) : null);
    }

    public static PluginVersion read(Path pluginDir) {
        Path file = pluginDir.resolve("version.php");
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (java.nio.file.NoSuchFileException e) {
            throw MoodlectlException.notFound("no version.php in " + pluginDir, "a plugin folder holds version.php");
        } catch (IOException e) {
            throw MoodlectlException.failed("can't read " + file + ": " + e.getMessage(), "check its permissions");
        }
    }

    /** True if core at {@code coreVersion} is at least this plugin's {@code requires}. */
    public boolean requiresMetBy(BigDecimal coreVersion) {
        return requires == null || coreVersion.compareTo(requires) >= 0;
    }

    /** True unless {@code supported} excludes the branch or {@code incompatible} is at or below it. */
    public boolean supportsBranch(int branch) {
        if (supported.size() == 2 && (branch < supported.get(0) || branch > supported.get(1))) {
            return false;
        }
        return incompatible == null || branch < incompatible;
    }

    public Optional<Maturity> maturityIfDeclared() {
        return Optional.ofNullable(maturity);
    }

    private static List<Dependency> dependencies(Object value) {
        List<Dependency> result = new ArrayList<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> result.add(new Dependency(String.valueOf(k), minimum(v))));
        }
        return result;
    }

    private static BigDecimal minimum(Object v) {
        if (v instanceof BigDecimal number) {
            return number;
        }
        if (v instanceof String s && s.trim().matches("\\d+(\\.\\d+)?")) {
            return new BigDecimal(s.trim());
        }
        return null; // ANY_VERSION (the constant, or its value 'any')
    }

    private static List<Integer> supported(Object value) {
        List<Integer> result = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof BigDecimal n) {
                    result.add(n.intValue());
                }
            }
        }
        return result;
    }
}
