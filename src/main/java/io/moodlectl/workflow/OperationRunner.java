package io.moodlectl.workflow;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;

/** Starts operations journaled in one {@link Journal}, reporting progress to one listener. */
public final class OperationRunner {
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final Journal journal;
    private final ProgressListener progress;
    private final Clock clock;

    public OperationRunner(Journal journal, ProgressListener progress) {
        this(journal, progress, Clock.systemUTC());
    }

    OperationRunner(Journal journal, ProgressListener progress, Clock clock) {
        this.journal = Objects.requireNonNull(journal, "journal");
        this.progress = progress == null ? ProgressListener.NONE : progress;
        this.clock = clock;
    }

    /**
     * Starts an operation: journaled RUNNING with this process's pid before this returns. {@code site} may be null
     * (host-wide operations). Use it in try-with-resources and call {@link Operation#succeed()} at the end.
     */
    public Operation begin(String kind, String site, String summary) {
        Objects.requireNonNull(kind, "kind");
        Instant now = clock.instant();
        ProcessHandle self = ProcessHandle.current();
        Instant selfStarted = self.info().startInstant().orElse(null);
        String base = ID_TIME.format(now) + "-" + slug(kind) + (site == null || site.isBlank() ? "" : "-" + slug(site));
        String id = base;
        for (int n = 2; !journal.insertOperation(id, kind, site, summary, now, self.pid(), selfStarted); n++) {
            id = base + "-" + n;
        }
        return new Operation(journal, progress, clock, id, kind);
    }

    public Journal journal() {
        return journal;
    }

    static String slug(String s) {
        String out = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return out.isEmpty() ? "x" : out;
    }
}
