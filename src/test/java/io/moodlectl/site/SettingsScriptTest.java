package io.moodlectl.site;

import io.moodlectl.shell.ShellCommand;
import io.moodlectl.shell.ShellResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SettingsScriptTest {
    private static ShellResult run(List<String> lines) {
        return ShellCommand.of("sh", "-c", SiteService.settingsScript(lines)).run();
    }

    @Test
    void runsEveryCommandEchoingEachAndToleratesForcedSettings() {
        ShellResult r = run(List.of("echo one", "sh -c 'exit 4'", "echo 'two words'"));
        assertThat(r.exitCode()).isZero();
        assertThat(r.output().lines().toList()).containsExactly("$ echo one", "one", "$ sh -c 'exit 4'",
                "  (forced in config.php: left as it is)", "$ echo 'two words'", "two words");
    }

    @Test
    void stopsAtTheFirstFailureWithItsExitCode() {
        ShellResult r = run(List.of("echo one", "sh -c 'exit 3'", "echo never"));
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.output()).contains("$ sh -c 'exit 3'").doesNotContain("never");
    }
}
