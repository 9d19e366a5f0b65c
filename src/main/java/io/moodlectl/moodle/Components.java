package io.moodlectl.moodle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moodlectl.error.MoodlectlException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Moodle's plugin types and where they live in a code tree: {@code lib/components.json} ({@code plugintypes}: type →
 * folder relative to the code root; under {@code public/} from 5.1 on) plus each plugin's {@code db/subplugins.json}
 * ({@code subplugintypes}: type → folder relative to the plugin; or the older {@code plugintypes}: relative to the web
 * root). Standard plugins are those listed in {@code lib/plugins.json}; any other installed plugin is an add-on.
 */
public final class Components {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path code;
    private final Map<String, String> mainTypes;
    private Map<String, String> allTypes;

    private Components(Path code, Map<String, String> mainTypes) {
        this.code = code;
        this.mainTypes = mainTypes;
    }

    /** Reads {@code lib/components.json} of the code tree at {@code code}. */
    public static Components read(Path code) {
        Path file = firstExisting(code.resolve("lib/components.json"), code.resolve("public/lib/components.json"));
        if (file == null) {
            throw MoodlectlException.notFound("no lib/components.json in " + code,
                    "point at the root of a Moodle code tree (3.x or later)");
        }
        JsonNode types = readJson(file).path("plugintypes");
        if (!types.isObject() || types.isEmpty()) {
            throw MoodlectlException.invalid(file + " has no plugintypes", "is this a Moodle tree? compare with upstream");
        }
        Map<String, String> map = new LinkedHashMap<>();
        types.fields().forEachRemaining(e -> map.put(e.getKey(), normalise(e.getValue().asText())));
        return new Components(code, Collections.unmodifiableMap(map));
    }

    /** Add-ons of the code tree at {@code code}: shorthand for {@code read(code).addOns()}. */
    public static List<InstalledPlugin> addOns(Path code) {
        return read(code).addOns();
    }

    /** Plugin types of {@code lib/components.json} only: type → folder relative to the code root. */
    public Map<String, String> mainPluginTypes() {
        return mainTypes;
    }

    /** All plugin types, sub-plugin types included (found through the installed plugins' {@code db/subplugins.json}). */
    public synchronized Map<String, String> pluginTypes() {
        if (allTypes == null) {
            Map<String, String> all = new LinkedHashMap<>(mainTypes);
            Deque<String> folders = new ArrayDeque<>(mainTypes.values());
            while (!folders.isEmpty()) {
                String typeFolder = folders.pop();
                for (Path plugin : pluginDirs(typeFolder)) {
                    Path sub = plugin.resolve("db/subplugins.json");
                    if (Files.isRegularFile(sub)) {
                        String pluginFolder = code.relativize(plugin).toString().replace('\\', '/');
                        subpluginTypes(sub, pluginFolder).forEach((type, folder) -> {
                            if (all.putIfAbsent(type, folder) == null) {
                                folders.add(folder);
                            }
                        });
                    }
                }
            }
            allTypes = Collections.unmodifiableMap(all);
        }
        return allTypes;
    }

    /**
     * The folder of a component, relative to the code root: {@code mod_forum} → {@code mod/forum}, {@code tool_x} →
     * {@code admin/tool/x}, {@code assignsubmission_file} → {@code mod/assign/submission/file}. INVALID_INPUT for a
     * malformed name or unknown type.
     */
    public Path folderFor(String component) {
        int cut = component.indexOf('_');
        if (cut <= 0 || cut == component.length() - 1) {
            throw MoodlectlException.invalid("'" + component + "' is not a plugin component name",
                    "write type_name, e.g. mod_forum, local_myplugin, tool_x");
        }
        String type = component.substring(0, cut);
        String name = component.substring(cut + 1);
        String folder = mainTypes.get(type);
        if (folder == null) {
            folder = pluginTypes().get(type);
        }
        if (folder == null) {
            throw MoodlectlException.invalid("unknown plugin type '" + type + "' in " + component,
                    "known types: " + String.join(", ", pluginTypes().keySet()));
        }
        return Path.of(folder, name);
    }

    /** The components Moodle ships ({@code lib/plugins.json}: {@code standard}, plus {@code deprecated} ones still shipped). */
    public Set<String> standardPlugins() {
        Path file = firstExisting(code.resolve("lib/plugins.json"), code.resolve("public/lib/plugins.json"));
        if (file == null) {
            throw MoodlectlException.notFound("no lib/plugins.json in " + code,
                    "without it standard plugins can't be told from add-ons; is this a complete Moodle tree?");
        }
        JsonNode root = readJson(file);
        Set<String> result = new HashSet<>();
        for (String section : List.of("standard", "deprecated")) {
            root.path(section).fields().forEachRemaining(e -> e.getValue()
                    .forEach(n -> result.add(e.getKey() + "_" + n.asText())));
        }
        return result;
    }

    /** Every plugin present in the tree (a folder with a version.php under a plugin type folder), sorted by component. */
    public List<InstalledPlugin> plugins() {
        List<InstalledPlugin> result = new ArrayList<>();
        pluginTypes().forEach((type, folder) -> {
            for (Path dir : pluginDirs(folder)) {
                if (Files.isRegularFile(dir.resolve("version.php"))) {
                    result.add(new InstalledPlugin(type + "_" + dir.getFileName(), code.relativize(dir),
                            PluginVersion.read(dir)));
                }
            }
        });
        result.sort(Comparator.comparing(InstalledPlugin::component));
        return result;
    }

    /** Installed plugins not listed as standard in {@code lib/plugins.json}, with their versions. */
    public List<InstalledPlugin> addOns() {
        Set<String> standard = standardPlugins();
        return plugins().stream().filter(p -> !standard.contains(p.component())).toList();
    }

    private Map<String, String> subpluginTypes(Path file, String pluginFolder) {
        JsonNode root = readJson(file);
        Map<String, String> result = new LinkedHashMap<>();
        JsonNode relative = root.path("subplugintypes");
        if (relative.isObject()) {
            relative.fields().forEachRemaining(e ->
                    result.put(e.getKey(), pluginFolder + "/" + normalise(e.getValue().asText())));
            return result;
        }
        // Older format: folders relative to the web root (the code root before 5.1, public/ after).
        String webRootPrefix = pluginFolder.startsWith("public/") ? "public/" : "";
        root.path("plugintypes").fields().forEachRemaining(e -> {
            String folder = normalise(e.getValue().asText());
            result.put(e.getKey(), folder.startsWith(webRootPrefix) ? folder : webRootPrefix + folder);
        });
        return result;
    }

    private List<Path> pluginDirs(String typeFolder) {
        Path dir = code.resolve(typeFolder);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isDirectory)
                    .filter(p -> p.getFileName().toString().matches("[a-z][a-z0-9_]*"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String normalise(String folder) {
        String f = folder.replace('\\', '/');
        while (f.endsWith("/")) {
            f = f.substring(0, f.length() - 1);
        }
        return f;
    }

    private static Path firstExisting(Path... candidates) {
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw MoodlectlException.invalid("can't read " + file + ": " + e.getMessage(), "is the JSON valid?");
        }
    }
}
