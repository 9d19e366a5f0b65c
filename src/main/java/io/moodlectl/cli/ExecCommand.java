package io.moodlectl.cli;

import io.moodlectl.host.Host;
import io.moodlectl.site.SiteService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

@Command(name = "exec", description = "Run a command in a site's web container as the web user (e.g. -- php admin/cli/checks.php).")
final class ExecCommand implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(index = "0", paramLabel = "NAME")
    String name;
    @Option(names = "--env", paramLabel = "live|staging|standby|ID", description = "Which environment (default live).")
    String env;
    @Parameters(index = "1..*", paramLabel = "ARGS", description = "The command, after --.")
    List<String> args = List.of();

    @Override
    public Integer call() {
        MoodlectlCommand root = (MoodlectlCommand) spec.root().userObject();
        Console console = new Console(spec.commandLine().getOut(), spec.commandLine().getErr(), root.json, root.quiet);
        try (Host host = new Host(io.moodlectl.host.StateDir.resolve(root.stateDir), io.moodlectl.workflow.ProgressListener.NONE)) {
            StringBuilder all = new StringBuilder();
            int code = new SiteService(host).exec(name, env, args, line -> {
                all.append(line).append('\n');
                if (!console.json()) {
                    console.out().println(line);
                    console.out().flush();
                }
            });
            if (console.json()) {
                console.result(java.util.Map.of("site", name, "exitCode", code, "output", all.toString()), o -> { });
            }
            return code;
        }
    }
}
