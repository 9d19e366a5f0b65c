package io.moodlectl.adoption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moodlectl.release.ResolvedRelease;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The plugins a core release's own tree holds, read from its git commit without checking it out: the plugin types of
 * {@code lib/components.json} and of every {@code db/subplugins.json}, and each folder of those types holding a
 * {@code version.php}. A fork that vendors add-ons in its tree has them here too; so does anything {@code lib/plugins.json}
 * names as standard.
 */
final class CodeTree {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CodeTree() {
    }

    static Set<String> plugins(ResolvedRelease release) {
        List<String> files = release.core().listFiles(release.commit());
        Set<String> dirs = new HashSet<>();
        List<String> subpluginFiles = new ArrayList<>();
        for (String f : files) {
            if (f.endsWith("/version.php")) {
                dirs.add(f.substring(0, f.length() - "/version.php".length()));
            }
            if (f.endsWith("/db/subplugins.json")) {
                subpluginFiles.add(f);
            }
        }
        String webRoot = release.publicLayout() ? "public/" : "";
        Map<String, String> types = new HashMap<>();
        read(release, "lib/components.json").or(() -> read(release, "public/lib/components.json")).ifPresent(root ->
                root.path("plugintypes").fields().forEachRemaining(e -> types.put(e.getKey(), trim(e.getValue().asText()))));
        for (String f : subpluginFiles) {
            String pluginDir = f.substring(0, f.length() - "/db/subplugins.json".length());
            read(release, f).ifPresent(root -> {
                if (root.path("subplugintypes").isObject()) {
                    root.path("subplugintypes").fields().forEachRemaining(e -> types.put(e.getKey(), pluginDir + "/" + trim(e.getValue().asText())));
                } else {
                    root.path("plugintypes").fields().forEachRemaining(e -> {
                        String folder = trim(e.getValue().asText());
                        types.put(e.getKey(), folder.startsWith(webRoot) ? folder : webRoot + folder);
                    });
                }
            });
        }
        Set<String> out = new HashSet<>();
        types.forEach((type, folder) -> {
            String prefix = folder + "/";
            for (String d : dirs) {
                if (d.startsWith(prefix) && d.indexOf('/', prefix.length()) < 0) {
                    out.add(type + "_" + d.substring(prefix.length()));
                }
            }
        });
        read(release, "lib/plugins.json").or(() -> read(release, "public/lib/plugins.json")).ifPresent(root -> {
            for (String section : List.of("standard", "deprecated")) {
                root.path(section).fields().forEachRemaining(e -> e.getValue().forEach(n -> out.add(e.getKey() + "_" + n.asText())));
            }
        });
        return out;
    }

    private static Optional<JsonNode> read(ResolvedRelease release, String path) {
        return release.core().readFile(release.commit(), path).flatMap(text -> {
            try {
                return Optional.of(JSON.readTree(text));
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    private static String trim(String folder) {
        String f = folder.replace('\\', '/');
        while (f.endsWith("/")) {
            f = f.substring(0, f.length() - 1);
        }
        return f;
    }
}
