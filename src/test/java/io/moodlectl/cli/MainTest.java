package io.moodlectl.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {
    private String out;
    private String err;

    private int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8), args);
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    @Test
    void helpListsEveryVerbAndTheExitCodes() {
        assertThat(run("--help")).isZero();
        assertThat(out).contains("host", "images", "site", "exec", "snapshot", "releases", "check", "stage", "promote",
                "rollback", "ops");
        assertThat(out).contains("Exit codes:").contains(" 0  success").contains(" 2  usage error").contains("13  ");
    }

    @Test
    void everyVerbHasItsOwnHelp() {
        assertThat(run("site", "destroy", "--help")).isZero();
        assertThat(out).contains("Usage: moodlectl site destroy");
        assertThat(run("site", "-h")).isZero();
        assertThat(out).contains("create");
        assertThat(run("promote", "--help")).isZero();
        assertThat(out).contains("--watch");
    }

    @Test
    void versionIsPrinted() {
        assertThat(run("--version")).isZero();
        assertThat(out).startsWith("moodlectl ");
    }

    @Test
    void unknownVerbsAndOptionsAreUsageErrors() {
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err).contains("frobnicate").contains("what to do");
        assertThat(run("site", "create", "--no-such-option")).isEqualTo(2);
        assertThat(run("site", "create")).as("missing -f").isEqualTo(2);
    }

    @Test
    void aMissingSiteFileIsNotFound() {
        assertThat(run("--state-dir", "/tmp/mctl-maintest-" + ProcessHandle.current().pid(), "site", "create", "-f", "/nonexistent/site.yaml"))
                .isEqualTo(7);
        assertThat(err).contains("cannot read site file");
    }

    @Test
    void jsonErrorsGoToStdout() {
        assertThat(run("--state-dir", "/tmp/mctl-maintest-" + ProcessHandle.current().pid(), "--json", "ops", "show", "nope")).isEqualTo(7);
        assertThat(out).contains("\"exitCode\" : 7");
    }
}
