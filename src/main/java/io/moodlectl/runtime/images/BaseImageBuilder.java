package io.moodlectl.runtime.images;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.runtime.ImageStore;
import io.moodlectl.shell.ShellCommand;
import io.moodlectl.shell.ShellResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Makes the base image: {@code mmdebstrap} of the generation's Debian suite into a tarball (options from the base
 * recipe's {@code mmdebstrap.options}, one per line), then imported into the engine. The mirror is
 * {@code $MOODLECTL_DEBIAN_MIRROR} or deb.debian.org; it does not change the tag (the packages are the same).
 */
final class BaseImageBuilder {
    static final String OPTIONS_FILE = "mmdebstrap.options";
    static final String DEFAULT_MIRROR = "http://deb.debian.org/debian";

    private final ImageStore store;
    private final Path workDir;
    private final String mirror;

    BaseImageBuilder(ImageStore store, Path workDir, String mirror) {
        this.store = store;
        this.workDir = workDir;
        this.mirror = mirror == null || mirror.isBlank() ? DEFAULT_MIRROR : mirror;
    }

    static List<String> options(Map<String, byte[]> recipe) {
        byte[] text = recipe.get(OPTIONS_FILE);
        if (text == null) {
            throw new MoodlectlException(ExitCode.FAILED, "the base image recipe has no " + OPTIONS_FILE);
        }
        List<String> opts = new ArrayList<>();
        for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                opts.add(l);
            }
        }
        return opts;
    }

    ShellCommand command(Generation g, Map<String, byte[]> recipe, Path tarball) {
        List<String> argv = new ArrayList<>();
        argv.add("mmdebstrap");
        argv.addAll(options(recipe));
        argv.add(g.debianSuite());
        argv.add(tarball.toString());
        argv.add(mirror);
        return ShellCommand.of(argv);
    }

    void build(Generation g, Map<String, byte[]> recipe, ImageRef ref, Consumer<String> progress) {
        Path tarball = workDir.resolve("base-" + g.id() + "-" + ref.hash() + ".tar");
        try {
            Files.createDirectories(workDir);
            Files.deleteIfExists(tarball);
            ShellCommand cmd = command(g, recipe, tarball);
            progress.accept(cmd.toShellString());
            ShellResult r = cmd.run();
            if (!r.ok()) {
                String out = r.output().strip();
                String[] lines = out.split("\n");
                String tail = String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 20), lines.length));
                throw new MoodlectlException(ExitCode.FAILED, "mmdebstrap of " + g.debianSuite() + " failed (exit "
                        + r.exitCode() + "):\n" + tail,
                        "check that " + mirror + " is reachable (or set MOODLECTL_DEBIAN_MIRROR) and build again");
            }
            store.importRootfs(tarball, ref.tag(), Map.of("io.moodlectl.role", "base",
                    "io.moodlectl.generation", g.id(), "io.moodlectl.debian-suite", g.debianSuite()));
        } catch (IOException e) {
            throw new MoodlectlException(ExitCode.FAILED, "cannot write " + tarball + ": " + e.getMessage(), null, e);
        } finally {
            try {
                Files.deleteIfExists(tarball);
            } catch (IOException ignored) {
                // the work dir is cleaned next time
            }
        }
    }
}
