package io.moodlectl.database;

import io.moodlectl.database.mariadb.MariaDbEngine;
import io.moodlectl.database.postgresql.PostgresEngine;
import io.moodlectl.error.MoodlectlException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The database engines moodlectl can run, by the name written in site files. */
public final class DatabaseEngines {
    private DatabaseEngines() {
    }

    /** Names accepted by {@link #of(String)}. */
    public static List<String> names() {
        return List.of(MariaDbEngine.NAME, PostgresEngine.NAME);
    }

    /** "mariadb" or "postgres"; INVALID_INPUT otherwise. */
    public static DatabaseEngine of(String name) {
        if (MariaDbEngine.NAME.equals(name)) {
            return new MariaDbEngine();
        }
        if (PostgresEngine.NAME.equals(name)) {
            return new PostgresEngine();
        }
        throw MoodlectlException.invalid("unknown database engine '" + name + "'",
                "use one of: " + String.join(", ", names()));
    }

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    /** Database and user names are plain identifiers (letters, digits, underscore; at most 63): INVALID_INPUT otherwise. */
    public static String requireIdentifier(String kind, String value) {
        if (value == null || !IDENTIFIER.matcher(value).matches()) {
            throw MoodlectlException.invalid("invalid database " + kind + " name '" + value + "'",
                    "use letters, digits and underscores only (at most 63), starting with a letter");
        }
        return value;
    }

    /** Rows of a client's tab-separated output (no header): one list of columns per non-empty line. */
    public static List<List<String>> parseRows(String output) {
        List<List<String>> rows = new ArrayList<>();
        for (String line : output.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            rows.add(List.of(line.split("\t", -1)));
        }
        return rows;
    }
}
