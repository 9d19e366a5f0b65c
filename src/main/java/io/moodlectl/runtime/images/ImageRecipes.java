package io.moodlectl.runtime.images;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The recipes: one folder per role ({@code images/<role>/}), read from the classpath (a jar or a directory) or from a
 * directory on disk. A role without a folder has no recipe in this build.
 */
public final class ImageRecipes {
    private final Path directory; // null: the classpath
    private final ClassLoader loader;

    private ImageRecipes(Path directory, ClassLoader loader) {
        this.directory = directory;
        this.loader = loader;
    }

    /** The recipes shipped in moodlectl ({@code src/main/resources/images/}). */
    public static ImageRecipes fromClasspath() {
        return new ImageRecipes(null, ImageRecipes.class.getClassLoader());
    }

    /** Recipes in {@code dir/<role>/}. */
    public static ImageRecipes fromDirectory(Path dir) {
        return new ImageRecipes(dir, null);
    }

    /** The recipe's files, relative name → bytes, sorted by name; empty if the role has no recipe folder. */
    public Optional<Map<String, byte[]>> files(ImageRole role) {
        try {
            if (directory != null) {
                Path d = directory.resolve(role.dirName());
                return Files.isDirectory(d) ? Optional.of(read(d)) : Optional.empty();
            }
            URL url = loader.getResource("images/" + role.dirName());
            if (url == null) {
                return Optional.empty();
            }
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                return Optional.of(read(fs.provider().getPath(uri)));
            }
            return Optional.of(read(Path.of(uri)));
        } catch (IOException | URISyntaxException e) {
            throw new MoodlectlException(ExitCode.FAILED, "cannot read the " + role + " image recipe: " + e.getMessage(), null, e);
        }
    }

    private static Map<String, byte[]> read(Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                files.put(rel, Files.readAllBytes(p));
            }
        }
        return files;
    }

    /** Writes the recipe's files into {@code target} (a build context). */
    static void writeTo(Map<String, byte[]> files, Path target) {
        try {
            for (var f : files.entrySet()) {
                Path p = target.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, f.getValue()); // modes: the Containerfile sets them (RUN chmod)
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
