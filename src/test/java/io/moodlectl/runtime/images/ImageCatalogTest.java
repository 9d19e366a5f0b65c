package io.moodlectl.runtime.images;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.runtime.ImageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageCatalogTest {
    @TempDir
    Path tmp;

    /** Records builds; images "exist" once built or when pre-seeded. */
    static final class RecordingStore implements ImageStore {
        final Set<String> present = new HashSet<>();
        final List<String> built = new ArrayList<>();
        final Map<String, Map<String, String>> args = new LinkedHashMap<>();
        final List<String> contextFiles = new ArrayList<>();

        @Override public boolean exists(String tag) { return present.contains(tag); }
        @Override public List<String> list(String prefix) { return present.stream().filter(t -> t.startsWith(prefix)).toList(); }
        @Override public void importRootfs(Path tarball, String tag, Map<String, String> labels) { throw new AssertionError("no mmdebstrap in unit tests"); }
        @Override public void build(Path contextDir, String tag, Map<String, String> buildArgs, Consumer<String> progress) {
            built.add(tag);
            args.put(tag, buildArgs);
            try (var s = Files.walk(contextDir)) {
                s.filter(Files::isRegularFile).forEach(p -> contextFiles.add(contextDir.relativize(p).toString()));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
            progress.accept("STEP 1/1: done");
            present.add(tag);
        }
        @Override public void remove(String tag) { present.remove(tag); }
    }

    private Path recipes(String webContainerfile) throws IOException {
        Path root = tmp.resolve("recipes");
        Files.createDirectories(root.resolve("base"));
        Files.writeString(root.resolve("base/mmdebstrap.options"), "--variant=minbase\n");
        Files.createDirectories(root.resolve("web"));
        Files.writeString(root.resolve("web/Containerfile"), webContainerfile);
        Files.writeString(root.resolve("web/entrypoint.sh"), "#!/bin/sh\n");
        return root;
    }

    private ImageCatalog catalog(ImageStore store, Path recipes) {
        return new ImageCatalog(store, tmp.resolve("work"), ImageRecipes.fromDirectory(recipes), "mctl-r-test", null);
    }

    @Test
    void tagsAreContentHashesPerGenerationAndStable() throws IOException {
        Path r = recipes("ARG BASE\nFROM ${BASE}\n");
        ImageCatalog a = catalog(new RecordingStore(), r);
        ImageCatalog b = catalog(new RecordingStore(), r);
        String web82 = a.tag(Generation.PHP82, ImageRole.WEB);
        assertThat(web82).matches("mctl-r-test/web:php8\\.2-[0-9a-f]{12}");
        assertThat(b.tag(Generation.PHP82, ImageRole.WEB)).isEqualTo(web82);
        assertThat(a.tag(Generation.PHP84, ImageRole.WEB)).startsWith("mctl-r-test/web:php8.4-").isNotEqualTo(web82.replace("8.2", "8.4"));

        Files.writeString(r.resolve("web/entrypoint.sh"), "#!/bin/sh\necho changed\n");
        assertThat(catalog(new RecordingStore(), r).tag(Generation.PHP82, ImageRole.WEB)).isNotEqualTo(web82);
    }

    @Test
    void aBaseChangeChangesEveryTagBuiltOnIt() throws IOException {
        Path r = recipes("ARG BASE\nFROM ${BASE}\n");
        String web = catalog(new RecordingStore(), r).tag(Generation.PHP82, ImageRole.WEB);
        String base = catalog(new RecordingStore(), r).tag(Generation.PHP82, ImageRole.BASE);
        Files.writeString(r.resolve("base/mmdebstrap.options"), "--variant=minbase\n--include=curl\n");
        assertThat(catalog(new RecordingStore(), r).tag(Generation.PHP82, ImageRole.BASE)).isNotEqualTo(base);
        assertThat(catalog(new RecordingStore(), r).tag(Generation.PHP82, ImageRole.WEB)).isNotEqualTo(web);
    }

    @Test
    void buildsMissingRolesOnThePresentBaseSkipsPresentOnesAndRebuildsOnRequest() throws IOException {
        Path r = recipes("ARG BASE\nFROM ${BASE}\n");
        RecordingStore store = new RecordingStore();
        ImageCatalog cat = catalog(store, r);
        String base = cat.tag(Generation.PHP82, ImageRole.BASE);
        String web = cat.tag(Generation.PHP82, ImageRole.WEB);
        store.present.add(base);
        List<String> progress = new ArrayList<>();

        List<ImageStatus> result = cat.build(Set.of(Generation.PHP82), false, progress::add);
        assertThat(store.built).containsExactly(web);
        assertThat(store.args.get(web)).containsEntry("BASE", base).containsEntry("PHP_VERSION", "8.2")
                .containsEntry("DEBIAN_SUITE", "bookworm").containsEntry("POSTGRES_VERSION", "15");
        assertThat(store.contextFiles).containsExactlyInAnyOrder("Containerfile", "entrypoint.sh");
        assertThat(result).extracting(ImageStatus::role).containsExactly(ImageRole.BASE, ImageRole.WEB);
        assertThat(result).allMatch(ImageStatus::present);
        assertThat(progress).anyMatch(l -> l.startsWith("[php8.2] web: building " + web))
                .anyMatch(l -> l.startsWith("[php8.2] web: " + web + " built in "))
                .anyMatch(l -> l.equals("[php8.2] mariadb: no recipe in this build, skipped"));

        store.built.clear();
        cat.build(Set.of(Generation.PHP82), false, null);
        assertThat(store.built).isEmpty();

        assertThat(cat.status()).filteredOn(s -> s.generation() == Generation.PHP82).allMatch(ImageStatus::present);
        assertThat(cat.status()).filteredOn(s -> s.generation() == Generation.PHP84).noneMatch(ImageStatus::present);
        assertThat(cat.roles()).containsExactly(ImageRole.BASE, ImageRole.WEB);
    }

    @Test
    void aRoleWithoutARecipeHasNoTag() throws IOException {
        ImageCatalog cat = catalog(new RecordingStore(), recipes("FROM x\n"));
        assertThatThrownBy(() -> cat.tag(Generation.PHP82, ImageRole.HAPROXY))
                .isInstanceOfSatisfying(MoodlectlException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_READY));
    }

    @Test
    void shippedRecipesIncludeBaseAndWeb() {
        ImageRecipes shipped = ImageRecipes.fromClasspath();
        assertThat(shipped.files(ImageRole.BASE)).hasValueSatisfying(f -> assertThat(f).containsKey("mmdebstrap.options"));
        assertThat(shipped.files(ImageRole.WEB)).hasValueSatisfying(f -> assertThat(f).containsKey("Containerfile"));
        assertThat(BaseImageBuilder.options(shipped.files(ImageRole.BASE).orElseThrow())).contains("--variant=minbase");
    }

    @Test
    void mmdebstrapCommandUsesTheSuiteAndMirror() throws IOException {
        BaseImageBuilder b = new BaseImageBuilder(new RecordingStore(), tmp, "http://mirror.example/debian");
        String line = b.command(Generation.PHP84, Map.of("mmdebstrap.options", "# c\n--variant=minbase\n\n".getBytes()),
                tmp.resolve("b.tar")).toShellString();
        assertThat(line).isEqualTo("mmdebstrap --variant=minbase trixie " + tmp.resolve("b.tar") + " http://mirror.example/debian");
    }

    @Test
    void generationsParse() {
        assertThat(Generation.parse("php8.2")).isEqualTo(Generation.PHP82);
        assertThat(Generation.parse("PHP84")).isEqualTo(Generation.PHP84);
        assertThat(Generation.PHP84.debianSuite()).isEqualTo("trixie");
        assertThat(Generation.PHP84.postgresMajor()).isEqualTo("17");
        assertThatThrownBy(() -> Generation.parse("php7.4"))
                .isInstanceOfSatisfying(MoodlectlException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
                    assertThat(e.hint()).contains("php8.2").contains("php8.4");
                });
    }
}
