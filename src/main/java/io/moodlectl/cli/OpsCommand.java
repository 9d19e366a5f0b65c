package io.moodlectl.cli;

import io.moodlectl.error.MoodlectlException;
import io.moodlectl.host.Host;
import io.moodlectl.record.OperationDiff;
import io.moodlectl.record.OperationExport;
import io.moodlectl.workflow.OperationRecord;
import io.moodlectl.workflow.StepRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

@Command(name = "ops", description = "Operations journal: list, show, export as a Jupyter notebook or Markdown.",
        subcommands = {OpsCommand.ListOps.class, OpsCommand.Show.class, OpsCommand.Export.class, OpsCommand.Abandon.class,
                OpsRecoveryCommands.Resume.class, OpsRecoveryCommands.Abort.class, OpsRecoveryCommands.Guard.class, OpsCommand.Diff.class})
final class OpsCommand {

    static OperationRecord find(Host host, String id) {
        return host.journal().operation(id).orElseThrow(() -> MoodlectlException.notFound("no operation " + id,
                "list them with `moodlectl ops list`"));
    }

    @Command(name = "list", description = "List operations, newest first.")
    static final class ListOps extends Verb {
        @Option(names = "--site", paramLabel = "NAME", description = "Only this site's.")
        String site;
        @Option(names = "--limit", defaultValue = "30", description = "At most this many (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        protected void execute() {
            try (Host host = openHost()) {
                List<OperationRecord> ops = host.journal().operations(site, limit);
                console().result(ops, out -> {
                    Table t = new Table("ID", "KIND", "SITE", "STATUS", "STARTED", "TOOK");
                    for (OperationRecord o : ops) {
                        t.row(o.id(), o.kind(), o.site(), o.status(), o.started(),
                                o.ended() == null ? "-" : Console.seconds(Duration.between(o.started(), o.ended())));
                    }
                    t.print(out);
                });
            }
        }
    }

    @Command(name = "show", description = "Show an operation's steps: commands, status, output.")
    static final class Show extends Verb {
        @Parameters(paramLabel = "ID", description = "Operation id (or a unique prefix).")
        String id;

        @Override
        protected void execute() {
            try (Host host = openHost()) {
                OperationRecord op = find(host, id);
                List<StepRecord> steps = host.journal().steps(op.id());
                console().result(Map.of("operation", op, "steps", steps), out -> {
                    out.println(op.id() + "  " + op.kind() + " " + op.site() + "  " + op.status());
                    if (op.summary() != null) {
                        out.println("  " + op.summary());
                    }
                    op.facts().forEach((k, v) -> out.println("  " + k + ": " + v));
                    if (op.error() != null) {
                        out.println("  error: " + op.error());
                    }
                    for (StepRecord s : steps) {
                        String took = s.ended() == null ? "" : " (" + Console.seconds(Duration.between(s.started(), s.ended())) + ")";
                        out.println(String.format("%3d %-8s %s%s", s.seq(), s.status(), s.name(), took));
                        if (s.command() != null && !s.command().isBlank()) {
                            out.println("      $ " + s.command());
                        }
                    }
                });
            }
        }
    }

    @Command(name = "export", description = "Export an operation as a Jupyter notebook (.ipynb) or Markdown runbook.")
    static final class Export extends Verb {
        @Parameters(paramLabel = "ID")
        String id;
        @Option(names = "--format", defaultValue = "ipynb", paramLabel = "ipynb|md", description = "Default ${DEFAULT-VALUE}.")
        String format;
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here (default: stdout).")
        Path output;

        @Override
        protected void execute() throws IOException {
            if (!format.equals("ipynb") && !format.equals("md")) {
                throw MoodlectlException.invalid("unknown format " + format, "use --format ipynb or --format md");
            }
            try (Host host = openHost()) {
                OperationRecord op = find(host, id);
                List<StepRecord> steps = host.journal().steps(op.id());
                String text = format.equals("ipynb") ? OperationExport.toNotebook(op, steps) : OperationExport.toMarkdown(op, steps);
                if (output == null) {
                    console().out().print(text);
                    console().out().flush();
                } else {
                    Files.writeString(output, text);
                    console().result(Map.of("operation", op.id(), "file", output.toString()),
                            out -> out.println("wrote " + output));
                }
            }
        }
    }

    @Command(name = "abandon", description = "Close an interrupted operation (its process died) as FAILED, after you have checked what it left.")
    static final class Abandon extends Verb {
        @Parameters(paramLabel = "ID")
        String id;
        @Option(names = "--reason", defaultValue = "checked by an admin", description = "Why (kept in the journal).")
        String reason;

        @Override
        protected void execute() {
            try (Host host = openHost()) {
                OperationRecord op = host.journal().abandon(find(host, id).id(), reason);
                console().result(op, out -> out.println(op.id() + " closed as " + op.status()
                        + "; what it created is listed by `moodlectl ops show " + op.id() + "`"));
            }
        }
    }

    @Command(name = "diff", description = "Compare two operations step by step (e.g. a stage against the promote): "
            + "statuses, exit codes, durations and their ratio, commands that differ, steps only in one.")
    static final class Diff extends Verb {
        @Parameters(index = "0", paramLabel = "A", description = "Operation id (or a unique prefix), e.g. the rehearsal.")
        String a;
        @Parameters(index = "1", paramLabel = "B", description = "Operation id (or a unique prefix), e.g. the promotion.")
        String b;

        @Override
        protected void execute() {
            try (Host host = openHost()) {
                OperationRecord opA = find(host, a);
                OperationRecord opB = find(host, b);
                OperationDiff d = OperationDiff.compare(opA, host.journal().steps(opA.id()), opB,
                        host.journal().steps(opB.id()));
                console().result(d, out -> print(out, d));
            }
        }

        static void print(java.io.PrintWriter out, OperationDiff d) {
            out.println("A: " + d.a().id() + "  " + d.a().kind() + "  " + d.a().status() + seconds(" ", d.a().seconds()));
            out.println("B: " + d.b().id() + "  " + d.b().kind() + "  " + d.b().status() + seconds(" ", d.b().seconds()));
            Table t = new Table("STEP", "A", "B", "A TOOK", "B TOOK", "B/A", "EXIT A/B", "COMMAND");
            for (OperationDiff.Row r : d.steps()) {
                t.row(r.name(), r.a() == null ? "(absent)" : r.a().status(), r.b() == null ? "(absent)" : r.b().status(),
                        r.a() == null ? null : seconds("", r.a().seconds()), r.b() == null ? null : seconds("", r.b().seconds()),
                        r.ratio() == null ? null : String.format(java.util.Locale.ROOT, "%.2f", r.ratio()),
                        exit(r.a()) + "/" + exit(r.b()), r.in().equals("both") ? (r.commandDiffers() ? "differs" : "same") : "");
            }
            t.print(out);
            out.println(d.matched() + " step(s) in both, " + d.onlyInA() + " only in A, " + d.onlyInB() + " only in B, "
                    + d.commandsDiffer() + " with different commands");
            for (OperationDiff.Row r : d.steps()) {
                if (r.commandDiffers()) {
                    out.println("\n" + r.name() + ":");
                    out.println("  A $ " + String.valueOf(r.a().command()).replace("\n", "\n      "));
                    out.println("  B $ " + String.valueOf(r.b().command()).replace("\n", "\n      "));
                }
            }
        }

        private static String seconds(String prefix, Double s) {
            return s == null ? prefix + "(unfinished)" : prefix + String.format(java.util.Locale.ROOT, "%.1f s", s);
        }

        private static String exit(OperationDiff.Step s) {
            return s == null || s.exitCode() == null ? "-" : s.exitCode().toString();
        }
    }
}
