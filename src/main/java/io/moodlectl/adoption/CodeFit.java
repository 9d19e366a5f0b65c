package io.moodlectl.adoption;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a dump's versions compare with the code that will run it: core and every plugin. Moodle refuses code older than
 * its database (and a plugin in the database without its code leaves a broken site), so both are refused here, before
 * anything is created; newer code means upgrade.php runs after the dump is loaded.
 *
 * @param coreOlder       the code's core version is below the database's
 * @param missing         add-ons in the database whose code is neither in the core tree nor in the site file
 * @param olderAddOns     add-ons the site file pins at a version below the database's ("component: code X < database Y")
 * @param upgradeExpected code newer than the database somewhere (core or a site-file add-on, or an add-on not yet installed)
 */
public record CodeFit(BigDecimal codeVersion, BigDecimal databaseVersion, boolean coreOlder, List<String> missing,
                      List<String> olderAddOns, boolean upgradeExpected) {

    /**
     * @param codePlugins plugins the core tree holds ({@link CodeTree}); null: unknown, none is called missing
     * @param addOns      the site file's add-ons with the versions their version.php declare
     */
    public static CodeFit of(DumpContents dump, BigDecimal codeVersion, Set<String> codePlugins, Map<String, BigDecimal> addOns) {
        List<String> missing = new ArrayList<>();
        List<String> older = new ArrayList<>();
        for (Map.Entry<String, BigDecimal> p : dump.plugins().entrySet()) {
            String c = p.getKey();
            BigDecimal have = addOns.get(c);
            if (have == null) {
                if (codePlugins != null && !codePlugins.contains(c)) {
                    missing.add(c + " " + p.getValue().toPlainString());
                }
            } else if (have.compareTo(p.getValue()) < 0) {
                older.add(c + ": the site file's code is " + have.toPlainString() + ", the database " + p.getValue().toPlainString());
            }
        }
        boolean coreOlder = codeVersion.compareTo(dump.version()) < 0;
        boolean newer = codeVersion.compareTo(dump.version()) > 0
                || addOns.entrySet().stream().anyMatch(a -> !dump.plugins().containsKey(a.getKey())
                || a.getValue().compareTo(dump.plugins().get(a.getKey())) > 0);
        return new CodeFit(codeVersion, dump.version(), coreOlder, List.copyOf(missing), List.copyOf(older), newer);
    }

    /**
     * REFUSED naming every mismatch at once: code older than the database (with the tags that match the database, if
     * any), add-ons missing from the site file, add-ons pinned too old.
     */
    public void requireFits(String ref, List<String> matchingTags) {
        List<String> problems = new ArrayList<>();
        List<String> hints = new ArrayList<>();
        if (coreOlder) {
            problems.add("the code (" + ref + ", version " + codeVersion.toPlainString() + ") is older than the database (version "
                    + databaseVersion.toPlainString() + "): Moodle refuses to run on a database of a later release");
            hints.add(matchingTags.isEmpty()
                    ? "set moodle.ref to a release at version " + databaseVersion.toPlainString() + " or later"
                    : "set moodle.ref to " + String.join(" or ", matchingTags) + " (the database's release in the repository)");
        }
        if (!missing.isEmpty()) {
            problems.add("add-on plugins in the database but not in the site file (their code would be missing): "
                    + String.join(", ", missing));
            hints.add("add each under plugins: in the site file ({component, repository, ref} or {component, zip}),"
                    + " at the version the old site runs or later");
        }
        if (!olderAddOns.isEmpty()) {
            problems.add("add-ons older than the database: " + String.join("; ", olderAddOns));
            hints.add("pin those add-ons at the version the old site runs, or later");
        }
        if (!problems.isEmpty()) {
            throw new MoodlectlException(ExitCode.REFUSED, "the site file's code does not fit the dump:\n  "
                    + String.join("\n  ", problems), String.join("; ", hints) + "; nothing was created");
        }
    }
}
