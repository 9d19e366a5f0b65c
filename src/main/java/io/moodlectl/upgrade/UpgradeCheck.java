package io.moodlectl.upgrade;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.host.Host;
import io.moodlectl.moodle.CoreVersion;
import io.moodlectl.moodle.EnvironmentXml;
import io.moodlectl.moodle.VersionNumbers;
import io.moodlectl.release.ReleaseResolver;
import io.moodlectl.release.ResolvedRelease;
import io.moodlectl.runtime.images.Generation;
import io.moodlectl.site.Environment;
import io.moodlectl.site.EnvironmentFactory;
import io.moodlectl.site.SiteService;
import io.moodlectl.site.SiteSpec;
import io.moodlectl.site.SiteState;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Preflight of an upgrade, as Moodle itself would judge it, before anything is copied: the target exists; it is not a
 * downgrade; the live release meets the target's {@code requires} (admin/environment.xml); PHP and database versions
 * meet its minimums (choosing the image generation whose PHP fits); add-ons fit; the pool has room.
 */
public final class UpgradeCheck {
    /** Room kept free in the pool beyond the estimate. */
    static final long MARGIN = 256L << 20;
    private final Host host;

    public UpgradeCheck(Host host) {
        this.host = host;
    }

    /** The check and the resolved target release (for stage/promote to use). */
    public record Checked(CheckResult result, ResolvedRelease release, SiteSpec target) {
    }

    public Checked check(SiteSpec current, SiteState state, SiteSpec target) {
        Environment live = SiteService.select(state, "live");
        EnvironmentFactory factory = new EnvironmentFactory(host, current);
        Path liveVolume = factory.volumePath(live);
        CoreVersion from = CoreVersion.read(liveVolume.resolve("code"));
        BigDecimal dbVersion = liveDatabaseVersion(factory, live).orElse(from.version());
        ResolvedRelease release = new ReleaseResolver(host.state().cache().resolve("git")).resolveCore(target);
        CoreVersion to = release.version();
        List<CheckResult.Problem> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();

        if (to.version().compareTo(dbVersion) < 0) {
            problems.add(new CheckResult.Problem("downgrade", "Moodle " + to.releaseNumber() + " (" + to.version().toPlainString()
                    + ") is older than the live site's " + from.releaseNumber() + " (" + dbVersion.toPlainString()
                    + "): Moodle refuses downgrades", "pick a ref at or above " + from.releaseNumber()
                    + "; to go back, use `moodlectl rollback` or `moodlectl snapshot restore`"));
        } else if (to.version().compareTo(dbVersion) == 0) {
            notes.add("the core version does not change; add-ons, settings and images may");
        }
        Optional<io.moodlectl.moodle.Requirements> req = release.core().readFile(release.commit(), "admin/environment.xml")
                .or(() -> release.core().readFile(release.commit(), "public/admin/environment.xml"))
                .flatMap(xml -> {
                    EnvironmentXml x = EnvironmentXml.parse(xml);
                    return x.majors().contains(to.major()) ? Optional.of(x.requirementsFor(to.major())) : Optional.empty();
                });
        String generation = current.images().generation();
        if (req.isEmpty()) {
            notes.add("admin/environment.xml of the target has no entry for " + to.major() + ": requirements not checked");
        } else {
            io.moodlectl.moodle.Requirements r = req.get();
            if (r.requires() != null && !r.upgradeAllowedFrom(from.releaseNumber())) {
                problems.add(new CheckResult.Problem("skipped-version", "Moodle " + to.releaseNumber() + " must be reached from "
                        + r.requires() + " or later; the live site runs " + from.releaseNumber(),
                        "upgrade to an intermediate release first (at least " + r.requires() + "), then to " + to.releaseNumber()));
            }
            generation = pickGeneration(generation, to, r, problems, notes);
            String engineVendor = current.database().equals("postgres") ? "postgres" : "mariadb";
            Optional<String> dbMin = r.databaseMinimum(engineVendor);
            Optional<String> dbHave = liveServerVersion(factory, live);
            if (dbMin.isPresent() && dbHave.isPresent() && !VersionNumbers.databaseMeetsMinimum(dbHave.get(), dbMin.get())) {
                problems.add(new CheckResult.Problem("database-too-old", engineVendor + " " + dbHave.get() + " is below the "
                        + dbMin.get() + " that Moodle " + to.major() + " requires",
                        "move the site to a newer database first (images: {generation: php8.4} has a newer " + engineVendor + ")"));
            }
        }
        try {
            ReleaseResolver.checkPlugins(release, new ReleaseResolver(host.state().cache().resolve("git")).standardPlugins(release));
        } catch (MoodlectlException e) {
            problems.add(new CheckResult.Problem("plugin", e.getMessage(), e.hint()));
        }
        long needed = neededBytes(liveVolume);
        long free = host.storage().usage().freeBytes();
        if (needed > free) {
            problems.add(new CheckResult.Problem("space", "the upgrade may need " + (needed >> 20) + " MiB in the pool, "
                    + (free >> 20) + " MiB are free", "free space (moodlectl site tidy, delete snapshots) or grow the pool"));
        }
        CheckResult result = new CheckResult(current.name(),
                new CheckResult.Side(live.ref(), live.commit(), from.release(), dbVersion.toPlainString(), from.branch()),
                new CheckResult.Side(target.moodle().ref(), release.commit(), to.release(), to.version().toPlainString(), to.branch()),
                current.images().generation(), generation, needed, free, notes, problems);
        return new Checked(result, release, target);
    }

    /** The generation whose PHP fits the target: the current one if it can, else another that can. */
    static String pickGeneration(String current, CoreVersion to, io.moodlectl.moodle.Requirements r,
                                         List<CheckResult.Problem> problems, List<String> notes) {
        Generation cur = Generation.parse(current);
        if (fits(cur, to, r)) {
            return current;
        }
        for (Generation g : Generation.values()) {
            if (g != cur && fits(g, to, r)) {
                notes.add("Moodle " + to.major() + " needs PHP " + r.phpMinimum() + "+; the site moves from " + cur.id()
                        + " to the " + g.id() + " images (PHP " + g.phpVersion() + ")");
                return g.id();
            }
        }
        problems.add(new CheckResult.Problem("php", "no image generation has a PHP that Moodle " + to.major()
                + " accepts (needs " + r.phpMinimum() + (maxPhp(to) == null ? "" : ", at most " + maxPhp(to)) + ")",
                "pick a Moodle release that runs on PHP 8.2 or 8.4"));
        return current;
    }

    private static boolean fits(Generation g, CoreVersion to, io.moodlectl.moodle.Requirements r) {
        if (r.phpMinimum() != null && !VersionNumbers.isAtLeast(g.phpVersion(), r.phpMinimum())) {
            return false;
        }
        String max = maxPhp(to);
        return max == null || VersionNumbers.compareReleases(g.phpVersion(), max) <= 0;
    }

    private static String maxPhp(CoreVersion to) {
        try {
            return io.moodlectl.moodle.ReleaseCalendar.load().phpRange(to.major()).maximum();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** What the upgrade may write: the database, the new code (twice: prepared + swapped), a share of moodledata, a margin. */
    static long neededBytes(Path liveVolume) {
        long db = io.moodlectl.site.FileTrees.size(liveVolume.resolve("db"));
        long code = io.moodlectl.site.FileTrees.size(liveVolume.resolve("code"));
        long data = io.moodlectl.site.FileTrees.size(liveVolume.resolve("moodledata"));
        return db + 2 * code + data / 10 + MARGIN;
    }

    private Optional<BigDecimal> liveDatabaseVersion(EnvironmentFactory factory, Environment live) {
        try {
            var rows = factory.engine().query(host.runtime(), live.dbContainer(factory.spec().name()), factory.credentials(),
                    "SELECT value FROM " + factory.spec().prefix() + "config WHERE name = 'version'");
            return rows.isEmpty() ? Optional.empty() : Optional.of(new BigDecimal(rows.get(0).get(0).trim()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private Optional<String> liveServerVersion(EnvironmentFactory factory, Environment live) {
        try {
            return Optional.of(factory.engine().serverVersion(host.runtime(), live.dbContainer(factory.spec().name())));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Throws REFUSED listing every problem (for stage and promote). */
    public static void requireOk(CheckResult r) {
        if (!r.ok()) {
            StringBuilder sb = new StringBuilder("the upgrade of " + r.site() + " to " + r.to().release() + " is refused:");
            for (CheckResult.Problem p : r.problems()) {
                sb.append("\n  - ").append(p.message());
            }
            throw new MoodlectlException(ExitCode.REFUSED, sb.toString(),
                    r.problems().get(0).hint() + (r.problems().size() > 1 ? " (details: moodlectl check " + r.site() + ")" : ""));
        }
    }
}
