package io.moodlectl.upgrade;

import io.moodlectl.moodle.CoreVersion;
import io.moodlectl.moodle.Maturity;
import io.moodlectl.moodle.Requirements;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The PHP part of the preflight: which image generation a target release can run on. */
class UpgradeCheckTest {
    private static Requirements php(String major, String min) {
        return new Requirements(major, "4.4", min, Map.of("mariadb", "10.11.0"), List.of(), Map.of());
    }

    private static CoreVersion core(String major, int branch) {
        return new CoreVersion(new BigDecimal("2026100500.00"), major + " (Build: 20261005)", branch, Maturity.STABLE);
    }

    @Test
    void aTargetThatNeedsANewerPhpMovesToTheGenerationThatHasIt() {
        List<CheckResult.Problem> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String gen = UpgradeCheck.pickGeneration("php8.2", core("5.3", 503), php("5.3", "8.3.0"), problems, notes);
        assertThat(gen).isEqualTo("php8.4");
        assertThat(problems).isEmpty();
        assertThat(notes).anyMatch(n -> n.contains("php8.4"));
    }

    @Test
    void aTargetWhosePhpNoGenerationHasIsRefused() {
        List<CheckResult.Problem> problems = new ArrayList<>();
        String gen = UpgradeCheck.pickGeneration("php8.2", core("5.3", 503), php("5.3", "8.5.0"), problems, new ArrayList<>());
        assertThat(gen).isEqualTo("php8.2");
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo("php");
            assertThat(p.message()).contains("8.5.0");
        });
    }

    @Test
    void theCurrentGenerationStaysWhenItFits() {
        List<CheckResult.Problem> problems = new ArrayList<>();
        assertThat(UpgradeCheck.pickGeneration("php8.2", core("4.5", 405), php("4.5", "8.1.0"), problems, new ArrayList<>()))
                .isEqualTo("php8.2");
        assertThat(problems).isEmpty();
    }
}
