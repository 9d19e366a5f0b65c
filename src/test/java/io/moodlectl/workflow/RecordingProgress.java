package io.moodlectl.workflow;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A progress listener that remembers what it heard, one string per event. */
final class RecordingProgress implements ProgressListener {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void stepStarted(String operationId, int seq, String name, String description) {
        events.add("started " + seq + " " + name + " | " + description);
    }

    @Override
    public void stepOutput(String operationId, int seq, String line) {
        events.add("output " + seq + " " + line);
    }

    @Override
    public void stepFinished(String operationId, int seq, StepStatus status, Duration took) {
        events.add("finished " + seq + " " + status);
    }
}
