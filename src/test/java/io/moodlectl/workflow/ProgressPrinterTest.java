package io.moodlectl.workflow;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressPrinterTest {
    @Test
    void printsStartOutputAndEndOfEachStep() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressPrinter p = new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        p.stepStarted("op", 1, "snapshot", "Snapshot the live environment");
        p.stepOutput("op", 1, "created");
        p.stepFinished("op", 1, StepStatus.OK, Duration.ofMillis(1500));
        p.stepStarted("op", 2, "quiet", null);
        p.stepFinished("op", 2, StepStatus.FAILED, Duration.ZERO);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("""
                [1] snapshot: Snapshot the live environment
                    | created
                [1] snapshot OK (1.5 s)
                [2] quiet
                [2] quiet FAILED (0.0 s)
                """);
    }

    @Test
    void outputCanBeLeftOut() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressPrinter p = new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        p.stepStarted("op", 1, "a", "A");
        p.stepOutput("op", 1, "noise");
        p.stepFinished("op", 1, StepStatus.OK, Duration.ofSeconds(2));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("noise").contains("[1] a OK (2.0 s)");
    }
}
