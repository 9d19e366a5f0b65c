package io.moodlectl.moodle;

import java.nio.file.Path;

/** A plugin found in a code tree: its component ({@code mod_forum}), folder relative to the code root, and version.php. */
public record InstalledPlugin(String component, Path folder, PluginVersion version) {
}
