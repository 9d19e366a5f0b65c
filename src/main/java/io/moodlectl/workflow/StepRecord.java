package io.moodlectl.workflow;

import java.time.Duration;
import java.time.Instant;

/**
 * One step as journaled: {@code seq} counts from 1 in the order steps started (revert steps included). {@code command}
 * is the shell-equivalent line (may be null), {@code output} what the step printed (never null), {@code exitCode} and
 * {@code ended} may be null.
 */
public record StepRecord(String operationId, int seq, String name, String description, String command,
                         StepStatus status, String output, Integer exitCode, Instant started, Instant ended) {

    /** From start to end, or null while it has no end. */
    public Duration took() {
        return started == null || ended == null ? null : Duration.between(started, ended);
    }
}
