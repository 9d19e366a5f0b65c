package io.moodlectl.release;

import io.moodlectl.host.Host;
import io.moodlectl.host.HostService;
import io.moodlectl.moodle.CoreVersion;
import io.moodlectl.moodle.ReleaseCalendar;
import io.moodlectl.site.SiteSpec;
import io.moodlectl.site.SiteStore;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** `moodlectl releases`: Moodle's calendar, and for each site how long its branch is supported and what is newer. */
public final class ReleasesService {
    private static final Pattern TAG = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+)");
    private final Host host;

    public ReleasesService(Host host) {
        this.host = host;
    }

    public record SiteReleases(String site, String release, String branch, String securityEnds, Long securityDaysLeft,
                               List<String> newerTags, String advice) {
    }

    public record Result(List<io.moodlectl.moodle.BranchSupport> calendar, List<SiteReleases> sites) {
    }

    public Result releases(LocalDate today) {
        ReleaseCalendar cal = ReleaseCalendar.load();
        List<SiteReleases> sites = new ArrayList<>();
        SiteStore store = new SiteStore(host.state());
        for (String name : HostService.siteNames(host.state())) {
            var state = store.get(name);
            var live = state.live();
            if (live.isEmpty()) {
                continue;
            }
            SiteSpec spec = store.spec(name);
            var code = host.storage().root().resolve(live.get().volume(name)).resolve("code");
            CoreVersion v = CoreVersion.read(code);
            var branch = cal.forMajor(v.major());
            List<String> newer = newerTags(host, spec, v);
            String advice = newer.isEmpty() ? "up to date within " + v.major()
                    : newer.get(0).replaceFirst("^v", "") + " is available, you run " + v.releaseNumber();
            sites.add(new SiteReleases(name, v.release(), v.major(), branch.map(b -> b.securityEnd().toString()).orElse(null),
                    branch.map(b -> ChronoUnit.DAYS.between(today, b.securityEnd())).orElse(null), newer, advice));
        }
        return new Result(cal.branches(), sites);
    }

    /** Tags of the site's repository in the same major as {@code current} and newer, newest first (no network). */
    public static List<String> newerTags(Host host, SiteSpec spec, CoreVersion current) {
        var mirror = GitMirror.cached(spec.moodle().repository(), host.state().cache().resolve("git"));
        if (mirror.isEmpty()) {
            return List.of();
        }
        int[] cur = parse(current.releaseNumber());
        List<String> out = new ArrayList<>();
        for (String t : mirror.get().tags()) {
            Matcher m = TAG.matcher(t);
            if (!m.matches() || cur == null) {
                continue;
            }
            int[] v = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
            if (v[0] == cur[0] && v[1] == cur[1] && v[2] > cur[2]) {
                out.add(t);
            }
        }
        out.sort(Comparator.comparing((String t) -> parse(t)[2]).reversed());
        return out;
    }

    private static int[] parse(String s) {
        Matcher m = Pattern.compile("v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?").matcher(s);
        if (!m.lookingAt()) {
            return null;
        }
        return new int[]{Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3) == null ? 0 : Integer.parseInt(m.group(3))};
    }
}
