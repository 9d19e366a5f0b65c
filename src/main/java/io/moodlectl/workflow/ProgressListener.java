package io.moodlectl.workflow;

import java.time.Duration;

/** Hears about steps as they run (the CLI prints these on stderr). Everything passed in is already redacted. */
public interface ProgressListener {
    void stepStarted(String operationId, int seq, String name, String description);

    void stepOutput(String operationId, int seq, String line);

    void stepFinished(String operationId, int seq, StepStatus status, Duration took);

    ProgressListener NONE = new ProgressListener() {
        @Override
        public void stepStarted(String operationId, int seq, String name, String description) {
        }

        @Override
        public void stepOutput(String operationId, int seq, String line) {
        }

        @Override
        public void stepFinished(String operationId, int seq, StepStatus status, Duration took) {
        }
    };
}
