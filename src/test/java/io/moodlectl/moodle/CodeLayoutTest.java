package io.moodlectl.moodle;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodeLayoutTest {

    @Test
    void aClassicTreeServesItsRoot() {
        Path code = Samples.path("tree-45");
        assertThat(CodeLayout.detect(code)).isEqualTo(CodeLayout.CLASSIC);
        assertThat(CodeLayout.CLASSIC.documentRoot(code)).isEqualTo(code);
        assertThat(CodeLayout.CLASSIC.webPath("/login/index.php")).isEqualTo("login/index.php");
    }

    @Test
    void a51TreeServesPublic() {
        Path code = Samples.path("tree-51");
        assertThat(CodeLayout.detect(code)).isEqualTo(CodeLayout.PUBLIC);
        assertThat(CodeLayout.PUBLIC.documentRoot(code)).isEqualTo(code.resolve("public"));
        assertThat(CodeLayout.PUBLIC.webPath("login/index.php")).isEqualTo("public/login/index.php");
        assertThat(code.resolve(CodeLayout.PUBLIC.webPath("/login/index.php"))).isRegularFile();
        assertThat(EnvironmentPaths.documentRoot(CodeLayout.PUBLIC)).isEqualTo("/var/www/moodle/code/public");
        assertThat(EnvironmentPaths.documentRoot(CodeLayout.CLASSIC)).isEqualTo("/var/www/moodle/code");
    }

    @Test
    void aStrayPublicFolderInAnOldTreeIsNotThe51Layout(@TempDir Path code) throws Exception {
        Files.writeString(code.resolve("index.php"), "<?php");
        Files.createDirectories(code.resolve("public"));
        Files.writeString(code.resolve("public/index.php"), "<?php // an admin's own page");
        assertThat(CodeLayout.detect(code)).isEqualTo(CodeLayout.CLASSIC);
    }

    @Test
    void componentsJsonUnderPublicMarksThe51LayoutEvenWithLibAtTheRoot(@TempDir Path code) throws Exception {
        Files.writeString(code.resolve("index.php"), "<?php // redirects to public/");
        Files.createDirectories(code.resolve("public"));
        Files.createDirectories(code.resolve("lib"));
        Files.writeString(code.resolve("public/index.php"), "<?php");
        Files.writeString(code.resolve("lib/components.json"), "{\"plugintypes\": {\"mod\": \"public\\/mod\"}}");
        assertThat(CodeLayout.detect(code)).isEqualTo(CodeLayout.PUBLIC);
    }

    @Test
    void somethingElseIsNotAMoodleTree(@TempDir Path dir) {
        assertThatThrownBy(() -> CodeLayout.detect(dir)).isInstanceOfSatisfying(MoodlectlException.class,
                e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT));
    }
}
