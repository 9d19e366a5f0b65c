package io.moodlectl.record;

import io.moodlectl.workflow.Journal;
import io.moodlectl.workflow.OperationRecord;
import io.moodlectl.workflow.StepRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The automatic records: every operation's notebook ({@code <id>.ipynb}) and Markdown runbook ({@code <id>.md}) in the
 * state directory's {@code records/}, rewritten after every journal write of the operation (write to a temporary file,
 * then rename), so a running, failed or killed operation is readable at any moment. Install with
 * {@link #attach(Journal)}.
 */
public final class OperationRecords {
    private final Path dir;

    public OperationRecords(Path dir) {
        this.dir = dir;
    }

    /** Rewrites the records of each operation the journal changes from now on. */
    public void attach(Journal journal) {
        journal.onChange(id -> refresh(journal, id));
    }

    public Path notebook(String operationId) {
        return dir.resolve(operationId + ".ipynb");
    }

    public Path markdown(String operationId) {
        return dir.resolve(operationId + ".md");
    }

    /** The notebook of this operation, if it has one. */
    public Optional<Path> existingNotebook(String operationId) {
        Path p = notebook(operationId);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** Writes both records of the operation as the journal has it now (nothing if it is not in the journal). */
    public synchronized void refresh(Journal journal, String operationId) {
        Optional<OperationRecord> op = journal.operation(operationId);
        if (op.isEmpty() || !op.get().id().equals(operationId)) {
            return;
        }
        List<StepRecord> steps = journal.steps(operationId);
        write(notebook(operationId), OperationExport.toNotebook(op.get(), steps));
        write(markdown(operationId), OperationExport.toMarkdown(op.get(), steps));
    }

    /** A unique temporary file renamed over the target: a reader sees the old record or the new, never half of one. */
    private void write(Path target, String content) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, content);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
