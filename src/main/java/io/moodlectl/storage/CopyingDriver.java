package io.moodlectl.storage;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.shell.ShellCommand;
import io.moodlectl.shell.ShellResult;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A pool whose volumes are plain directories directly under the root, and whose snapshots and clones are {@code cp -a}
 * copies (reflinked or not, as the subclass says). Not atomic: a snapshot of a running database is not consistent.
 *
 * <p>What the filesystem can't hold is recorded in {@code .moodlectl/} in the pool root: {@code volumes/NAME.properties}
 * (created, readOnly). Copies are made in {@code .moodlectl/partial/} and renamed into place when complete, so a failed
 * or interrupted copy never shows up as a volume; deletions are renamed into {@code .moodlectl/trash/} first.
 */
public abstract class CopyingDriver implements StorageDriver {
    public static final String METADATA_DIR = ".moodlectl";

    private final Path root;

    protected CopyingDriver(Path root) {
        this.root = FilesystemType.requireDirectory(root);
    }

    /** The value of {@code cp --reflink=}: "always" or "never". */
    protected abstract String reflinkMode();

    @Override
    public Path root() {
        return root;
    }

    @Override
    public Volume createVolume(String name) {
        Path path = volumePath(name);
        requireAbsent(name, path);
        writeMetadata(name, false, Instant.now());
        try {
            Files.createDirectory(path);
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("No space left")) {
                throw PoolSpace.noSpace("cannot create volume " + name, root);
            }
            throw new MoodlectlException(ExitCode.FAILED, "cannot create volume " + name + ": " + e, null, e);
        }
        return volume(name, path);
    }

    @Override
    public Volume snapshot(String source, String target, boolean readOnly) {
        return copy(source, target, readOnly, "snapshot");
    }

    @Override
    public Volume clone(String source, String target) {
        return copy(source, target, false, "clone");
    }

    private Volume copy(String source, String target, boolean readOnly, String verb) {
        Path from = requireVolume(source);
        Path to = volumePath(target);
        requireAbsent(target, to);
        Path partial = metadataDir().resolve("partial").resolve(target);
        removeTree(partial);
        createDirectories(partial.getParent());
        ShellCommand cp = ShellCommand.of("cp", "-a", "--reflink=" + reflinkMode(), "--", from.toString(), partial.toString());
        ShellResult r = cp.run();
        if (!r.ok()) {
            removeTree(partial);
            if (PoolSpace.isNoSpace(r)) {
                throw PoolSpace.noSpace("cannot " + verb + " " + source + " as " + target, root);
            }
            throw new MoodlectlException(ExitCode.FAILED, cp + " exited " + r.exitCode() + ": " + r.output().strip(),
                    "nothing was kept of " + target + "; check the pool's filesystem");
        }
        writeMetadata(target, readOnly, Instant.now());
        try {
            Files.move(partial, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            removeTree(partial);
            throw new MoodlectlException(ExitCode.FAILED, "cannot move the copy of " + source + " into place as " + target
                    + ": " + e, null, e);
        }
        return volume(target, to);
    }

    @Override
    public void delete(String name) {
        Path path = volumePath(name);
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            Path trash = metadataDir().resolve("trash").resolve(name + "." + System.nanoTime());
            createDirectories(trash.getParent());
            try {
                Files.move(path, trash, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new MoodlectlException(ExitCode.FAILED, "cannot delete volume " + name + ": " + e, null, e);
            }
            // also clears what an interrupted delete left in the trash
            removeTree(trash.getParent());
        }
        try {
            Files.deleteIfExists(metadataFile(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<Volume> find(String name) {
        Path path = volumePath(name);
        return Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? Optional.of(volume(name, path)) : Optional.empty();
    }

    @Override
    public List<Volume> list() {
        try (Stream<Path> entries = Files.list(root)) {
            return entries
                    .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> p.getFileName().toString())
                    .filter(VolumeName::isValid)
                    .sorted()
                    .map(n -> volume(n, root.resolve(n)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    @Override
    public PoolUsage usage() {
        return PoolSpace.fileStoreUsage(root);
    }

    @Override
    public long volumeSize(String name) {
        return PoolSpace.apparentSize(requireVolume(name));
    }

    private Path volumePath(String name) {
        return root.resolve(VolumeName.requireValid(name));
    }

    private Path requireVolume(String name) {
        Path path = volumePath(name);
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            throw MoodlectlException.notFound("no volume " + name + " in the pool at " + root,
                    "list the volumes with `moodlectl storage list`");
        }
        return path;
    }

    private void requireAbsent(String name, Path path) {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw MoodlectlException.conflict("volume " + name + " already exists in the pool at " + root,
                    "choose another name, or delete the old one first");
        }
    }

    private Volume volume(String name, Path path) {
        Properties p = readMetadata(name);
        boolean readOnly = Boolean.parseBoolean(p.getProperty("readOnly", "false"));
        Instant created;
        try {
            created = p.containsKey("created")
                    ? Instant.parse(p.getProperty("created"))
                    : Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).toInstant();
        } catch (IOException | RuntimeException e) {
            created = Instant.EPOCH;
        }
        return new Volume(name, path, readOnly, created);
    }

    private Path metadataDir() {
        return root.resolve(METADATA_DIR);
    }

    private Path metadataFile(String name) {
        return metadataDir().resolve("volumes").resolve(name + ".properties");
    }

    private Properties readMetadata(String name) {
        Properties p = new Properties();
        Path file = metadataFile(name);
        if (Files.isRegularFile(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return p;
    }

    private void writeMetadata(String name, boolean readOnly, Instant created) {
        Path file = metadataFile(name);
        createDirectories(file.getParent());
        Properties p = new Properties();
        p.setProperty("readOnly", Boolean.toString(readOnly));
        p.setProperty("created", created.toString());
        Path tmp = file.resolveSibling(name + ".properties.tmp");
        try {
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(out, "moodlectl volume " + name);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("No space left")) {
                throw PoolSpace.noSpace("cannot record volume " + name, root);
            }
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** {@code rm -rf} of a tree that may hold files of any owner and mode; a missing tree is fine. */
    private static void removeTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        ShellCommand rm = ShellCommand.of("rm", "-rf", "--one-file-system", "--", dir.toString());
        ShellResult r = rm.run();
        if (!r.ok()) {
            throw new MoodlectlException(ExitCode.FAILED, rm + " exited " + r.exitCode() + ": " + r.output().strip(),
                    "remove " + dir + " by hand");
        }
    }
}
