package io.moodlectl.cli;

import io.moodlectl.host.Host;
import io.moodlectl.release.ReleasesService;
import picocli.CommandLine.Command;

import java.time.LocalDate;

@Command(name = "releases", description = "Moodle's release calendar, and for each site its support horizon and newer releases.")
final class ReleasesCommand extends Verb {
    @Override
    protected void execute() {
        try (Host host = openHost()) {
            LocalDate today = LocalDate.now();
            var r = new ReleasesService(host).releases(today);
            console().result(r, out -> {
                Table t = new Table("BRANCH", "LTS", "RELEASED", "BUG FIXES END", "SECURITY ENDS", "");
                for (var b : r.calendar()) {
                    String mark = b.securityEnd().isBefore(today) ? "unsupported" : b.released().isAfter(today) ? "scheduled" : "";
                    t.row(b.version(), b.lts() ? "LTS" : "", b.released(), b.bugfixesEnd(), b.securityEnd(), mark);
                }
                t.print(out);
                for (var s : r.sites()) {
                    out.println();
                    out.println(s.site() + ": Moodle " + s.release() + "; security fixes until " + s.securityEnds()
                            + " (" + s.securityDaysLeft() + " days); " + s.advice());
                }
            });
        }
    }
}
