package io.moodlectl.cli;

import io.moodlectl.error.ExitCode;
import picocli.CommandLine;

/** Unknown verbs and options: a short message, the relevant usage, exit 2. */
final class UsageErrorRenderer implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        cl.getErr().println("moodlectl: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, cl.getErr());
        cl.getErr().println("  what to do: see `" + cl.getCommandSpec().qualifiedName() + " --help`");
        cl.getErr().flush();
        return ExitCode.USAGE.code();
    }
}
