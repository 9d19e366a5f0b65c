package io.moodlectl.workflow;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One operation as journaled. {@code site}, {@code summary}, {@code ended} and {@code error} may be null; {@code facts}
 * keep the order in which they were recorded.
 */
public record OperationRecord(String id, String kind, String site, String summary, OperationStatus status,
                              Instant started, Instant ended, String error, long pid, Map<String, String> facts) {
    public OperationRecord {
        facts = facts == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(facts));
    }

    /** From start to end, or null while it has no end. */
    public Duration took() {
        return started == null || ended == null ? null : Duration.between(started, ended);
    }
}
