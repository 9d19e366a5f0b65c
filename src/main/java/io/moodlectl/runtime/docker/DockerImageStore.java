package io.moodlectl.runtime.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.transport.DockerHttpClient;
import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.runtime.ImageStore;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import static io.moodlectl.runtime.docker.DockerErrors.Subject;

/**
 * {@link ImageStore} over the Docker Engine API. Tags are reported as the caller gave them: the engine's registry
 * prefix for local images ({@code localhost/} in Podman, {@code docker.io/} after a compat-API tag) is removed.
 */
public final class DockerImageStore implements ImageStore {
    private static final int FAILURE_TAIL = 30;
    private static final List<String> LOCAL_PREFIXES = List.of("localhost/", "docker.io/library/", "docker.io/");

    private final DockerConnection connection;
    private final DockerClient docker;
    private final ObjectMapper json = new ObjectMapper();

    DockerImageStore(DockerConnection connection) {
        this.connection = connection;
        this.docker = connection.client();
    }

    /** The tag as the caller wrote it: without the engine's local registry prefix. */
    static String normalise(String tag) {
        for (String p : LOCAL_PREFIXES) {
            if (tag.startsWith(p)) {
                return tag.substring(p.length());
            }
        }
        return tag;
    }

    @Override
    public boolean exists(String tag) {
        try {
            docker.inspectImageCmd(tag).exec();
            return true;
        } catch (RuntimeException e) {
            if (DockerErrors.isMissing(e)) {
                return false;
            }
            throw DockerErrors.translate(Subject.of("inspect image " + tag), e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        List<Image> images = DockerErrors.call("list images", () -> docker.listImagesCmd().exec());
        Set<String> tags = new TreeSet<>();
        for (Image i : images) {
            if (i.getRepoTags() == null) {
                continue;
            }
            for (String t : i.getRepoTags()) {
                String n = normalise(t);
                if (!n.contains("<none>") && (prefix == null || n.startsWith(prefix))) {
                    tags.add(n);
                }
            }
        }
        return List.copyOf(tags);
    }

    /**
     * POST /images/create?fromSrc=- with the tarball as body and the labels as {@code LABEL} changes (docker-java's
     * createImageCmd can't pass changes), then tags the new image: Podman's compat import ignores the tag parameter.
     */
    @Override
    public void importRootfs(Path tarball, String tag, Map<String, String> labels) {
        Subject s = Subject.of("import " + tarball + " as " + tag);
        StringBuilder path = new StringBuilder("/images/create?fromSrc=-");
        if (labels != null) {
            for (var e : labels.entrySet()) {
                path.append("&changes=").append(enc("LABEL " + e.getKey() + "=" + quoteLabel(e.getValue())));
            }
        }
        String imageId;
        try (InputStream body = Files.newInputStream(tarball);
             DockerHttpClient.Response r = connection.http().execute(DockerHttpClient.Request.builder()
                     .method(DockerHttpClient.Request.Method.POST).path(path.toString())
                     .putHeader("Content-Type", "application/x-tar").body(body).build())) {
            String text = new String(r.getBody().readAllBytes(), StandardCharsets.UTF_8);
            if (r.getStatusCode() / 100 != 2) {
                throw new MoodlectlException(ExitCode.FAILED, "could not import " + tarball + ": HTTP "
                        + r.getStatusCode() + " " + text.strip());
            }
            imageId = importedId(text);
        } catch (IOException e) {
            throw DockerErrors.translate(s, new java.io.UncheckedIOException(e));
        } catch (MoodlectlException e) {
            throw e;
        } catch (RuntimeException e) {
            throw DockerErrors.translate(s, e);
        }
        if (imageId == null) {
            throw new MoodlectlException(ExitCode.FAILED, "the engine did not say which image it imported from " + tarball);
        }
        int colon = tag.lastIndexOf(':');
        boolean hasTag = colon > tag.lastIndexOf('/');
        String repo = hasTag ? tag.substring(0, colon) : tag;
        String version = hasTag ? tag.substring(colon + 1) : "latest";
        String id = imageId;
        DockerErrors.run(s, () -> docker.tagImageCmd(id, repo, version).exec());
        if (!exists(tag)) {
            throw new MoodlectlException(ExitCode.FAILED, "imported " + tarball + " but " + tag + " is not there");
        }
    }

    private String importedId(String responseText) throws IOException {
        String id = null;
        var parser = json.getFactory().createParser(responseText);
        var it = json.readValues(parser, JsonNode.class);
        while (it.hasNext()) {
            JsonNode n = it.next();
            if (n.hasNonNull("error")) {
                throw new MoodlectlException(ExitCode.FAILED, "import failed: " + n.get("error").asText());
            }
            for (String field : List.of("id", "status")) {
                String v = n.path(field).asText("");
                if (v.startsWith("sha256:")) {
                    id = v.substring("sha256:".length());
                } else if (v.matches("[0-9a-f]{64}")) {
                    id = v;
                }
            }
        }
        return id;
    }

    private static String quoteLabel(String v) {
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void build(Path contextDir, String tag, Map<String, String> buildArgs, Consumer<String> progress) {
        Path containerfile = contextDir.resolve("Containerfile");
        if (!Files.isRegularFile(containerfile)) {
            throw MoodlectlException.invalid("no Containerfile in " + contextDir, "a build context holds a file named Containerfile");
        }
        Deque<String> tail = new ArrayDeque<>();
        Consumer<String> sink = line -> {
            synchronized (tail) {
                tail.addLast(line);
                if (tail.size() > FAILURE_TAIL) {
                    tail.removeFirst();
                }
            }
            if (progress != null) {
                progress.accept(line);
            }
        };
        DockerRuntime.LineSplitter lines = new DockerRuntime.LineSplitter(sink);
        List<String> errors = new ArrayList<>();
        Subject s = Subject.of("build " + tag);
        try {
            var cmd = docker.buildImageCmd().withBaseDirectory(contextDir.toFile()).withDockerfile(containerfile.toFile())
                    .withTags(Set.of(tag)).withPull(false).withRemove(true).withForcerm(true);
            if (buildArgs != null) {
                buildArgs.forEach(cmd::withBuildArg);
            }
            cmd.exec(new BuildImageResultCallback() {
                @Override
                public void onNext(BuildResponseItem item) {
                    if (item.getStream() != null) {
                        lines.accept(item.getStream().getBytes(StandardCharsets.UTF_8));
                    }
                    if (item.isErrorIndicated()) {
                        String err = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                                ? item.getErrorDetail().getMessage() : item.getError();
                        errors.add(err);
                        sink.accept("ERROR: " + err);
                    }
                    super.onNext(item);
                }
            }).awaitImageId();
        } catch (RuntimeException e) {
            lines.finish();
            if (e instanceof MoodlectlException m) {
                throw m;
            }
            MoodlectlException mapped = DockerErrors.translate(s, e);
            if (mapped.exitCode() == ExitCode.API_UNREACHABLE) {
                throw mapped;
            }
            throw failedBuild(tag, tail, errors.isEmpty() ? DockerErrors.engineMessage(e) : errors.get(errors.size() - 1), e);
        }
        lines.finish();
        if (!errors.isEmpty() || !exists(tag)) {
            throw failedBuild(tag, tail, errors.isEmpty() ? "no image was tagged" : errors.get(errors.size() - 1), null);
        }
    }

    private static MoodlectlException failedBuild(String tag, Deque<String> tail, String reason, Throwable cause) {
        String last;
        synchronized (tail) {
            last = String.join("\n", tail);
        }
        return new MoodlectlException(ExitCode.FAILED, "building " + tag + " failed: " + reason + "\n--- last lines:\n" + last,
                "fix the recipe (src/main/resources/images/) or the Debian mirror (MOODLECTL_DEBIAN_MIRROR) and build again",
                cause);
    }

    @Override
    public void remove(String tag) {
        DockerErrors.tolerateMissing(Subject.of("remove image " + tag), () -> docker.removeImageCmd(tag).withForce(false).exec());
    }
}
