package io.moodlectl.cli;

import io.moodlectl.host.Host;
import io.moodlectl.site.SnapshotService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "snapshot", description = "Site versions: read-only snapshots of the live environment.",
        subcommands = {SnapshotCommand.Create.class, SnapshotCommand.ListSnapshots.class, UpgradeCommands.Restore.class,
                SnapshotCommand.Delete.class})
final class SnapshotCommand {

    @Command(name = "create", description = "Snapshot the live environment (code, moodledata and database together).")
    static final class Create extends Verb {
        @Parameters(paramLabel = "NAME")
        String site;
        @Option(names = "--name", paramLabel = "SNAPSHOT", description = "Its name (default: the date and time).")
        String name;

        @Override
        protected void execute() {
            try (Host host = openHost()) {
                var s = new SnapshotService(host).create(site, name);
                console().result(s, out -> out.println("snapshot " + s.name() + " of " + site + " (" + s.volume() + ")"));
            }
        }
    }

    @Command(name = "list", description = "List a site's snapshots.")
    static final class ListSnapshots extends Verb {
        @Parameters(paramLabel = "NAME")
        String site;

        @Override
        protected void execute() {
            try (Host host = openHost()) {
                var all = new SnapshotService(host).list(site);
                console().result(all, out -> {
                    Table t = new Table("SNAPSHOT", "CREATED", "READ-ONLY");
                    all.forEach(s -> t.row(s.name(), s.created(), s.readOnly() ? "yes" : "no"));
                    t.print(out);
                });
            }
        }
    }

    @Command(name = "delete", description = "Delete a snapshot.")
    static final class Delete extends Verb {
        @Parameters(index = "0", paramLabel = "NAME")
        String site;
        @Parameters(index = "1", paramLabel = "SNAPSHOT")
        String snapshot;

        @Override
        protected void execute() {
            try (Host host = openHost()) {
                new SnapshotService(host).delete(site, snapshot);
                console().result(java.util.Map.of("site", site, "deleted", snapshot), out -> out.println("deleted " + snapshot));
            }
        }
    }
}
