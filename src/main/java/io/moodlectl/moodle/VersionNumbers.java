package io.moodlectl.moodle;

import io.moodlectl.error.MoodlectlException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares the version strings Moodle and databases print.
 *
 * <p>Moodle releases: numeric by component, missing components are 0 ("4.5" = "4.5.0"). A pre-release tag
 * ("4.5.0-beta", "4.5beta", "4.5rc2", "4.5dev") sorts before the plain release; a weekly build "4.4.3+" has the numbers
 * 4.4.3 and sorts just after "4.4.3" (it contains all of it), before "4.4.4". Build notes "(Build: …)" are ignored.
 *
 * <p>Database servers: the leading dotted number is taken: "10.11.6-MariaDB-0+deb12u1" → 10.11.6,
 * "15.8 (Debian 15.8-0+deb12u1)" → 15.8, "PostgreSQL 15.8 on x86_64…" → 15.8, and MariaDB's MySQL-protocol prefix
 * "5.5.5-10.11.6-MariaDB" → 10.11.6.
 */
public final class VersionNumbers {
    private static final Pattern RELEASE = Pattern.compile(
            "^\\s*v?(\\d+(?:\\.\\d+)*)\\s*(\\+)?\\s*[-_.]?\\s*(?:(alpha|beta|rc|dev)\\s*\\.?(\\d*))?\\s*(\\+)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DB_NUMBER = Pattern.compile("(\\d+(?:\\.\\d+)+|\\d+)");

    /** Moodle release strings in order; see the class comment. */
    public static final Comparator<String> RELEASE_ORDER = VersionNumbers::compareReleases;

    private VersionNumbers() {
    }

    /** The numeric components of a release: [4, 4, 3] for "4.4.3+ (Build: 20240823)". */
    public static List<Integer> numbers(String release) {
        return parse(release).numbers;
    }

    /** Negative, 0 or positive as release {@code a} is before, the same as or after {@code b}. */
    public static int compareReleases(String a, String b) {
        Parsed x = parse(a);
        Parsed y = parse(b);
        int n = Math.max(x.numbers.size(), y.numbers.size());
        for (int i = 0; i < n; i++) {
            int c = Integer.compare(at(x.numbers, i), at(y.numbers, i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.rank, y.rank) != 0 ? Integer.compare(x.rank, y.rank) : Integer.compare(x.tagNumber, y.tagNumber);
    }

    /** True if release {@code actual} is the same as or after {@code minimum}. */
    public static boolean isAtLeast(String actual, String minimum) {
        return compareReleases(actual, minimum) >= 0;
    }

    /** The dotted number of a database server's version string ("10.11.6" for "10.11.6-MariaDB-0+deb12u1"). */
    public static String databaseVersion(String raw) {
        String text = raw.trim();
        if (text.startsWith("5.5.5-")) { // MariaDB < 11 announces itself as 5.5.5-<real version> over the MySQL protocol
            text = text.substring("5.5.5-".length());
        }
        Matcher m = DB_NUMBER.matcher(text);
        if (!m.find()) {
            throw MoodlectlException.invalid("no version number in '" + raw + "'", null);
        }
        return m.group(1);
    }

    /** True if the database server that printed {@code raw} is at least {@code minimum} ("10.6.7", "13"). */
    public static boolean databaseMeetsMinimum(String raw, String minimum) {
        return compareReleases(databaseVersion(raw), minimum) >= 0;
    }

    private record Parsed(List<Integer> numbers, int rank, int tagNumber) {
    }

    private static Parsed parse(String release) {
        Matcher m = RELEASE.matcher(release == null ? "" : release);
        if (!m.find()) {
            throw MoodlectlException.invalid("'" + release + "' is not a version number", "write it like 4.5.6 or 4.4.3+");
        }
        List<Integer> numbers = new ArrayList<>();
        for (String part : m.group(1).split("\\.")) {
            numbers.add(Integer.parseInt(part));
        }
        while (numbers.size() > 1 && numbers.get(numbers.size() - 1) == 0) {
            numbers.remove(numbers.size() - 1); // "4.5.0" = "4.5"
        }
        String tag = m.group(3) == null ? null : m.group(3).toLowerCase(Locale.ROOT);
        boolean plus = m.group(2) != null || m.group(5) != null;
        int rank = tag == null ? (plus ? 1 : 0) : switch (tag) {
            case "dev" -> -4;
            case "alpha" -> -3;
            case "beta" -> -2;
            default -> -1; // rc
        };
        int tagNumber = m.group(4) == null || m.group(4).isEmpty() ? 0 : Integer.parseInt(m.group(4));
        return new Parsed(List.copyOf(numbers), rank, tagNumber);
    }

    private static int at(List<Integer> list, int i) {
        return i < list.size() ? list.get(i) : 0;
    }
}
