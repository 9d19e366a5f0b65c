package io.moodlectl.runtime.images;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.runtime.ImageStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The images moodlectl runs, built locally without a registry: per {@link Generation}, a base made by mmdebstrap and
 * the roles built FROM it with the recipes in {@code images/<role>/}. Tags are content hashes ({@link ImageRef}), so
 * "present" means "built from exactly these recipes". Roles without a recipe folder are left out.
 */
public final class ImageCatalog {
    private final ImageStore store;
    private final ImageRecipes recipes;
    private final Path workDir;
    private final String repository;
    private final BaseImageBuilder baseBuilder;
    private final Map<ImageRole, Optional<Map<String, byte[]>>> recipeCache = new EnumMap<>(ImageRole.class);

    /** The shipped recipes, tags under {@code moodlectl/}; tarballs and build contexts go under {@code workDir}. */
    public ImageCatalog(ImageStore store, Path workDir) {
        this(store, workDir, ImageRecipes.fromClasspath(), ImageRef.REPOSITORY, System.getenv("MOODLECTL_DEBIAN_MIRROR"));
    }

    /** Other recipes or another repository name (tests use their own prefix); mirror null: deb.debian.org. */
    public ImageCatalog(ImageStore store, Path workDir, ImageRecipes recipes, String repository, String mirror) {
        this.store = store;
        this.workDir = workDir;
        this.recipes = recipes;
        this.repository = repository;
        this.baseBuilder = new BaseImageBuilder(store, workDir, mirror);
    }

    /** Roles that have a recipe in this build, base first. */
    public List<ImageRole> roles() {
        List<ImageRole> roles = new ArrayList<>();
        for (ImageRole r : ImageRole.values()) {
            if (recipe(r).isPresent()) {
                roles.add(r);
            }
        }
        return roles;
    }

    public ImageRef ref(Generation g, ImageRole role) {
        Map<String, byte[]> files = recipe(role).orElseThrow(() -> new MoodlectlException(ExitCode.NOT_READY,
                "this moodlectl has no recipe for the " + role + " image", "install a complete moodlectl build"));
        String baseHash = role == ImageRole.BASE ? null : ref(g, ImageRole.BASE).hash();
        return new ImageRef(repository, role, g, ImageRef.hash(files, g.buildArgs(), baseHash));
    }

    /** The tag the product uses for this generation and role, e.g. {@code moodlectl/web:php8.2-1a2b3c4d5e6f}. */
    public String tag(Generation g, ImageRole role) {
        return ref(g, role).tag();
    }

    /** Every generation × role with a recipe, and whether its image is present. */
    public List<ImageStatus> status() {
        List<ImageStatus> out = new ArrayList<>();
        for (Generation g : Generation.values()) {
            for (ImageRole r : roles()) {
                String tag = tag(g, r);
                out.add(new ImageStatus(g, r, tag, store.exists(tag)));
            }
        }
        return out;
    }

    /**
     * Builds the base then every other role of each generation, skipping images already present unless
     * {@code rebuild}. Progress lines ("[php8.2] web: building …", "… built in 34 s") and the builds' own output go to
     * {@code progress}. Returns the status of every image of the generations asked for.
     */
    public List<ImageStatus> build(Set<Generation> generations, boolean rebuild, Consumer<String> progress) {
        Consumer<String> say = progress == null ? s -> { } : progress;
        if (!roles().contains(ImageRole.BASE)) {
            throw new MoodlectlException(ExitCode.NOT_READY, "this moodlectl has no recipe for the base image",
                    "install a complete moodlectl build");
        }
        List<ImageStatus> out = new ArrayList<>();
        for (Generation g : new TreeSet<>(generations)) {
            for (ImageRole missing : ImageRole.values()) {
                if (recipe(missing).isEmpty()) {
                    say.accept("[" + g.id() + "] " + missing + ": no recipe in this build, skipped");
                }
            }
            for (ImageRole role : roles()) {
                ImageRef ref = ref(g, role);
                String prefix = "[" + g.id() + "] " + role + ": ";
                boolean present = store.exists(ref.tag());
                if (present && !rebuild) {
                    say.accept(prefix + ref.tag() + " present");
                    out.add(new ImageStatus(g, role, ref.tag(), true));
                    continue;
                }
                if (present) {
                    store.remove(ref.tag());
                }
                say.accept(prefix + "building " + ref.tag() + " …");
                long start = System.nanoTime();
                Consumer<String> detail = line -> say.accept(prefix + "  " + line);
                if (role == ImageRole.BASE) {
                    baseBuilder.build(g, recipe(role).orElseThrow(), ref, detail);
                } else {
                    buildRole(g, role, ref, detail);
                }
                long seconds = Math.round((System.nanoTime() - start) / 1e9);
                say.accept(prefix + ref.tag() + " built in " + seconds + " s");
                out.add(new ImageStatus(g, role, ref.tag(), store.exists(ref.tag())));
            }
        }
        return out;
    }

    private void buildRole(Generation g, ImageRole role, ImageRef ref, Consumer<String> progress) {
        Path context;
        try {
            Files.createDirectories(workDir);
            context = Files.createTempDirectory(workDir, "context-" + role.dirName() + "-");
        } catch (IOException e) {
            throw new MoodlectlException(ExitCode.FAILED, "cannot create a build context in " + workDir + ": " + e.getMessage(), null, e);
        }
        try {
            ImageRecipes.writeTo(recipe(role).orElseThrow(), context);
            Map<String, String> args = new LinkedHashMap<>();
            args.put("BASE", tag(g, ImageRole.BASE));
            args.putAll(g.buildArgs());
            store.build(context, ref.tag(), args, progress);
        } finally {
            deleteTree(context);
        }
    }

    private Optional<Map<String, byte[]>> recipe(ImageRole role) {
        return recipeCache.computeIfAbsent(role, recipes::files);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
