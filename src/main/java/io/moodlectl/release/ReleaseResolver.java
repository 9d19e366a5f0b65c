package io.moodlectl.release;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.moodle.CoreVersion;
import io.moodlectl.moodle.PluginVersion;
import io.moodlectl.site.SiteSpec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Pins a site file's release to commits and checks, before anything is created, that each add-on fits the core:
 * its {@code requires}, {@code supported} range, {@code incompatible} branch and {@code dependencies}.
 */
public final class ReleaseResolver {
    private final Path gitCache;

    public ReleaseResolver(Path gitCache) {
        this.gitCache = gitCache;
    }

    /** The release with its add-ons resolved, without the add-on checks (the upgrade preflight reports those). */
    public ResolvedRelease resolveCore(SiteSpec spec) {
        GitMirror core = GitMirror.sync(spec.moodle().repository(), gitCache);
        String commit = core.resolve(spec.moodle().ref());
        // Moodle 5.1 moved the web files, version.php among them, under public/
        String versionPhp = core.readFile(commit, "version.php").or(() -> core.readFile(commit, "public/version.php")).orElseThrow(() -> MoodlectlException.invalid(
                spec.moodle().repository() + " at " + spec.moodle().ref() + " has no version.php: is it a Moodle tree?",
                "point moodle.repository at Moodle's code (its root holds version.php and config-dist.php)"));
        CoreVersion version = CoreVersion.parse(versionPhp);
        boolean publicLayout = core.readFile(commit, "public/index.php").isPresent();
        List<ResolvedRelease.ResolvedPlugin> plugins = new ArrayList<>();
        for (SiteSpec.PluginSource p : spec.plugins()) {
            plugins.add(resolvePlugin(p));
        }
        return new ResolvedRelease(spec.moodle().ref(), core, commit, version, publicLayout, List.copyOf(plugins));
    }

    /** The release, refused (REFUSED) if an add-on does not fit the core. */
    public ResolvedRelease resolve(SiteSpec spec) {
        ResolvedRelease release = resolveCore(spec);
        checkPlugins(release, standardPlugins(release));
        return release;
    }

    public Set<String> standardPlugins(ResolvedRelease release) {
        return standardPlugins(release.core(), release.commit());
    }

    private ResolvedRelease.ResolvedPlugin resolvePlugin(SiteSpec.PluginSource p) {
        if (p.fromGit()) {
            GitMirror m = GitMirror.sync(p.repository(), gitCache);
            String commit = m.resolve(p.ref());
            String text = m.readFile(commit, "version.php").orElseThrow(() -> MoodlectlException.invalid(
                    p.component() + ": " + p.repository() + " at " + p.ref() + " has no version.php at its root",
                    "a plugin repository holds the plugin's folder contents (version.php at its root)"));
            return new ResolvedRelease.ResolvedPlugin(p, m, commit, checkComponent(p, PluginVersion.parse(text)));
        }
        try (ZipFile zip = new ZipFile(p.zip().toFile())) {
            ZipEntry e = zip.stream().filter(z -> z.getName().matches("[^/]+/version\\.php")).findFirst()
                    .orElseThrow(() -> MoodlectlException.invalid(p.zip() + " holds no <plugin>/version.php",
                            "use the plugin's zip as the Moodle plugins directory serves it (one top folder)"));
            try (InputStream in = zip.getInputStream(e)) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return new ResolvedRelease.ResolvedPlugin(p, null, null, checkComponent(p, PluginVersion.parse(text)));
            }
        } catch (IOException e) {
            throw MoodlectlException.invalid("cannot read " + p.zip() + ": " + e.getMessage(), "check the zip file");
        }
    }

    private static PluginVersion checkComponent(SiteSpec.PluginSource p, PluginVersion v) {
        if (v.component() != null && !v.component().equals(p.component())) {
            throw MoodlectlException.invalid("the site file says " + p.component() + " but its version.php declares "
                    + v.component(), "correct the component name in the site file");
        }
        return v;
    }

    private static Set<String> standardPlugins(GitMirror core, String commit) {
        Optional<String> json = core.readFile(commit, "lib/plugins.json").or(() -> core.readFile(commit, "public/lib/plugins.json"));
        if (json.isEmpty()) {
            return Set.of();
        }
        try {
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.get()).path("standard");
            Set<String> names = new java.util.HashSet<>();
            node.fields().forEachRemaining(e -> e.getValue().forEach(n -> names.add(e.getKey() + "_" + n.asText())));
            return names;
        } catch (IOException e) {
            return Set.of();
        }
    }

    /** Refuses add-ons the core can't take; the message names each problem and what to do. */
    public static void checkPlugins(ResolvedRelease release, Set<String> standard) {
        CoreVersion core = release.version();
        Map<String, PluginVersion> addOns = release.plugins().stream()
                .collect(Collectors.toMap(p -> p.source().component(), ResolvedRelease.ResolvedPlugin::version));
        List<String> problems = new ArrayList<>();
        for (ResolvedRelease.ResolvedPlugin p : release.plugins()) {
            PluginVersion v = p.version();
            String c = p.source().component();
            if (v.requires() != null && v.requires().compareTo(core.version()) > 0) {
                problems.add(c + " requires Moodle " + v.requires().toPlainString() + " but the core is "
                        + core.version().toPlainString() + " (" + core.releaseNumber() + ")");
            }
            if (v.supported().size() == 2 && !v.supportsBranch(core.branch())) {
                problems.add(c + " supports branches " + v.supported().get(0) + "–" + v.supported().get(1)
                        + " but the core is branch " + core.branch());
            }
            if (v.incompatible() != null && core.branch() >= v.incompatible()) {
                problems.add(c + " is incompatible with branch " + v.incompatible() + " and later (core is " + core.branch() + ")");
            }
            for (PluginVersion.Dependency d : v.dependencies()) {
                String dep = d.component();
                PluginVersion have = addOns.get(dep);
                if (have == null && !standard.contains(dep)) {
                    problems.add(c + " depends on " + dep + ", which is neither an add-on in the site file nor part of Moodle");
                } else if (have != null && !d.satisfiedBy(have.version())) {
                    problems.add(c + " needs " + dep + " " + d.minimumVersion().toPlainString() + " or later, the site file pins "
                            + have.version().toPlainString());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new MoodlectlException(ExitCode.REFUSED, "add-ons that don't fit Moodle " + core.releaseNumber() + ":\n  "
                    + String.join("\n  ", problems),
                    "pin a plugin version made for this Moodle branch (its version.php `requires`/`supported`), or remove it");
        }
    }
}
