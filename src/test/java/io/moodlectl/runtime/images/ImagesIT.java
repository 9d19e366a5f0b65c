package io.moodlectl.runtime.images;

import io.moodlectl.runtime.ContainerRuntime;
import io.moodlectl.runtime.ContainerSpec;
import io.moodlectl.runtime.ContainerState;
import io.moodlectl.runtime.ExecResult;
import io.moodlectl.runtime.Readiness;
import io.moodlectl.runtime.docker.DockerConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Builds the real images of both generations (tags under moodlectl/; present ones are kept, so on a machine that has
 * them this is quick) and checks the web image does what Moodle needs. Containers are named mctl-r-img-….
 */
class ImagesIT {
    /** moodle-contract.md, "Required PHP extensions (4.2+)", plus the database drivers and what Debian ships. */
    private static final List<String> REQUIRED_EXTENSIONS = List.of("iconv", "mbstring", "curl", "openssl", "ctype",
            "zip", "zlib", "gd", "simplexml", "spl", "pcre", "dom", "xml", "xmlreader", "intl", "json", "hash",
            "fileinfo", "sodium", "mysqli", "pgsql", "soap", "ldap", "readline", "zend opcache");
    private static final String P = "mctl-r-img-";
    private static final Map<String, String> LABELS = Map.of("io.moodlectl.test", "mctl-r-images");

    private static DockerConnection connection;
    private static ContainerRuntime runtime;
    private static ImageCatalog catalog;
    private static List<ImageStatus> built;
    private static Path tmp;

    @BeforeAll
    static void buildBothGenerations() throws IOException {
        connection = DockerConnection.connect();
        runtime = connection.runtime();
        tmp = Files.createTempDirectory("mctl-r-images-it");
        catalog = new ImageCatalog(connection.images(), tmp.resolve("work"));
        removeContainers();
        built = catalog.build(EnumSet.allOf(Generation.class), false, line -> {
            if (!line.contains(":   ")) { // the builds' own output is long: only the catalog's lines
                System.out.println(line);
            }
        });
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (runtime != null) {
            removeContainers();
            connection.close();
        }
        if (tmp != null) {
            try (Stream<Path> s = Files.walk(tmp)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void removeContainers() {
        for (ContainerState c : runtime.list(LABELS)) {
            runtime.remove(c.name());
        }
    }

    @Test
    void everyRoleWithARecipeIsBuiltForBothGenerations() {
        Set<ImageRole> roles = EnumSet.copyOf(catalog.roles());
        assertThat(roles).contains(ImageRole.BASE, ImageRole.WEB);
        for (ImageRole r : EnumSet.complementOf(EnumSet.copyOf(roles))) {
            System.out.println("ImagesIT: no recipe for " + r + " in this branch: not built here (the full build runs after the merge)");
        }
        assertThat(built).hasSize(roles.size() * Generation.values().length).allMatch(ImageStatus::present);
        assertThat(catalog.status()).allMatch(ImageStatus::present);
        assertThat(connection.images().list("moodlectl/")).containsAll(built.stream().map(ImageStatus::tag).toList());
    }

    private String web(Generation g) {
        return catalog.tag(g, ImageRole.WEB);
    }

    private ExecResult php(Generation g, String name, String... args) {
        String c = P + name + "-" + g.id().replace(".", "");
        if (runtime.inspect(c).isEmpty()) {
            runtime.create(ContainerSpec.builder(c, web(g)).labels(LABELS).init(true).command("sleep", "600")
                    .env("PHP_INI_UPLOAD_MAX_FILESIZE", "321M").env("PHP_INI_OPCACHE__REVALIDATE_FREQ", "7").build());
            runtime.start(c);
        }
        return runtime.exec(c, List.of(args), null, null);
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void phpHasEveryExtensionMoodleNeedsAndTheRightSettings(Generation g) {
        ExecResult modules = php(g, "cli", "php", "-m");
        assertThat(modules.exitCode()).isZero();
        Set<String> loaded = Arrays.stream(modules.output().split("\n")).map(l -> l.strip().toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        assertThat(loaded).containsAll(REQUIRED_EXTENSIONS);

        assertThat(php(g, "cli", "php", "-r", "echo ini_get('max_input_vars');").output()).isEqualTo("5000");
        assertThat(php(g, "cli", "php", "-r", "echo PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION;").output())
                .isEqualTo(g.phpVersion());
        // PHP_INI_* at container start
        assertThat(php(g, "cli", "php", "-r", "echo ini_get('upload_max_filesize');").output()).isEqualTo("321M");
        assertThat(php(g, "cli", "php", "-r", "echo ini_get('opcache.revalidate_freq');").output()).isEqualTo("7");
        assertThat(php(g, "cli", "php", "-r", "echo ini_get('memory_limit');").output()).isEqualTo("512M");

        ExecResult locales = php(g, "cli", "locale", "-a");
        assertThat(locales.output().lines().toList()).contains("en_US.utf8", "ja_JP.utf8");
        assertThat(php(g, "cli", "curl", "--version").exitCode()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void apacheServesPhpFromTheMountedDocrootAndStopsOnSigterm(Generation g) throws Exception {
        Path code = Files.createDirectories(tmp.resolve("code-" + g.id()));
        Files.writeString(code.resolve("index.php"), "<?php echo 'ok ' . PHP_VERSION . ' ' . ini_get('max_input_vars')"
                + " . ' ' . ini_get('post_max_size') . ' ' . $_SERVER['REMOTE_ADDR'];\n");
        Files.createDirectories(code.resolve("public"));
        Files.writeString(code.resolve("public/index.php"), "<?php echo 'public ' . $_SERVER['PATH_INFO'];\n");

        String name = P + "web-" + g.id().replace(".", "");
        int port = freePort();
        runtime.create(ContainerSpec.builder(name, web(g)).labels(LABELS).mountReadOnly(code.toString(), "/var/www/moodle/code")
                .env("PHP_INI_POST_MAX_SIZE", "222M").publish("127.0.0.1", port, 80).build());
        runtime.start(name);
        String body = get(port, "/index.php", Map.of("X-Forwarded-For", "192.0.2.44"));
        assertThat(body).startsWith("ok " + g.phpVersion()).contains(" 5000 ").contains(" 222M ")
                .as("client address from X-Forwarded-For of a private-network proxy").endsWith(" 192.0.2.44");

        runtime.stop(name, Duration.ofSeconds(20));
        ContainerState stopped = runtime.inspect(name).orElseThrow();
        assertThat(stopped.running()).isFalse();
        assertThat(runtime.logs(name, 20)).as("Apache itself got SIGTERM (not a kill after the timeout)")
                .contains("caught SIGTERM, shutting down");
        runtime.remove(name);

        // a 5.1 layout: the document root is code/public
        String pub = P + "pub-" + g.id().replace(".", "");
        int port2 = freePort();
        runtime.create(ContainerSpec.builder(pub, web(g)).labels(LABELS).mountReadOnly(code.toString(), "/var/www/moodle/code")
                .env("MOODLE_DOCROOT", "/var/www/moodle/code/public").publish("127.0.0.1", port2, 80).build());
        runtime.start(pub);
        assertThat(get(port2, "/index.php/slash/args", Map.of())).isEqualTo("public /slash/args");
        runtime.remove(pub);
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void theCronLoopRunsCronAsTheWebUser(Generation g) throws IOException {
        Path code = Files.createDirectories(tmp.resolve("cron-" + g.id()).resolve("admin/cli"));
        Files.writeString(code.resolve("cron.php"), "<?php echo 'cron ran as ' . posix_getpwuid(posix_geteuid())['name']"
                + " . ' with ' . implode(' ', array_slice($argv, 1)) . \"\\n\";\n");
        String name = P + "cron-" + g.id().replace(".", "");
        runtime.create(ContainerSpec.builder(name, web(g)).labels(LABELS).init(true)
                .mountReadOnly(code.getParent().getParent().toString(), "/var/www/moodle/code").command("moodle-cron-loop").build());
        runtime.start(name);
        Readiness.await("a cron pass", Duration.ofSeconds(60), Duration.ofMillis(300),
                () -> runtime.logs(name, 50).contains("pass exit"));
        assertThat(runtime.logs(name, 50)).contains("cron ran as www-data with --keep-alive=0").contains("pass exit 0");
        runtime.stop(name, Duration.ofSeconds(20));
        assertThat(runtime.inspect(name).orElseThrow().running()).isFalse();
        runtime.remove(name);
    }

    private static String get(int port, String path, Map<String, String> headers) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        AtomicReference<String> body = new AtomicReference<>();
        Readiness.await("Apache on port " + port, Duration.ofSeconds(60), Duration.ofMillis(250), () -> {
            try {
                HttpRequest.Builder rq = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(5));
                headers.forEach(rq::header);
                HttpResponse<String> r = http.send(rq.build(), HttpResponse.BodyHandlers.ofString());
                body.set(r.body());
                return r.statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        return body.get();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
