package io.moodlectl.workflow;

/**
 * Where an operation stands. {@link #INTERRUPTED} is never written: it is what a {@link #RUNNING} operation is reported
 * as when the process that ran it is gone (killed, crashed, power lost).
 */
public enum OperationStatus {
    RUNNING, SUCCEEDED, FAILED, REVERTED, INTERRUPTED;

    public boolean finished() {
        return this != RUNNING;
    }
}
