package io.moodlectl.moodle;

import io.moodlectl.error.MoodlectlException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a Moodle tree keeps its web-served files. Up to 5.0 the code root is the web root ({@link #CLASSIC}); from 5.1 on
 * the web root is {@code public/} inside the code tree ({@link #PUBLIC}), while {@code config.php}, {@code admin/cli/} and
 * {@code lib/components.json} stay at the code root. The URL paths ({@code /login/index.php}) are the same in both.
 *
 * <p>Detection ({@link #detect}): PUBLIC when {@code public/index.php} is a file and the tree says the plugins live
 * under {@code public/}: {@code lib/components.json} names folders starting with {@code public/} (5.1's contract), or
 * {@code public/lib/} is a folder. A stray {@code public/} folder in an older tree (an admin's static files) has neither
 * and is not mistaken for it. Otherwise CLASSIC when the root holds {@code index.php} or {@code version.php}; anything
 * else is not a Moodle tree.
 */
public enum CodeLayout {
    CLASSIC,
    PUBLIC;

    public static CodeLayout detect(Path code) {
        Path pub = code.resolve("public");
        if (Files.isRegularFile(pub.resolve("index.php"))
                && (Files.isDirectory(pub.resolve("lib")) || componentsUnderPublic(code.resolve("lib/components.json")))) {
            return PUBLIC;
        }
        if (Files.isRegularFile(code.resolve("index.php")) || Files.isRegularFile(code.resolve("version.php"))) {
            return CLASSIC;
        }
        throw MoodlectlException.invalid(code + " is not a Moodle code tree (no index.php, version.php or public/index.php)",
                "point at the folder holding Moodle's version.php and admin/");
    }

    private static boolean componentsUnderPublic(Path componentsJson) {
        try {
            return Files.isRegularFile(componentsJson)
                    && java.util.regex.Pattern.compile(":\\s*\"public\\\\?/").matcher(Files.readString(componentsJson)).find();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The folder the web server serves: the code root, or its {@code public/}. */
    public Path documentRoot(Path code) {
        return this == PUBLIC ? code.resolve("public") : code;
    }

    /**
     * Where the file behind a URL path lives, relative to the code root: {@code "login/index.php"} (or
     * {@code "/login/index.php"}) is {@code login/index.php} in CLASSIC and {@code public/login/index.php} in PUBLIC.
     */
    public String webPath(String relative) {
        String clean = relative.startsWith("/") ? relative.substring(1) : relative;
        return this == PUBLIC ? "public/" + clean : clean;
    }
}
