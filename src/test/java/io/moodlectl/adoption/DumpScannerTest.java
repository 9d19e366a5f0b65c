package io.moodlectl.adoption;

import io.moodlectl.error.MoodlectlException;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DumpScannerTest {
    static final String MARIADB = """
            /*M!999999\\- enable the sandbox mode */
            -- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)
            --
            -- Host: localhost    Database: moodle
            /*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
            DROP TABLE IF EXISTS `m2_config`;
            CREATE TABLE `m2_config` (
              `id` bigint(10) NOT NULL AUTO_INCREMENT,
              `name` varchar(255) NOT NULL DEFAULT '',
              `value` longtext NOT NULL,
              PRIMARY KEY (`id`)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
            INSERT INTO `m2_config` VALUES (1,'release','4.4 (Build: 20240422)'),(2,'version','2024042200.00'),(3,'note','it\\'s (a) \\\\ test, ok');
            CREATE TABLE `m2_config_plugins` (
              `id` bigint(10) NOT NULL AUTO_INCREMENT,
              `plugin` varchar(100) NOT NULL DEFAULT 'core',
              `name` varchar(100) NOT NULL DEFAULT '',
              `value` longtext NOT NULL,
              PRIMARY KEY (`id`),
              UNIQUE KEY `m2_confplug_plunam_uix` (`plugin`,`name`)
            ) ENGINE=InnoDB;
            INSERT INTO `m2_config_plugins` VALUES
            (1,'mod_forum','version','2024042200'),
            (2,'mod_forum','x','y;'),
            (3,'local_extra','version','2023010100');
            CREATE TABLE `m2_user` (
              `id` bigint(10) NOT NULL AUTO_INCREMENT
            ) ENGINE=InnoDB;
            /*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;

            -- Dump completed on 2026-12-02 16:00:00
            """;

    static final String POSTGRES = """
            --
            -- PostgreSQL database dump
            --

            SET statement_timeout = 0;
            CREATE TABLE public.mdl_config (
                id bigint NOT NULL,
                name character varying(255) DEFAULT ''::character varying NOT NULL,
                value text NOT NULL
            );
            ALTER TABLE public.mdl_config OWNER TO moodle;
            CREATE TABLE public.mdl_config_plugins (
                id bigint NOT NULL,
                plugin character varying(100) DEFAULT 'core'::character varying NOT NULL,
                name character varying(100) DEFAULT ''::character varying NOT NULL,
                value text NOT NULL
            );
            COPY public.mdl_config (id, name, value) FROM stdin;
            1\tversion\t2024100700.00
            2\tmotd\tline one\\nline two
            \\.

            INSERT INTO public.mdl_config_plugins (id, plugin, name, value) VALUES (1, 'local_fixturenotes', 'version', '2024110100');

            --
            -- PostgreSQL database dump complete
            --

            """;

    @Test
    void readsTheCoreAndPluginVersionsOfAMariadbDumpWithItsPrefix() throws Exception {
        DumpScanner.Scan s = scan(MARIADB);
        assertThat(s.engine()).isEqualTo("mariadb");
        assertThat(s.complete()).isTrue();
        assertThat(s.prefixes()).containsExactly("m2_");
        DumpContents c = s.contents("m2_", "sql");
        assertThat(c.version()).isEqualByComparingTo("2024042200.00");
        assertThat(c.release()).isEqualTo("4.4 (Build: 20240422)");
        assertThat(c.plugins()).containsExactlyInAnyOrderEntriesOf(Map.of("mod_forum", new BigDecimal("2024042200"),
                "local_extra", new BigDecimal("2023010100")));
        assertThat(c.tables()).containsExactly("m2_config", "m2_config_plugins", "m2_user");
    }

    @Test
    void readsCopyAndInsertRowsOfAPostgresDump() throws Exception {
        DumpScanner.Scan s = scan(POSTGRES);
        assertThat(s.engine()).isEqualTo("postgres");
        assertThat(s.complete()).isTrue();
        DumpContents c = s.contents("mdl_", "sql");
        assertThat(c.version()).isEqualByComparingTo("2024100700.00");
        assertThat(c.plugins()).containsEntry("local_fixturenotes", new BigDecimal("2024110100"));
    }

    @Test
    void aDumpWithoutItsClosingLineIsIncomplete() throws Exception {
        assertThat(scan(MARIADB.substring(0, MARIADB.indexOf("-- Dump completed"))).complete()).isFalse();
        assertThat(scan(POSTGRES.substring(0, POSTGRES.indexOf("INSERT INTO"))).complete()).isFalse();
    }

    @Test
    void somethingElseIsNotADump() {
        assertThatThrownBy(() -> scan("hello\nworld\n")).isInstanceOf(MoodlectlException.class).hasMessageContaining("not a MariaDB");
    }

    @Test
    void tuplesHandleQuotesEscapesAndNull() {
        assertThat(DumpScanner.tuples("(1,'a''b',NULL),(2,'x\\'y,z)')", true))
                .containsExactly(java.util.Arrays.asList("1", "a'b", null), List.of("2", "x'y,z)"));
    }

    @Test
    void thePrefixComesFromConfigPhpThenTheSiteFileThenTheOnlyOne() {
        Path f = Path.of("d.sql");
        assertThat(ImportService.choosePrefix(List.of("a_", "mdl_"), "a_", "mdl_", f)).isEqualTo("a_");
        assertThat(ImportService.choosePrefix(List.of("a_", "mdl_"), null, "mdl_", f)).isEqualTo("mdl_");
        assertThat(ImportService.choosePrefix(List.of("a_"), null, "mdl_", f)).isEqualTo("a_");
        assertThatThrownBy(() -> ImportService.choosePrefix(List.of("a_", "b_"), null, "mdl_", f)).hasMessageContaining("several");
        assertThatThrownBy(() -> ImportService.choosePrefix(List.of(), null, "mdl_", f)).hasMessageContaining("no Moodle tables");
    }

    @Test
    void codeFitRefusesOlderCodeAndMissingAddOnsAtOnce() {
        DumpContents d = new DumpContents("mariadb", "sql", "mdl_", new BigDecimal("2024100700"), null,
                Map.of("mod_forum", new BigDecimal("2024100700"), "local_a", new BigDecimal("5"), "local_b", new BigDecimal("9")), Set.of());
        CodeFit fit = CodeFit.of(d, new BigDecimal("2024042200"), Set.of("mod_forum"), Map.of("local_b", new BigDecimal("8")));
        assertThat(fit.coreOlder()).isTrue();
        assertThat(fit.missing()).containsExactly("local_a 5");
        assertThat(fit.olderAddOns()).hasSize(1);
        assertThatThrownBy(() -> fit.requireFits("v4.4.0", List.of("v4.5.0")))
                .hasMessageContaining("older than the database").hasMessageContaining("local_a")
                .satisfies(e -> assertThat(((MoodlectlException) e).hint()).contains("v4.5.0"));
        CodeFit newer = CodeFit.of(d, new BigDecimal("2025100600"), Set.of("mod_forum"),
                Map.of("local_a", new BigDecimal("5"), "local_b", new BigDecimal("9")));
        newer.requireFits("v5.1.0", List.of());
        assertThat(newer.upgradeExpected()).isTrue();
    }

    @Test
    void theMoodledataRootOfATarball() {
        assertThat(MoodledataSource.rootOf("moodledata/filedir/ab/cd/x")).isEqualTo("moodledata/");
        assertThat(MoodledataSource.rootOf("./filedir/")).isEqualTo("./");
        assertThat(MoodledataSource.rootOf("filedir/")).isEqualTo("");
        assertThat(MoodledataSource.rootOf("moodledata/cache/x")).isNull();
    }

    @Test
    void oldConfigKeepsPlainSettingsAndNeverPathsOrSecrets() {
        OldConfig c = OldConfig.of(new java.util.LinkedHashMap<>(Map.of("prefix", "m_", "dbpass", "s3cret", "dataroot", "/srv/data",
                "passwordsaltmain", "salt", "theme", "boost", "tempdir", "/tmp/x", "forcelogin", "true")));
        assertThat(c.prefix()).isEqualTo("m_");
        assertThat(c.kept()).extracting(s -> s.name() + "=" + s.value()).containsExactlyInAnyOrder("theme=boost", "forcelogin=1");
        assertThat(String.join(" ", c.leftOut())).contains("dbpass").contains("passwordsaltmain").contains("tempdir")
                .doesNotContain("s3cret").doesNotContain("salt (");
    }

    private static DumpScanner.Scan scan(String text) throws Exception {
        return DumpScanner.scan(new BufferedReader(new StringReader(text)));
    }
}
