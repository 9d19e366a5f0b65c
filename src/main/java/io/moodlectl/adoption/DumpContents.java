package io.moodlectl.adoption;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;

/**
 * What a database dump says about the Moodle site in it, read before anything is created.
 *
 * @param engine   "mariadb" (a MariaDB/MySQL dump) or "postgres" (pg_dump)
 * @param format   "sql" (plain) or "custom" (pg_dump -Fc)
 * @param prefix   the table prefix (the one holding {@code config} and {@code config_plugins})
 * @param version  core {@code version} from {@code <prefix>config}
 * @param release  core {@code release} from {@code <prefix>config} (may be null)
 * @param plugins  component → {@code version} from {@code <prefix>config_plugins}
 * @param tables   tables of the dump
 */
public record DumpContents(String engine, String format, String prefix, BigDecimal version, String release,
                           Map<String, BigDecimal> plugins, Set<String> tables) {
}
