package io.moodlectl.workflow;

/**
 * Where an operation stands. An interrupted operation is closed as {@link #ABORTED} (`ops abort` reverted it),
 * {@link #RESUMED} (`ops resume` finished it) or {@link #FAILED} (`ops abandon`), each by a new operation that records
 * what it did. {@link #INTERRUPTED} is never written: it is what a {@link #RUNNING} operation is reported
 * as when the process that ran it is gone (killed, crashed, power lost).
 */
public enum OperationStatus {
    RUNNING, SUCCEEDED, FAILED, REVERTED, INTERRUPTED, ABORTED, RESUMED;

    public boolean finished() {
        return this != RUNNING;
    }
}
