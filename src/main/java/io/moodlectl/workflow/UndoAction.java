package io.moodlectl.workflow;

/** Undoes a completed step, given what the step returned; it may run commands through {@code ctx}. */
@FunctionalInterface
public interface UndoAction<T> {
    void undo(T result, StepContext ctx) throws Exception;
}
