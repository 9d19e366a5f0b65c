package io.moodlectl.moodle;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CoreVersionTest {

    @Test
    void readsAStableRelease() {
        CoreVersion v = CoreVersion.parse(Samples.text("core-version-4.5.6.php"));
        assertThat(v.version()).isEqualByComparingTo("2024100706.00");
        assertThat(v.release()).isEqualTo("4.5.6 (Build: 20250811)");
        assertThat(v.branch()).isEqualTo(405);
        assertThat(v.maturity()).isEqualTo(Maturity.STABLE);
        assertThat(v.releaseNumber()).isEqualTo("4.5.6");
        assertThat(v.major()).isEqualTo("4.5");
        assertThat(v.isStable()).isTrue();
    }

    @Test
    void toleratesSpacingDoubleQuotesAndCommentedOutAssignments() {
        CoreVersion v = CoreVersion.parse(Samples.text("core-version-odd.php"));
        assertThat(v.version()).isEqualByComparingTo("2024042203.07");
        assertThat(v.release()).isEqualTo("4.4.3+ (Build: 20240823)");
        assertThat(v.branch()).isEqualTo(404);
        assertThat(v.releaseNumber()).isEqualTo("4.4.3+");
        assertThat(v.major()).isEqualTo("4.4");
    }

    @Test
    void readsMaturityOfAPreRelease() {
        CoreVersion v = CoreVersion.parse(Samples.text("core-version-beta.php"));
        assertThat(v.maturity()).isEqualTo(Maturity.BETA);
        assertThat(v.maturity().code()).isEqualTo(100);
        assertThat(v.maturity().needsAllowUnstable()).isTrue();
        assertThat(v.major()).isEqualTo("5.1");
    }

    @Test
    void ordersByVersionNumber() {
        CoreVersion v44 = CoreVersion.parse(Samples.text("core-version-odd.php"));
        CoreVersion v45 = CoreVersion.parse(Samples.text("core-version-4.5.6.php"));
        assertThat(v44).isLessThan(v45);
        assertThat(v45.compareTo(new CoreVersion(new BigDecimal("2024100706"), "x", 405, Maturity.STABLE))).isZero();
    }

    @Test
    void mapsBranchesAndMajorsBothWays() {
        assertThat(CoreVersion.majorOfBranch(39)).isEqualTo("3.9");
        assertThat(CoreVersion.majorOfBranch(311)).isEqualTo("3.11");
        assertThat(CoreVersion.majorOfBranch(400)).isEqualTo("4.0");
        assertThat(CoreVersion.majorOfBranch(501)).isEqualTo("5.1");
        assertThat(CoreVersion.branchOfMajor("3.9")).isEqualTo(39);
        assertThat(CoreVersion.branchOfMajor("3.11")).isEqualTo(311);
        assertThat(CoreVersion.branchOfMajor("4.5")).isEqualTo(405);
        assertThat(CoreVersion.branchOfMajor("5.0")).isEqualTo(500);
    }

    @Test
    void readsVersionPhpAtTheCodeRoot() {
        assertThat(CoreVersion.read(Samples.path("tree-45")).releaseNumber()).isEqualTo("4.5.6");
        assertThat(CoreVersion.read(Samples.path("tree-51")).major()).isEqualTo("5.1");
    }

    @Test
    void aFolderWithoutVersionPhpIsNotFound(@TempDir Path empty) {
        assertThatThrownBy(() -> CoreVersion.read(empty))
                .isInstanceOfSatisfying(MoodlectlException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_FOUND));
    }

    @Test
    void aPluginVersionPhpIsNotACoreOne() {
        assertThatThrownBy(() -> CoreVersion.parse(Samples.text("plugin-version-full.php")))
                .isInstanceOfSatisfying(MoodlectlException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT));
    }
}
