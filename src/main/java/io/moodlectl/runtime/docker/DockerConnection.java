package io.moodlectl.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.api.model.VersionComponent;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.runtime.ContainerRuntime;
import io.moodlectl.runtime.ImageStore;
import io.moodlectl.runtime.RuntimeInfo;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A live connection to a Docker Engine API (Docker, or Podman's compat API). {@link #connect()} tries the places an
 * engine usually listens, in order, and keeps the first that answers {@code _ping}.
 */
public final class DockerConnection implements AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Builds, execs (upgrade.php) and imports can take many minutes. */
    static final Duration RESPONSE_TIMEOUT = Duration.ofHours(2);
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);
    static final String HINT = "start it: scripts/podman-api.sh start (or set DOCKER_HOST)";

    /** One place an engine may listen: applies or not in this environment, and where. */
    record EndpointStrategy(String description, Function<Map<String, String>, Optional<String>> endpoint) {
    }

    /** The ordered strategies: $DOCKER_HOST, Podman's rootful socket, Docker's socket, Podman's rootless socket. */
    static List<EndpointStrategy> strategies() {
        return List.of(
                new EndpointStrategy("$DOCKER_HOST", env -> Optional.ofNullable(env.get("DOCKER_HOST")).filter(s -> !s.isBlank())),
                new EndpointStrategy("Podman (root)", env -> socketIfPresent("/run/podman/podman.sock")),
                new EndpointStrategy("Docker", env -> socketIfPresent("/var/run/docker.sock")),
                new EndpointStrategy("Podman (rootless)", env -> Optional.ofNullable(env.get("XDG_RUNTIME_DIR"))
                        .filter(s -> !s.isBlank()).flatMap(d -> socketIfPresent(d + "/podman/podman.sock"))));
    }

    private static Optional<String> socketIfPresent(String path) {
        return Files.exists(Path.of(path)) ? Optional.of("unix://" + path) : Optional.empty();
    }

    private final String endpoint;
    private final DockerHttpClient http;
    private final DockerClient client;

    private DockerConnection(String endpoint, DockerHttpClient http, DockerClient client) {
        this.endpoint = endpoint;
        this.http = http;
        this.client = client;
    }

    /** The first endpoint that answers; API_UNREACHABLE naming every place tried if none does. */
    public static DockerConnection connect() {
        return connect(strategies(), System.getenv());
    }

    static DockerConnection connect(List<EndpointStrategy> strategies, Map<String, String> env) {
        List<String> tried = new ArrayList<>();
        for (EndpointStrategy s : strategies) {
            Optional<String> ep = s.endpoint().apply(env);
            if (ep.isEmpty()) {
                continue;
            }
            try {
                return connect(ep.get());
            } catch (MoodlectlException e) {
                tried.add(ep.get() + " (" + s.description() + ")");
            }
        }
        throw new MoodlectlException(ExitCode.API_UNREACHABLE,
                "no Docker/Podman API answers" + (tried.isEmpty() ? " (no socket found)" : ": tried " + String.join(", ", tried)),
                HINT);
    }

    /** Connects to one endpoint (unix:///path or tcp://host:port) and checks it answers {@code _ping}. */
    public static DockerConnection connect(String endpoint) {
        DockerHttpClient http;
        DockerClient client;
        try {
            DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                    .withDockerHost(endpoint).withDockerTlsVerify(false).build();
            http = new ApacheDockerHttpClient.Builder().dockerHost(URI.create(endpoint))
                    .connectionTimeout(CONNECT_TIMEOUT).responseTimeout(RESPONSE_TIMEOUT).maxConnections(32).build();
            client = DockerClientImpl.getInstance(config, http);
        } catch (RuntimeException e) {
            throw new MoodlectlException(ExitCode.API_UNREACHABLE, "bad Docker endpoint " + endpoint + ": " + e.getMessage(), HINT, e);
        }
        DockerConnection c = new DockerConnection(endpoint, http, client);
        if (!c.ping()) {
            c.close();
            throw new MoodlectlException(ExitCode.API_UNREACHABLE, "no Docker/Podman API answers at " + endpoint, HINT);
        }
        return c;
    }

    private boolean ping() {
        // a short-lived client so a dead endpoint fails within the ping timeout, not the long response timeout
        try (DockerHttpClient probe = new ApacheDockerHttpClient.Builder().dockerHost(URI.create(endpoint))
                .connectionTimeout(PING_TIMEOUT).responseTimeout(PING_TIMEOUT).build();
             DockerHttpClient.Response r = probe.execute(DockerHttpClient.Request.builder()
                     .method(DockerHttpClient.Request.Method.GET).path("/_ping").build())) {
            return r.getStatusCode() == 200;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    public String endpoint() {
        return endpoint;
    }

    public ContainerRuntime runtime() {
        return new DockerRuntime(this);
    }

    public ImageStore images() {
        return new DockerImageStore(this);
    }

    /** Engine "Podman" when the version's components name Podman, else "Docker". */
    public RuntimeInfo info() {
        Version v = DockerErrors.call("read the engine version", () -> client.versionCmd().exec());
        boolean podman = false;
        String engineVersion = v.getVersion();
        List<VersionComponent> components = v.getComponents();
        if (components != null) {
            for (VersionComponent c : components) {
                if (c.getName() != null && c.getName().toLowerCase().contains("podman")) {
                    podman = true;
                    engineVersion = c.getVersion();
                }
            }
        }
        return new RuntimeInfo(podman ? "Podman" : "Docker", engineVersion, v.getApiVersion(), endpoint);
    }

    DockerClient client() {
        return client;
    }

    DockerHttpClient http() {
        return http;
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException | RuntimeException ignored) {
            // closing a dead connection
        }
    }
}
