package io.moodlectl.runtime.docker;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.runtime.ContainerRuntime;
import io.moodlectl.runtime.ContainerSpec;
import io.moodlectl.runtime.ImageStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DockerImageStore against the real engine: import a busybox root filesystem, build on it, list, remove. */
class DockerImageStoreIT {
    private static final String BASE = "mctl-r-it/imported:one";
    private static final String BUILT = "mctl-r-it/built:two";
    private static final String BROKEN = "mctl-r-it/broken:three";

    private static DockerConnection connection;
    private static ImageStore images;
    private static ContainerRuntime runtime;
    private static Path work;

    @BeforeAll
    static void setUp() throws IOException {
        connection = DockerConnection.connect();
        images = connection.images();
        runtime = connection.runtime();
        work = Files.createTempDirectory("mctl-r-images");
        cleanUp();
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (images != null) {
            cleanUp();
            connection.close();
        }
        BusyboxImage.deleteTree(work);
    }

    private static void cleanUp() {
        runtime.remove("mctl-r-it-built");
        for (String t : List.of(BUILT, BROKEN, BASE)) {
            images.remove(t);
        }
    }

    @Test
    void importListBuildRemove() throws IOException {
        Path tar = BusyboxImage.rootfsTarball();
        try {
            assertThat(images.exists(BASE)).isFalse();
            images.importRootfs(tar, BASE, Map.of("io.moodlectl.test", "mctl-r", "io.moodlectl.note", "with space"));
        } finally {
            BusyboxImage.deleteTree(tar.getParent());
        }
        assertThat(images.exists(BASE)).isTrue();
        assertThat(images.list("mctl-r-it/")).containsExactly(BASE);

        Path ctx = Files.createDirectories(work.resolve("ctx"));
        Files.writeString(ctx.resolve("Containerfile"), "ARG BASE\nFROM ${BASE}\nARG WORD\nRUN echo \"$WORD\" > /built.txt\n");
        List<String> progress = new ArrayList<>();
        images.build(ctx, BUILT, Map.of("BASE", BASE, "WORD", "built-with-arg"), progress::add);
        assertThat(progress).isNotEmpty();
        assertThat(images.exists(BUILT)).isTrue();
        assertThat(images.list("mctl-r-it/")).containsExactlyInAnyOrder(BASE, BUILT);

        runtime.create(ContainerSpec.builder("mctl-r-it-built", BUILT).command("sleep", "60").init(true)
                .label("io.moodlectl.test", "mctl-r").build());
        runtime.start("mctl-r-it-built");
        assertThat(runtime.exec("mctl-r-it-built", List.of("cat", "/built.txt"), null, null).output()).isEqualTo("built-with-arg\n");
        runtime.remove("mctl-r-it-built");

        images.remove(BUILT);
        assertThat(images.exists(BUILT)).isFalse();
        images.remove(BUILT); // missing: no error
        images.remove(BASE);
        assertThat(images.list("mctl-r-it/")).isEmpty();
    }

    @Test
    void aFailingBuildIsFailedWithTheLastLines() throws IOException {
        Path ctx = Files.createDirectories(work.resolve("broken"));
        Files.writeString(ctx.resolve("Containerfile"), "ARG BASE\nFROM ${BASE}\nRUN echo about-to-fail && false\n");
        String base = BusyboxImage.ensure(images);
        assertThatThrownBy(() -> images.build(ctx, BROKEN, Map.of("BASE", base), null))
                .isInstanceOfSatisfying(MoodlectlException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.FAILED);
                    assertThat(e.getMessage()).contains(BROKEN).contains("about-to-fail");
                });
        assertThat(images.exists(BROKEN)).isFalse();
        images.remove(base);
    }

    @Test
    void normalisesTheEnginesLocalPrefixes() {
        assertThat(DockerImageStore.normalise("localhost/moodlectl/web:php8.2-abc")).isEqualTo("moodlectl/web:php8.2-abc");
        assertThat(DockerImageStore.normalise("docker.io/moodlectl/web:php8.2-abc")).isEqualTo("moodlectl/web:php8.2-abc");
        assertThat(DockerImageStore.normalise("moodlectl/web:x")).isEqualTo("moodlectl/web:x");
    }
}
