package io.moodlectl.moodle;

import io.moodlectl.error.MoodlectlException;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Moodle core's {@code version.php}: {@code $version} (YYYYMMDDRR.XX), {@code $release} ("4.5.6 (Build: 20250811)"),
 * {@code $branch} ("405") and {@code $maturity}. Read as text; PHP is never run. Ordered by {@code version}.
 */
public record CoreVersion(BigDecimal version, String release, int branch, Maturity maturity) implements Comparable<CoreVersion> {

    public CoreVersion {
        if (version == null || release == null) {
            throw MoodlectlException.invalid("a core version needs $version and $release", null);
        }
    }

    /** Parses the text of a core {@code version.php}. */
    public static CoreVersion parse(String text) {
        Map<String, Object> values = PhpLiterals.assignments(text);
        Object version = values.get("version");
        Object release = values.get("release");
        if (!(version instanceof BigDecimal) || !(release instanceof String)) {
            throw MoodlectlException.invalid("not a Moodle core version.php: $version or $release is missing",
                    "point at the root of a Moodle code tree (the folder holding version.php and lib/)");
        }
        int branch = branchOf(values.get("branch"), (String) release);
        Object maturity = values.get("maturity");
        return new CoreVersion((BigDecimal) version, (String) release, branch,
                maturity == null ? Maturity.STABLE : Maturity.fromPhp(maturity));
    }

    /** Reads {@code version.php} at the root of a code tree (or under {@code public/} if a tree keeps it there). */
    public static CoreVersion read(Path codeDir) {
        for (Path candidate : new Path[] {codeDir.resolve("version.php"), codeDir.resolve("public").resolve("version.php")}) {
            if (Files.isRegularFile(candidate)) {
                try {
                    return parse(Files.readString(candidate, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw MoodlectlException.failed("can't read " + candidate + ": " + e.getMessage(), "check its permissions");
                }
            }
        }
        throw MoodlectlException.notFound("no version.php in " + codeDir,
                "point at the root of a Moodle code tree (the folder holding version.php, admin/ and lib/)");
    }

    /** The release number without the build note: "4.5.6" for "4.5.6 (Build: 20250811)", "4.4.3+" for a weekly build. */
    public String releaseNumber() {
        String trimmed = release.trim();
        int cut = trimmed.indexOf(' ');
        return cut < 0 ? trimmed : trimmed.substring(0, cut);
    }

    /** The major version: "4.5" for branch 405, "3.11" for 311, "3.9" for 39. */
    public String major() {
        return majorOfBranch(branch);
    }

    /** "4.5" for 405, "3.11" for 311, "3.9" for 39, "5.1" for 501. */
    public static String majorOfBranch(int branch) {
        String digits = Integer.toString(branch);
        if (digits.length() < 2) {
            throw MoodlectlException.invalid("unreadable branch " + branch, null);
        }
        return digits.charAt(0) + "." + Integer.parseInt(digits.substring(1));
    }

    /** 405 for "4.5", 311 for "3.11", 39 for "3.9". */
    public static int branchOfMajor(String major) {
        String[] parts = major.trim().split("\\.");
        if (parts.length < 2 || !parts[0].matches("\\d") || !parts[1].matches("\\d+")) {
            throw MoodlectlException.invalid("'" + major + "' is not a Moodle major version", "write it like 4.5 or 3.11");
        }
        int major0 = Integer.parseInt(parts[0]);
        int minor = Integer.parseInt(parts[1]);
        if (major0 < 4 && minor < 10) {
            return major0 * 10 + minor;
        }
        return major0 * 100 + minor;
    }

    public boolean isStable() {
        return maturity == Maturity.STABLE;
    }

    @Override
    public int compareTo(CoreVersion other) {
        return version.compareTo(other.version);
    }

    private static int branchOf(Object value, String release) {
        if (value instanceof String text && text.trim().matches("\\d+")) {
            return Integer.parseInt(text.trim());
        }
        if (value instanceof BigDecimal number) {
            return number.intValue();
        }
        // Very old trees lack $branch: derive it from the release.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release.trim());
        if (m.find()) {
            return branchOfMajor(m.group(1) + "." + m.group(2));
        }
        throw MoodlectlException.invalid("version.php has no readable $branch", null);
    }
}
