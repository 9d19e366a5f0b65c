package io.moodlectl.workflow;

/** Where a step stands. {@code REVERTED}/{@code REVERT_FAILED} are the statuses of the "revert: …" steps. */
public enum StepStatus {
    RUNNING, OK, FAILED, REVERTED, REVERT_FAILED, SKIPPED
}
