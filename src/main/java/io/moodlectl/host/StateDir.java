package io.moodlectl.host;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The state directory: {@code host.json} (the pool), {@code journal.db}, {@code secrets/} (0700, files 0600),
 * {@code sites/<name>/} (site file, state, proxy files), {@code records/} (exported notebooks), {@code locks/},
 * {@code cache/} (git mirrors, image build work), and by default the loop pool ({@code pool.img} mounted on {@code pool/}).
 */
public record StateDir(Path root) {

    /** --state-dir, else $MOODLECTL_STATE_DIR, else /var/lib/moodlectl for root, ~/.local/share/moodlectl otherwise. */
    public static StateDir resolve(Path option) {
        if (option != null) {
            return new StateDir(option.toAbsolutePath().normalize());
        }
        String env = System.getenv("MOODLECTL_STATE_DIR");
        if (env != null && !env.isBlank()) {
            return new StateDir(Path.of(env).toAbsolutePath().normalize());
        }
        if ("root".equals(System.getProperty("user.name"))) {
            return new StateDir(Path.of("/var/lib/moodlectl"));
        }
        return new StateDir(Path.of(System.getProperty("user.home"), ".local", "share", "moodlectl"));
    }

    public Path hostConfig() {
        return root.resolve("host.json");
    }

    public Path journal() {
        return root.resolve("journal.db");
    }

    public Path secrets() {
        return root.resolve("secrets");
    }

    public Path sites() {
        return root.resolve("sites");
    }

    public Path site(String name) {
        return sites().resolve(name);
    }

    public Path records() {
        return root.resolve("records");
    }

    public Path locks() {
        return root.resolve("locks");
    }

    public Path cache() {
        return root.resolve("cache");
    }

    public Path defaultPoolImage() {
        return root.resolve("pool.img");
    }

    public Path defaultPoolMount() {
        return root.resolve("pool");
    }

    public boolean initialised() {
        return Files.isRegularFile(hostConfig());
    }

    /** Creates the directory layout (idempotent); secrets/ is 0700. */
    public void create() {
        try {
            Files.createDirectories(root);
            for (Path p : new Path[]{sites(), records(), locks(), cache()}) {
                Files.createDirectories(p);
            }
            if (!Files.isDirectory(secrets())) {
                Files.createDirectories(secrets());
            }
            Files.setPosixFilePermissions(secrets(), PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new MoodlectlException(ExitCode.FAILED, "cannot create the state directory " + root + ": " + e.getMessage(),
                    "run as root or choose another --state-dir", e);
        }
    }

    public static void writeAtomically(Path target, String content) {
        try {
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            Files.writeString(tmp, content);
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
