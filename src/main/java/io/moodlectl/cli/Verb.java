package io.moodlectl.cli;

import io.moodlectl.host.Host;
import io.moodlectl.host.StateDir;
import picocli.CommandLine;

import java.util.concurrent.Callable;

/** Base of every verb: global options from the root command, the console, the host; returns the exit code. */
abstract class Verb implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private Console console;

    protected MoodlectlCommand root() {
        return (MoodlectlCommand) spec.root().userObject();
    }

    protected Console console() {
        if (console == null) {
            MoodlectlCommand r = root();
            console = new Console(spec.commandLine().getOut(), spec.commandLine().getErr(), r.json, r.quiet);
        }
        return console;
    }

    protected StateDir stateDir() {
        return StateDir.resolve(root().stateDir);
    }

    protected Host openHost() {
        return new Host(stateDir(), console().progressListener());
    }

    /** The exit code after a result was printed (a verb whose result reports a failure, e.g. `backup verify`). */
    protected int exitCode;

    @Override
    public final Integer call() throws Exception {
        execute();
        return exitCode;
    }

    protected abstract void execute() throws Exception;
}
