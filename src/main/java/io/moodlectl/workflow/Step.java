package io.moodlectl.workflow;

import io.moodlectl.shell.ShellCommand;
import io.moodlectl.shell.ShellResult;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * One step of an operation, as data: a short name ("create-volume"), a sentence saying what it does, the
 * shell-equivalent command shown in the journal and notebook, what it does, and how to undo it. Immutable: each
 * method returns a new step.
 *
 * <pre>{@code
 * Volume v = op.run(Step.named("create-volume")
 *         .describe("Create the pool volume for the staging copy")
 *         .command("btrfs subvolume create /pool/demo-green")
 *         .action(ctx -> storage.createVolume("demo-green"))
 *         .undo(vol -> storage.deleteVolume(vol)));
 * }</pre>
 */
public final class Step<T> {
    private final String name;
    private final String description;
    private final String command;
    private final StepAction<T> action;
    private final UndoAction<T> undo;
    /** The undo ignores the result (set with {@link #undo(Runnable)}), so it survives a change of action. */
    private final boolean untypedUndo;

    private Step(String name, String description, String command, StepAction<T> action, UndoAction<T> undo,
                 boolean untypedUndo) {
        this.name = name;
        this.description = description;
        this.command = command;
        this.action = action;
        this.undo = undo;
        this.untypedUndo = untypedUndo;
    }

    public static Step<Void> named(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a step needs a name");
        }
        return new Step<>(name, null, null, null, null, false);
    }

    /** A human sentence saying what the step does. */
    public Step<T> describe(String text) {
        return new Step<>(name, text, command, action, undo, untypedUndo);
    }

    /** The shell-equivalent command shown in the journal and notebook (the action may refine it). */
    public Step<T> command(String shellLine) {
        return new Step<>(name, description, shellLine, action, undo, untypedUndo);
    }

    @SuppressWarnings("unchecked")
    public <R> Step<R> action(StepAction<R> newAction) {
        Objects.requireNonNull(newAction, "action");
        if (undo != null && !untypedUndo) {
            throw new IllegalStateException("step " + name + ": set the action before an undo that takes its result");
        }
        return new Step<>(name, description, command, newAction, (UndoAction<R>) undo, untypedUndo);
    }

    /** Runs {@code cmd} as the step's action (its shell line is recorded unless {@link #command} was given). */
    public Step<ShellResult> sh(ShellCommand cmd) {
        Objects.requireNonNull(cmd, "cmd");
        return action(ctx -> ctx.sh(cmd));
    }

    /** Undoes the step once it has succeeded, if a later step fails. */
    public Step<T> undo(Runnable undoAction) {
        Objects.requireNonNull(undoAction, "undo");
        return new Step<>(name, description, command, action, (r, ctx) -> undoAction.run(), true);
    }

    /** Undoes the step given what it returned. */
    public Step<T> undo(Consumer<T> undoAction) {
        Objects.requireNonNull(undoAction, "undo");
        return new Step<>(name, description, command, action, (r, ctx) -> undoAction.accept(r), false);
    }

    /** Undoes the step given what it returned, with a context to record the undo's commands and output. */
    public Step<T> undoWith(UndoAction<T> undoAction) {
        Objects.requireNonNull(undoAction, "undo");
        return new Step<>(name, description, command, action, undoAction, false);
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public String command() {
        return command;
    }

    StepAction<T> action() {
        return action;
    }

    UndoAction<T> undoAction() {
        return undo;
    }

    @Override
    public String toString() {
        return "Step[" + name + "]";
    }
}
