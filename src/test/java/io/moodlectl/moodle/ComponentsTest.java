package io.moodlectl.moodle;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ComponentsTest {
    private final Components classic = Components.read(Samples.path("tree-45"));
    private final Components public51 = Components.read(Samples.path("tree-51"));

    @Test
    void mapsComponentsToFolders() {
        assertThat(classic.folderFor("mod_forum")).isEqualTo(Path.of("mod/forum"));
        assertThat(classic.folderFor("local_x")).isEqualTo(Path.of("local/x"));
        assertThat(classic.folderFor("block_x")).isEqualTo(Path.of("blocks/x"));
        assertThat(classic.folderFor("tool_x")).isEqualTo(Path.of("admin/tool/x"));
        assertThat(classic.folderFor("format_my_weeks")).isEqualTo(Path.of("course/format/my_weeks"));
    }

    @Test
    void findsSubPluginTypesThroughTheParentsSubpluginsJson() {
        assertThat(classic.folderFor("assignsubmission_file")).isEqualTo(Path.of("mod/assign/submission/file"));
        assertThat(classic.pluginTypes()).containsEntry("assignsubmission", "mod/assign/submission");
    }

    @Test
    void in51FoldersAreUnderPublicAndOldStyleSubpluginsFollow() {
        assertThat(public51.folderFor("mod_forum")).isEqualTo(Path.of("public/mod/forum"));
        assertThat(public51.folderFor("assignsubmission_file")).isEqualTo(Path.of("public/mod/assign/submission/file"));
    }

    @Test
    void anUnknownTypeOrAMalformedNameIsInvalidInput() {
        for (String bad : List.of("nosuch_x", "forum", "mod_", "_x")) {
            assertThatThrownBy(() -> classic.folderFor(bad)).as(bad).isInstanceOfSatisfying(MoodlectlException.class,
                    e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT));
        }
    }

    @Test
    void listsInstalledPluginsWithVersions() {
        assertThat(classic.plugins()).extracting(InstalledPlugin::component).containsExactly(
                "assignsubmission_file", "assignsubmission_onlinetext", "block_html", "local_extra", "mod_assign",
                "mod_forum", "tool_dataprivacy");
    }

    @Test
    void addOnsAreThePluginsNotInPluginsJson() {
        List<InstalledPlugin> addOns = Components.addOns(Samples.path("tree-45"));
        assertThat(addOns).singleElement().satisfies(p -> {
            assertThat(p.component()).isEqualTo("local_extra");
            assertThat(p.folder()).isEqualTo(Path.of("local/extra"));
            assertThat(p.version().version()).isEqualByComparingTo("2024111200");
            assertThat(p.version().supported()).containsExactly(404, 405);
        });
        assertThat(public51.addOns()).extracting(InstalledPlugin::component).containsExactly("local_extra");
        assertThat(public51.addOns().get(0).folder()).isEqualTo(Path.of("public/local/extra"));
    }

    @Test
    void aTreeWithoutComponentsJsonIsNotFound() {
        assertThatThrownBy(() -> Components.read(Samples.path("tree-45/mod"))).isInstanceOfSatisfying(MoodlectlException.class,
                e -> assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_FOUND));
    }
}
