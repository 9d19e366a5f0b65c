package io.moodlectl.cli;

import io.moodlectl.host.Host;
import io.moodlectl.host.HostService;
import io.moodlectl.host.HostStatus;
import io.moodlectl.runtime.images.ImageStatus;
import io.moodlectl.site.SiteService;
import io.moodlectl.storage.LoopPool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

@Command(name = "host", description = "Set up this host: the pool, the container API, the state directory.",
        subcommands = {HostCommand.Init.class, HostCommand.Status.class, HostCommand.Up.class})
final class HostCommand {

    @Command(name = "init", description = "Create the copy-on-write pool (default: a loop-file btrfs pool under the state directory).")
    static final class Init extends Verb {
        @Option(names = "--pool-dir", paramLabel = "DIR", description = "Use an existing directory (btrfs mount, XFS for reflink, or any for plain copies).")
        Path poolDir;
        @Option(names = "--pool-file", paramLabel = "FILE", description = "Create the loop-file btrfs pool here.")
        Path poolFile;
        @Option(names = "--pool-size", paramLabel = "SIZE", description = "Size of the loop file (sparse), e.g. 20G (default 20G).")
        String poolSize;
        @Option(names = "--driver", paramLabel = "btrfs|reflink|copy", description = "Require this storage driver.")
        String driver;

        @Override
        protected void execute() {
            try (Host host = openHost()) {
                var options = new HostService.PoolOptions(Optional.ofNullable(poolDir), Optional.ofNullable(poolFile),
                        Optional.ofNullable(poolSize).map(LoopPool::parseSize), Optional.ofNullable(driver));
                var result = new HostService(host).init(options);
                console().result(result, out -> {
                    result.actions().forEach(a -> out.println(a));
                    out.println((result.created() ? "initialised: " : "already initialised: ")
                            + result.config().poolRoot() + " (" + result.config().driver() + ")");
                });
            }
        }
    }

    @Command(name = "status", description = "Report the container API, the pool and the images.")
    static final class Status extends Verb {
        @Override
        protected void execute() {
            try (Host host = openHost()) {
                HostStatus s = new HostService(host).status();
                console().result(s, out -> {
                    out.println("state directory: " + s.stateDir());
                    if (s.api().reachable()) {
                        var i = s.api().info();
                        out.println("container API:   " + i.engine() + " " + i.engineVersion() + ", Docker API " + i.apiVersion() + " at " + i.endpoint());
                    } else {
                        out.println("container API:   unreachable: " + s.api().error());
                    }
                    if (s.pool() == null) {
                        out.println("pool:            not initialised (run `moodlectl host init`)");
                    } else if (!s.pool().mounted()) {
                        out.println("pool:            " + s.pool().path() + " NOT MOUNTED (run `moodlectl host up`)");
                    } else {
                        var c = s.pool().capabilities();
                        out.println("pool:            " + s.pool().path() + " (" + s.pool().driver() + "; atomic snapshot "
                                + yes(c.atomicSnapshot()) + ", instant clone " + yes(c.instantClone()) + "), "
                                + Console.bytes(s.pool().freeBytes()) + " free of " + Console.bytes(s.pool().totalBytes()));
                    }
                    out.println("images:");
                    Table t = new Table("  GENERATION", "ROLE", "TAG", "PRESENT");
                    for (ImageStatus im : s.images()) {
                        t.row("  " + im.generation().id(), im.role().name().toLowerCase(), im.tag(), yes(im.present()));
                    }
                    t.print(out);
                    out.println("sites: " + (s.sites().isEmpty() ? "none" : String.join(", ", s.sites())));
                });
            }
        }

        private static String yes(boolean b) {
            return b ? "yes" : "no";
        }
    }

    @Command(name = "up", description = "After a reboot: mount the pool, start the API service, start every site in its recorded roles.")
    static final class Up extends Verb {
        @Override
        protected void execute() {
            try (Host host = openHost()) {
                var result = new HostService(host).up(site -> {
                    List<String> actions = new java.util.ArrayList<>(new SiteService(host).startRecorded(site));
                    actions.addAll(new io.moodlectl.upgrade.Recovery(host).restoreAfterReboot(site));
                    return actions;
                });
                console().result(result, out -> result.actions().forEach(out::println));
            }
        }
    }
}
