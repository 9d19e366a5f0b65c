package io.moodlectl.moodle;

import io.moodlectl.error.MoodlectlException;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginVersionTest {

    @Test
    void readsEveryField() {
        PluginVersion p = PluginVersion.parse(Samples.text("plugin-version-full.php"));
        assertThat(p.component()).isEqualTo("local_reports");
        assertThat(p.version()).isEqualByComparingTo("2024111200");
        assertThat(p.requires()).isEqualByComparingTo("2024100700");
        assertThat(p.maturity()).isEqualTo(Maturity.RC);
        assertThat(p.release()).isEqualTo("v2.3.1");
        assertThat(p.supported()).containsExactly(404, 405);
        assertThat(p.incompatible()).isEqualTo(406);
        assertThat(p.dependencies()).extracting(PluginVersion.Dependency::component).containsExactly("mod_forum", "local_y");
        assertThat(p.dependencies().get(0).minimumVersion()).isEqualByComparingTo("2024100700");
        assertThat(p.dependencies().get(1).anyVersion()).isTrue();
    }

    @Test
    void readsTheOldArraySyntaxAndDefaultsAbsentFields() {
        PluginVersion p = PluginVersion.parse(Samples.text("plugin-version-legacy.php"));
        assertThat(p.component()).isEqualTo("block_legacy");
        assertThat(p.dependencies()).containsExactly(new PluginVersion.Dependency("mod_quiz", new BigDecimal("2022112800")));
        assertThat(p.maturity()).isNull();
        assertThat(p.maturityIfDeclared()).isEmpty();
        assertThat(p.supported()).isEmpty();
        assertThat(p.incompatible()).isNull();
        assertThat(p.supportsBranch(500)).isTrue();
    }

    @Test
    void decidesBranchSupportAndRequires() {
        PluginVersion p = PluginVersion.parse(Samples.text("plugin-version-full.php"));
        assertThat(p.supportsBranch(403)).isFalse();
        assertThat(p.supportsBranch(404)).isTrue();
        assertThat(p.supportsBranch(405)).isTrue();
        assertThat(p.supportsBranch(406)).isFalse();
        assertThat(p.requiresMetBy(new BigDecimal("2024100706.00"))).isTrue();
        assertThat(p.requiresMetBy(new BigDecimal("2024042203.07"))).isFalse();
    }

    @Test
    void incompatibleAloneExcludesThatBranchAndLater() {
        PluginVersion p = PluginVersion.parse("<?php $plugin->version = 1; $plugin->incompatible = 405;");
        assertThat(p.supportsBranch(404)).isTrue();
        assertThat(p.supportsBranch(405)).isFalse();
        assertThat(p.supportsBranch(501)).isFalse();
    }

    @Test
    void checksDependencies() {
        PluginVersion.Dependency exact = new PluginVersion.Dependency("mod_x", new BigDecimal("2024100700"));
        PluginVersion.Dependency any = new PluginVersion.Dependency("local_y", null);
        assertThat(exact.satisfiedBy(new BigDecimal("2024100700"))).isTrue();
        assertThat(exact.satisfiedBy(new BigDecimal("2024010100"))).isFalse();
        assertThat(exact.satisfiedBy(null)).isFalse();
        assertThat(any.satisfiedBy(BigDecimal.ONE)).isTrue();
        assertThat(any.satisfiedBy(null)).isFalse();
    }

    @Test
    void refusesAFileWithoutVersion() {
        assertThatThrownBy(() -> PluginVersion.parse("<?php $plugin->component = 'x_y';"))
                .isInstanceOf(MoodlectlException.class).hasMessageContaining("$plugin->version");
    }
}
