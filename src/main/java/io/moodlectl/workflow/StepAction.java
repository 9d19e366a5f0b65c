package io.moodlectl.workflow;

/** What a step does. Anything it throws fails the step (and, unless caught by the caller, the operation). */
@FunctionalInterface
public interface StepAction<T> {
    T run(StepContext ctx) throws Exception;
}
