package io.moodlectl.runtime.images;

import io.moodlectl.error.MoodlectlException;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** A set of images built together from one Debian release: its PHP and PostgreSQL versions come from that release. */
public enum Generation {
    PHP82("php8.2", "bookworm", "8.2", "15"),
    PHP84("php8.4", "trixie", "8.4", "17");

    private final String id;
    private final String debianSuite;
    private final String phpVersion;
    private final String postgresMajor;

    Generation(String id, String debianSuite, String phpVersion, String postgresMajor) {
        this.id = id;
        this.debianSuite = debianSuite;
        this.phpVersion = phpVersion;
        this.postgresMajor = postgresMajor;
    }

    /** "php8.2": the word in tags, site files and on the command line. */
    public String id() {
        return id;
    }

    public String debianSuite() {
        return debianSuite;
    }

    public String phpVersion() {
        return phpVersion;
    }

    public String postgresMajor() {
        return postgresMajor;
    }

    /** The build args every recipe of this generation gets (besides BASE). */
    public Map<String, String> buildArgs() {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("DEBIAN_SUITE", debianSuite);
        args.put("PHP_VERSION", phpVersion);
        args.put("POSTGRES_VERSION", postgresMajor);
        return args;
    }

    /** "php8.2" (or the enum name, any case) → the generation; INVALID_INPUT listing the valid ones otherwise. */
    public static Generation parse(String s) {
        if (s != null) {
            String t = s.strip();
            for (Generation g : values()) {
                if (g.id.equalsIgnoreCase(t) || g.name().equalsIgnoreCase(t)) {
                    return g;
                }
            }
        }
        throw MoodlectlException.invalid("unknown image generation '" + s + "'",
                "use one of: " + Arrays.stream(values()).map(Generation::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
