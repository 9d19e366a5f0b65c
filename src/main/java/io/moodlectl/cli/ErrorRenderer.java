package io.moodlectl.cli;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns exceptions into a message on stderr (or a JSON error on stdout with --json) and an exit code. */
final class ErrorRenderer implements CommandLine.IExecutionExceptionHandler {

    static int exitCode(Throwable t) {
        if (t instanceof MoodlectlException m) {
            return m.exitCode().code();
        }
        return ExitCode.FAILED.code();
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        boolean json = parseResult.hasMatchedOption("--json")
                || parseResult.subcommands().stream().anyMatch(p -> hasJson(p));
        ExitCode code = ex instanceof MoodlectlException m ? m.exitCode() : ExitCode.FAILED;
        String message = ex instanceof MoodlectlException ? ex.getMessage() : ex.toString();
        String hint = ex instanceof MoodlectlException m ? m.hint() : "this is a bug in moodlectl; please report it with the command you ran";
        if (json) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("error", message);
            e.put("exitCode", code.code());
            e.put("kind", code.name());
            if (hint != null) {
                e.put("hint", hint);
            }
            cl.getOut().println(Json.write(Map.of("error", e)));
        }
        err.println("moodlectl: " + message);
        if (hint != null) {
            err.println("  what to do: " + hint);
        }
        if (!(ex instanceof MoodlectlException) || System.getenv("MOODLECTL_DEBUG") != null) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code.code();
    }

    private static boolean hasJson(CommandLine.ParseResult p) {
        if (p.hasMatchedOption("--json")) {
            return true;
        }
        return p.subcommands().stream().anyMatch(ErrorRenderer::hasJson);
    }
}
