package io.moodlectl.workflow;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.shell.ShellCommand;
import io.moodlectl.shell.ShellResult;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * One run of a procedure, made of journaled steps, with a revert stack (as in Incus): each completed step's undo is
 * pushed; if the operation is closed without {@link #succeed()}, the undos run in reverse order, each journaled as its
 * own step "revert: &lt;name&gt;".
 *
 * <pre>{@code
 * try (Operation op = runner.begin("stage", "demo", "stage release 4.5.6")) {
 *     Volume v = op.run(Step.named("clone").describe("…").action(ctx -> …).undo(vol -> …));
 *     op.run(Step.named("upgrade").sh(ShellCommand.of("php", "admin/cli/upgrade.php", "--non-interactive")));
 *     op.fact("downtime", "9.8 s");
 *     op.succeed();
 * }
 * }</pre>
 * Use from one thread at a time (a step's action may call {@link StepContext#output} from other threads).
 */
public final class Operation implements AutoCloseable {
    /** How often a running step's output is written to the journal while it runs (it always is when it ends). */
    private static final Duration OUTPUT_FLUSH = Duration.ofSeconds(1);
    /** How much of a failed command's output an error message quotes. */
    private static final int ERROR_OUTPUT_CHARS = 600;

    private final Journal journal;
    private final ProgressListener progress;
    private final Clock clock;
    private final String id;
    private final String kind;
    private final Deque<Undo> revertStack = new ArrayDeque<>();
    private int lastSeq;
    private boolean succeeded;
    private boolean closed;
    private boolean keepOnFailure;
    private String error;

    private record Undo(String name, String description, String command, UndoAction<Object> action, Object result) {
    }

    Operation(Journal journal, ProgressListener progress, Clock clock, String id, String kind) {
        this.journal = journal;
        this.progress = progress;
        this.clock = clock;
        this.id = id;
        this.kind = kind;
    }

    /** Readable and sortable: start time (UTC), kind and site, e.g. "20261202-141503-promote-demo". */
    public String id() {
        return id;
    }

    public String kind() {
        return kind;
    }

    /**
     * Runs a step: journals it RUNNING (with its description and command) before, runs it, journals OK or FAILED
     * (output, exit code, end) after. On success its undo (if any) goes on the revert stack and its result is
     * returned; on failure the error is recorded for the operation and rethrown (a {@link MoodlectlException} keeps
     * its exit code; anything else becomes a FAILED one).
     */
    public <T> T run(Step<T> step) {
        ensureOpen();
        if (step.action() == null) {
            throw new IllegalArgumentException("step " + step.name() + " has no action");
        }
        StepRun ctx = begin(step.name(), step.description(), step.command());
        FaultInjection.killIfRequested(kind, step.name(), "before");
        T result;
        try {
            FaultInjection.failIfRequested(kind, step.name());
            result = step.action().run(ctx);
        } catch (Throwable e) {
            ctx.finish(StepStatus.FAILED, e);
            if (error == null) {
                error = step.name() + ": " + message(e);
            }
            if (e instanceof Error err) {
                throw err;
            }
            throw rethrown(step.name(), e);
        }
        ctx.finish(StepStatus.OK, null);
        FaultInjection.killIfRequested(kind, step.name(), "after");
        if (step.undoAction() != null) {
            @SuppressWarnings("unchecked")
            UndoAction<Object> undo = (UndoAction<Object>) step.undoAction();
            push(new Undo(step.name(), step.description(), null, undo, result));
        }
        return result;
    }

    /** Journals a step that was not needed (e.g. "no settings to apply"), with the reason as its output. */
    public void skip(String name, String description, String reason) {
        ensureOpen();
        StepRun ctx = begin(name, description, null);
        if (reason != null) {
            ctx.output(reason);
        }
        ctx.finish(StepStatus.SKIPPED, null);
    }

    /** Pushes an extra undo on the revert stack (journaled as "revert: &lt;description&gt;" if it runs). */
    public void onRevert(String description, Runnable undo) {
        ensureOpen();
        push(new Undo(description, description, null, (r, ctx) -> undo.run(), null));
    }

    /** Pushes a whole step as an undo: its action, description and command are journaled as "revert: &lt;name&gt;". */
    public void onRevert(Step<?> undoStep) {
        ensureOpen();
        if (undoStep.action() == null) {
            throw new IllegalArgumentException("undo step " + undoStep.name() + " has no action");
        }
        StepAction<?> action = undoStep.action();
        push(new Undo(undoStep.name(), undoStep.description(), undoStep.command(), (r, ctx) -> action.run(ctx), null));
    }

    /** Records a fact shown by {@code ops show} (e.g. "downtime" → "9.8 s"); a later value replaces an earlier one. */
    public void fact(String key, String value) {
        journal.putFact(id, key, value);
    }

    /** Marks the operation SUCCEEDED and drops the revert stack. */
    public void succeed() {
        ensureOpen();
        if (succeeded) {
            return;
        }
        journal.finishOperation(id, OperationStatus.SUCCEEDED, clock.instant(), null);
        synchronized (revertStack) {
            revertStack.clear();
        }
        error = null;
        succeeded = true;
    }

    /** Records why the operation failed (the first error recorded is the one reported). */
    public void fail(Throwable cause) {
        if (error == null && cause != null) {
            error = message(cause);
        }
    }

    /** On failure, revert nothing and record FAILED (the failed environment is kept for inspection). */
    public void keepOnFailure() {
        keepOnFailure = true;
    }

    /**
     * If the operation did not succeed: runs the revert stack in reverse (each undo journaled as "revert: &lt;name&gt;",
     * REVERTED or REVERT_FAILED; a failing undo is recorded and the others still run), then records REVERTED (there was
     * something to undo and all of it was undone) or FAILED, with the error. Nothing is reverted after
     * {@link #keepOnFailure()}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (succeeded) {
            return;
        }
        if (error == null) {
            error = "the operation stopped before it succeeded";
        }
        if (keepOnFailure) {
            journal.finishOperation(id, OperationStatus.FAILED, clock.instant(), error + " (kept for inspection)");
            return;
        }
        int undone = 0;
        List<String> failedUndos = new ArrayList<>();
        while (true) {
            Undo u;
            synchronized (revertStack) {
                u = revertStack.pollFirst();
            }
            if (u == null) {
                break;
            }
            String name = "revert: " + u.name();
            StepRun ctx = begin(name, u.description() == null ? null : "Undo: " + u.description(), u.command());
            FaultInjection.killIfRequested(kind, name, "before");
            try {
                FaultInjection.failIfRequested(kind, name);
                u.action().undo(u.result(), ctx);
                ctx.finish(StepStatus.REVERTED, null);
                undone++;
            } catch (Throwable e) {
                ctx.finish(StepStatus.REVERT_FAILED, e);
                failedUndos.add(u.name() + " (" + message(e) + ")");
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (e instanceof VirtualMachineError vme) {
                    journal.finishOperation(id, OperationStatus.FAILED, clock.instant(), error);
                    throw vme;
                }
            }
        }
        OperationStatus status = undone > 0 && failedUndos.isEmpty() ? OperationStatus.REVERTED : OperationStatus.FAILED;
        String recorded = failedUndos.isEmpty() ? error
                : error + "; could not undo: " + String.join("; ", failedUndos);
        journal.finishOperation(id, status, clock.instant(), recorded);
    }

    // ---------------------------------------------------------------- internals

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("operation " + id + " is closed");
        }
        if (succeeded) {
            throw new IllegalStateException("operation " + id + " has already succeeded");
        }
    }

    private void push(Undo u) {
        synchronized (revertStack) {
            revertStack.push(u);
        }
    }

    private synchronized int nextSeq() {
        return ++lastSeq;
    }

    /** Journals the before-record (durable when this returns) and tells the listener. */
    private StepRun begin(String name, String description, String command) {
        int seq = nextSeq();
        Instant start = clock.instant();
        journal.insertStep(id, seq, name, description, command, StepStatus.RUNNING, start);
        StepRun run = new StepRun(seq, start, command);
        safely(() -> progress.stepStarted(id, seq, Redactor.redact(name), Redactor.redact(description)));
        return run;
    }

    private RuntimeException rethrown(String stepName, Throwable e) {
        if (e instanceof MoodlectlException m) {
            String redacted = Redactor.redact(m.getMessage());
            // hints may name "<id>": this operation's id, known only here
            String hint = m.hint() == null ? null : Redactor.redact(m.hint()).replace("<id>", id);
            if (java.util.Objects.equals(redacted, m.getMessage()) && java.util.Objects.equals(hint, m.hint())) {
                return m;
            }
            return new MoodlectlException(m.exitCode(), redacted, hint, m);
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new MoodlectlException(ExitCode.FAILED, "step " + stepName + " was interrupted",
                    "see `moodlectl ops show " + id + "`", e);
        }
        return new MoodlectlException(ExitCode.FAILED, "step " + stepName + " failed: " + message(e),
                "see `moodlectl ops show " + id + "`", e);
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        return Redactor.redact(m == null || m.isBlank() ? e.toString() : m);
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException ignored) {
            // a progress display must never break an operation
        }
    }

    /** The context of one running step: collects its command, output and exit code, and journals them. */
    private final class StepRun implements StepContext {
        private final int seq;
        private final Instant start;
        private final boolean commandDeclared;
        private final StringBuilder output = new StringBuilder();
        private String command;
        private Integer exitCode;
        private Instant lastFlush;
        private MoodlectlException shFailure;
        private boolean finished;

        StepRun(int seq, Instant start, String declaredCommand) {
            this.seq = seq;
            this.start = start;
            this.command = declaredCommand;
            this.commandDeclared = declaredCommand != null;
            this.lastFlush = start;
        }

        @Override
        public String operationId() {
            return id;
        }

        @Override
        public void output(String text) {
            if (text == null) {
                return;
            }
            String redacted = Redactor.redact(text);
            String[] lines = redacted.split("\n", -1);
            int n = redacted.endsWith("\n") ? lines.length - 1 : lines.length;
            boolean flush;
            synchronized (this) {
                for (int i = 0; i < n; i++) {
                    output.append(lines[i]).append('\n');
                }
                Instant now = clock.instant();
                flush = !finished && Duration.between(lastFlush, now).compareTo(OUTPUT_FLUSH) >= 0;
                if (flush) {
                    lastFlush = now;
                }
            }
            for (int i = 0; i < n; i++) {
                String line = lines[i];
                safely(() -> progress.stepOutput(id, seq, line));
            }
            if (flush) {
                save();
            }
        }

        @Override
        public synchronized void command(String shellLine) {
            command = shellLine;
        }

        @Override
        public synchronized void exitCode(int code) {
            exitCode = code;
        }

        @Override
        public ShellResult sh(ShellCommand cmd) {
            String line = cmd.toShellString();
            synchronized (this) {
                if (!commandDeclared) {
                    command = command == null || command.isBlank() ? line : command + "\n" + line;
                }
            }
            save(); // the command is on record before it runs
            ShellResult r = cmd.run();
            String out = r.output();
            if (out != null && !out.isEmpty()) {
                output(out);
            }
            exitCode(r.exitCode());
            if (!r.ok()) {
                String tail = out == null ? "" : out.strip();
                if (tail.length() > ERROR_OUTPUT_CHARS) {
                    tail = "…" + tail.substring(tail.length() - ERROR_OUTPUT_CHARS);
                }
                MoodlectlException e = new MoodlectlException(ExitCode.FAILED,
                        Redactor.redact(line + " exited " + r.exitCode() + (tail.isEmpty() ? "" : ": " + tail)),
                        "see `moodlectl ops show " + id + "` for the whole output");
                synchronized (this) {
                    shFailure = e;
                }
                throw e;
            }
            return r;
        }

        private void save() {
            String c;
            String o;
            Integer x;
            synchronized (this) {
                c = command;
                o = output.toString();
                x = exitCode;
            }
            journal.updateStep(id, seq, c, o, x);
        }

        void finish(StepStatus status, Throwable e) {
            String c;
            String o;
            Integer x;
            synchronized (this) {
                if (e != null && e != shFailure) {
                    output.append("error: ").append(message(e)).append('\n');
                }
                finished = true;
                c = command;
                o = output.toString();
                x = exitCode;
            }
            Instant end = clock.instant();
            journal.finishStep(id, seq, status, c, o, x, end);
            safely(() -> progress.stepFinished(id, seq, status, Duration.between(start, end)));
        }
    }
}
