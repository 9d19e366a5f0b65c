package io.moodlectl.cli;

import io.moodlectl.error.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

@Command(name = "moodlectl", mixinStandardHelpOptions = true, versionProvider = MoodlectlCommand.Version.class,
        description = "Build Moodle sites on copy-on-write storage, rehearse upgrades, promote them blue-green, "
                + "roll back in seconds; every operation journaled and exportable as a notebook.",
        subcommands = {HostCommand.class, ImagesCommand.class, SiteCommand.class, ExecCommand.class,
                SnapshotCommand.class, ReleasesCommand.class, UpgradeCommands.Check.class, UpgradeCommands.Stage.class,
                UpgradeCommands.Promote.class, UpgradeCommands.Rollback.class, BackupCommand.class, OpsCommand.class, CommandLine.HelpCommand.class})
public final class MoodlectlCommand implements Runnable {

    @Option(names = "--json", scope = CommandLine.ScopeType.INHERIT, description = "Print results as JSON on stdout.")
    boolean json;

    @Option(names = "--state-dir", scope = CommandLine.ScopeType.INHERIT, paramLabel = "DIR",
            description = "State directory (default: /var/lib/moodlectl as root, ~/.local/share/moodlectl otherwise; "
                    + "or $MOODLECTL_STATE_DIR).")
    Path stateDir;

    @Option(names = {"-q", "--quiet"}, scope = CommandLine.ScopeType.INHERIT, description = "No progress on stderr.")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new MoodlectlCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setUsageHelpLongOptionsMaxWidth(28);
        cl.setUsageHelpWidth(110);
        List<String> footer = new ArrayList<>();
        footer.add("%nExit codes:");
        for (ExitCode c : ExitCode.values()) {
            footer.add(String.format("  %2d  %s", c.code(), c.meaning()));
        }
        cl.getCommandSpec().usageMessage().footer(footer.toArray(new String[0]));
        cl.setExitCodeExceptionMapper(ErrorRenderer::exitCode);
        cl.setExecutionExceptionHandler(new ErrorRenderer());
        cl.setParameterExceptionHandler(new UsageErrorRenderer());
        addHelpOption(cl);
        return cl;
    }

    /** {@code -h/--help} on every verb (`moodlectl site destroy --help`), as on the root. */
    private static void addHelpOption(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            CommandLine.Model.CommandSpec s = sub.getCommandSpec();
            if (s.findOption("--help") == null && !(sub.getCommand() instanceof CommandLine.HelpCommand)) {
                s.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                        .description("Show this help message and exit.").build());
            }
            addHelpOption(sub);
        }
    }

    /** Reads the version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = MoodlectlCommand.class.getPackage().getImplementationVersion();
            return new String[]{"moodlectl " + (v == null ? "development" : v)};
        }
    }
}
