package io.moodlectl.proxy.haproxy;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.proxy.ProxySpec;
import io.moodlectl.proxy.ProxyState;
import io.moodlectl.proxy.Slot;
import io.moodlectl.proxy.Target;
import io.moodlectl.runtime.ContainerRuntime;
import io.moodlectl.runtime.ContainerSpec;
import io.moodlectl.runtime.docker.DockerConnection;
import io.moodlectl.shell.ShellCommand;
import io.moodlectl.testing.HttpLoad;
import io.moodlectl.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * HaproxyFrontProxy against real containers: the proxy, and tiny web backends made of the same HAProxy image answering
 * a fixed text ("blue", "green") and a health page that demands the site's Host header, as Moodle does. The steps
 * build on each other, so they run in order. Everything is named mctl-d-it-px….
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HaproxyFrontProxyIT {
    private static final String SITE = "mctl-d-it-px";
    private static final String NET = "mctl-d-it-px-net";
    private static final String BLUE = "mctl-d-it-px-blue";
    private static final String GREEN = "mctl-d-it-px-green";
    private static final String SICK = "mctl-d-it-px-sick";
    private static final String HOST = "moodle.test";
    private static final String HEALTH = "/login/index.php";
    private static final Duration SWITCH = Duration.ofSeconds(20);

    private DockerConnection connection;
    private ContainerRuntime runtime;
    private HaproxyFrontProxy proxy;
    private Path work;
    private String image;
    private int port;
    private int previewPort;

    @BeforeAll
    void setUp() throws IOException {
        connection = DockerConnection.connect();
        runtime = connection.runtime();
        image = TestImages.tag("haproxy");
        work = Files.createTempDirectory("mctl-d-it-px");
        cleanUp();
        proxy = new HaproxyFrontProxy(runtime, work.resolve("sites"));
        port = freePort();
        previewPort = freePort();
        runtime.createNetwork(NET, Map.of("moodlectl.test", "mctl-d"));
        startBackend(BLUE, "blue", 200);
        startBackend(GREEN, "green", 200);
        startBackend(SICK, "sick", 500);
    }

    @AfterAll
    void tearDown() {
        if (runtime != null) {
            cleanUp();
            connection.close();
        }
        if (work != null) {
            ShellCommand.of("rm", "-rf", work.toString()).run();
        }
    }

    private void cleanUp() {
        for (String c : List.of(HaproxyFrontProxy.containerName(SITE), HaproxyFrontProxy.containerName(SITE + "s"),
                BLUE, GREEN, SICK)) {
            runtime.remove(c);
        }
        runtime.removeNetwork(HaproxyFrontProxy.frontNetwork(SITE));
        runtime.removeNetwork(HaproxyFrontProxy.frontNetwork(SITE + "s"));
        runtime.removeNetwork(NET);
    }

    /** A web backend: answers {@code text} (200) everywhere, and {@code healthStatus} on the health page for HOST only. */
    private void startBackend(String name, String text, int healthStatus) throws IOException {
        Path dir = Files.createDirectories(work.resolve(name));
        Files.writeString(dir.resolve("haproxy.cfg"), String.join("\n",
                "defaults",
                "    mode http",
                "    timeout connect 5s",
                "    timeout client 30s",
                "    timeout server 30s",
                "frontend web",
                "    bind :80",
                "    http-request return status 303 hdr Location http://" + HOST + "/ if { path " + HEALTH + " } !{ hdr(host) -i " + HOST + " }",
                "    http-request return status " + healthStatus + " content-type text/plain string " + text + " if { path " + HEALTH + " }",
                "    http-request return status 200 content-type text/plain lf-string \"%[req.hdr(x-forwarded-proto)] %[req.hdr(x-forwarded-for)]\" if { path /forwarded }",
                "    http-request return status 200 content-type text/plain string " + text,
                ""));
        runtime.create(ContainerSpec.builder(name, image).mount(dir.toString(), "/usr/local/etc/haproxy")
                .network(NET).label("moodlectl.test", "mctl-d").build());
        runtime.start(name);
    }

    private URI site() {
        return URI.create("http://127.0.0.1:" + port + "/course/view.php?id=1");
    }

    private HttpLoad.Response get(URI uri) throws IOException {
        return HttpLoad.get(uri, HOST);
    }

    @Test
    @Order(1)
    void servesTheLiveSlotOnceItsCheckPasses() throws IOException {
        proxy.create(new ProxySpec(SITE, image, "127.0.0.1", port, previewPort, null, HEALTH, HOST));
        assertThat(runtime.inspect(HaproxyFrontProxy.containerName(SITE)))
                .hasValueSatisfying(c -> assertThat(c.labels()).containsEntry("moodlectl.site", SITE)
                        .containsEntry("moodlectl.role", "proxy"));

        assertThatThrownBy(() -> proxy.create(new ProxySpec(SITE, image, "127.0.0.1", port, 0, null, HEALTH, HOST)))
                .isInstanceOfSatisfying(MoodlectlException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT));
        assertThatThrownBy(() -> proxy.create(new ProxySpec(SITE + "x", image, "127.0.0.1", port, 0, null, HEALTH, HOST)))
                .isInstanceOfSatisfying(MoodlectlException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT);
                    assertThat(e.getMessage()).contains(String.valueOf(port));
                });
        assertThatThrownBy(() -> proxy.switchTo(SITE, Slot.BLUE, SWITCH))
                .isInstanceOfSatisfying(MoodlectlException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_READY));

        proxy.setBackend(SITE, Slot.BLUE, new Target(BLUE, NET, 80));
        proxy.switchTo(SITE, Slot.BLUE, SWITCH);

        HttpLoad.Response r = get(site());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("blue");
        ProxyState s = proxy.state(SITE);
        assertThat(s.live()).contains(Slot.BLUE);
        assertThat(s.slots().get(Slot.BLUE).weight()).isEqualTo(100);
        assertThat(s.slots().get(Slot.BLUE).status()).startsWith("UP");
        assertThat(s.slots().get(Slot.GREEN).status()).startsWith("MAINT");
    }

    @Test
    @Order(2)
    void switchesUnderLoadWithoutAFailedRequest() {
        proxy.setBackend(SITE, Slot.GREEN, new Target(GREEN, NET, 80));
        assertThat(proxy.state(SITE).slots().get(Slot.GREEN).weight()).isZero();

        HttpLoad.Result result;
        try (HttpLoad load = HttpLoad.start(site(), HOST, 600, Duration.ofSeconds(60))) {
            load.awaitRequests(100);
            proxy.switchTo(SITE, Slot.GREEN, SWITCH);
            load.awaitBody("green", 100);
            result = load.stop();
        }

        assertThat(result.sequence()).allMatch(o -> o.equals("200:blue") || o.equals("200:green"));
        assertThat(result.connectionErrors()).isZero();
        assertThat(result.bodies()).containsKeys("blue", "green");
        assertThat(result.sequence().get(result.sequence().size() - 1)).isEqualTo("200:green");
        assertThat(proxy.state(SITE).live()).contains(Slot.GREEN);
        assertThat(proxy.state(SITE).slots().get(Slot.BLUE).weight()).isZero();
    }

    @Test
    @Order(3)
    void maintenanceAnswers503WithRetryAfterThenServesAgain() throws IOException {
        proxy.setMaintenance(SITE, true);
        HttpLoad.Response r = get(site());
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("Retry-After")).isEqualTo("30");
        assertThat(r.body()).contains("<html");
        assertThat(proxy.state(SITE).maintenance()).isTrue();

        proxy.setMaintenance(SITE, false);
        assertThat(get(site()).body()).isEqualTo("green");
        assertThat(proxy.state(SITE).maintenance()).isFalse();
    }

    @Test
    @Order(4)
    void refusesToSwitchToAnUnhealthySlotAndKeepsTraffic() throws IOException {
        proxy.setBackend(SITE, Slot.BLUE, new Target(SICK, NET, 80));

        assertThatThrownBy(() -> proxy.switchTo(SITE, Slot.BLUE, Duration.ofSeconds(3)))
                .isInstanceOfSatisfying(MoodlectlException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.UNHEALTHY);
                    assertThat(e.getMessage()).contains("blue").contains("500");
                });
        assertThat(get(site()).body()).isEqualTo("green");
        assertThat(proxy.state(SITE).live()).contains(Slot.GREEN);

        proxy.setBackend(SITE, Slot.BLUE, new Target(BLUE, NET, 80));
    }

    @Test
    @Order(5)
    void previewListenerServesThePreviewTarget() throws IOException {
        URI preview = URI.create("http://127.0.0.1:" + previewPort + "/");
        assertThat(get(preview).status()).isEqualTo(503);

        proxy.setPreview(SITE, Optional.of(new Target(BLUE, NET, 80)));
        assertThat(get(preview).body()).isEqualTo("blue");
        assertThat(proxy.state(SITE).preview()).contains(new Target(BLUE, NET, 80));
    }

    @Test
    @Order(6)
    void aRemovedContainerComesBackWithItsSavedState() throws IOException {
        proxy.setMaintenance(SITE, true);
        runtime.remove(HaproxyFrontProxy.containerName(SITE));

        proxy.start(SITE);

        ProxyState s = proxy.state(SITE);
        assertThat(s.running()).isTrue();
        assertThat(s.live()).contains(Slot.GREEN);
        assertThat(get(site()).status()).isEqualTo(503);
        proxy.setMaintenance(SITE, false);
        assertThat(get(site()).body()).isEqualTo("green");
        assertThat(get(URI.create("http://127.0.0.1:" + previewPort + "/")).body()).isEqualTo("blue");

        proxy.setPreview(SITE, Optional.empty());
        assertThat(get(URI.create("http://127.0.0.1:" + previewPort + "/")).status()).isEqualTo(503);
    }

    @Test
    @Order(7)
    void tellsTheBackendTheClientsProtocolAndAddress() throws Exception {
        assertThat(get(URI.create("http://127.0.0.1:" + port + "/forwarded")).body()).matches("http \\d+\\.\\d+\\.\\d+\\.\\d+");

        String tlsSite = SITE + "s";
        Path pem = work.resolve("site.pem");
        ShellCommand.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + HOST, "-addext", "subjectAltName=DNS:" + HOST + ",IP:127.0.0.1",
                "-keyout", work.resolve("key.pem").toString(), "-out", work.resolve("cert.pem").toString()).check();
        Files.writeString(pem, Files.readString(work.resolve("cert.pem")) + Files.readString(work.resolve("key.pem")));
        int tlsPort = freePort();
        try {
            proxy.create(new ProxySpec(tlsSite, image, "127.0.0.1", tlsPort, 0, pem, HEALTH, HOST));
            proxy.setBackend(tlsSite, Slot.GREEN, new Target(GREEN, NET, 80));
            proxy.switchTo(tlsSite, Slot.GREEN, SWITCH);

            javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
            trustAll.init(null, new javax.net.ssl.TrustManager[]{new javax.net.ssl.X509TrustManager() {
                public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) { }
                public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) { }
                public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
            }}, null);
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(trustAll).build();
            java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + tlsPort + "/forwarded")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith("https ");
        } finally {
            proxy.remove(tlsSite);
        }
    }

    @Test
    @Order(8)
    void removeTakesContainerNetworkAndFiles() {
        proxy.remove(SITE);
        assertThat(runtime.inspect(HaproxyFrontProxy.containerName(SITE))).isEmpty();
        assertThat(runtime.networkExists(HaproxyFrontProxy.frontNetwork(SITE))).isFalse();
        assertThat(proxy.proxyDir(SITE)).doesNotExist();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
