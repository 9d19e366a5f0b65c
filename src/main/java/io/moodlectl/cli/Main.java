package io.moodlectl.cli;

import java.io.PrintStream;
import java.io.PrintWriter;

/** Entry point. {@link #run} lets tests drive the CLI without a process. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    public static int run(PrintStream out, PrintStream err, String... args) {
        PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true);
        return MoodlectlCommand.commandLine(o, e).execute(args);
    }
}
