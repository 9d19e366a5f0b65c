package io.moodlectl.storage.btrfs;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.shell.ShellCommand;
import io.moodlectl.shell.ShellResult;
import io.moodlectl.storage.FilesystemType;
import io.moodlectl.storage.PoolSpace;
import io.moodlectl.storage.PoolUsage;
import io.moodlectl.storage.StorageCapabilities;
import io.moodlectl.storage.StorageDriver;
import io.moodlectl.storage.Volume;
import io.moodlectl.storage.VolumeName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Each volume is a btrfs subvolume directly under the pool root (never nested); a snapshot is
 * {@code btrfs subvolume snapshot [-r]}, atomic for the whole volume and instant; a clone is a writable snapshot.
 * Read-only and creation time come from the filesystem ({@code btrfs subvolume show}).
 */
public final class BtrfsDriver implements StorageDriver {
    public static final String NAME = "btrfs";
    /** The inode number of every btrfs subvolume's root directory. */
    private static final long SUBVOLUME_INODE = 256;
    private static final DateTimeFormatter SHOW_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z");

    private final Path root;

    /** UNSUPPORTED unless {@code root} is on btrfs. */
    public BtrfsDriver(Path root) {
        this.root = FilesystemType.requireDirectory(root);
        String fs = FilesystemType.of(this.root);
        if (!NAME.equals(fs)) {
            throw new MoodlectlException(ExitCode.UNSUPPORTED,
                    "the pool at " + this.root + " is on " + fs + ", not btrfs",
                    "mount a btrfs filesystem there (moodlectl can make one in a loop file), or use the reflink or copy driver");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public StorageCapabilities capabilities() {
        return new StorageCapabilities(true, true, true);
    }

    @Override
    public Volume createVolume(String name) {
        Path path = volumePath(name);
        requireAbsent(name, path);
        ShellResult r = btrfs("subvolume", "create", path.toString());
        if (!r.ok()) {
            if (PoolSpace.isNoSpace(r)) {
                throw PoolSpace.noSpace("cannot create volume " + name, root);
            }
            throw failed("cannot create volume " + name, r);
        }
        return volume(name, path);
    }

    @Override
    public Volume snapshot(String source, String target, boolean readOnly) {
        Path from = requireVolume(source);
        Path to = volumePath(target);
        requireAbsent(target, to);
        List<String> args = new ArrayList<>(List.of("subvolume", "snapshot"));
        if (readOnly) {
            args.add("-r");
        }
        args.add(from.toString());
        args.add(to.toString());
        ShellResult r = btrfs(args.toArray(String[]::new));
        if (!r.ok()) {
            if (isSubvolume(to)) {
                delete(target);
            }
            if (PoolSpace.isNoSpace(r)) {
                throw PoolSpace.noSpace("cannot snapshot " + source + " as " + target, root);
            }
            throw failed("cannot snapshot " + source + " as " + target, r);
        }
        return volume(target, to);
    }

    @Override
    public Volume clone(String source, String target) {
        return snapshot(source, target, false);
    }

    @Override
    public void delete(String name) {
        Path path = volumePath(name);
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSubvolume(path)) {
            throw MoodlectlException.conflict(path + " is in the pool but is not a btrfs subvolume",
                    "it was not made by moodlectl: move it out of the pool");
        }
        ShellResult r = btrfs("subvolume", "delete", path.toString());
        if (!r.ok() && Files.exists(path)) {
            // a read-only snapshot may refuse deletion on some kernels: make it writable, then try again
            btrfs("property", "set", "-ts", path.toString(), "ro", "false");
            r = btrfs("subvolume", "delete", path.toString());
        }
        if (!r.ok()) {
            if (r.output().contains("not empty")) {
                throw MoodlectlException.conflict("cannot delete volume " + name + ": it holds another subvolume",
                        "delete the subvolume nested inside it first (`btrfs subvolume list -o " + path + "`); "
                                + "moodlectl never nests volumes");
            }
            throw failed("cannot delete volume " + name, r);
        }
    }

    @Override
    public Optional<Volume> find(String name) {
        Path path = volumePath(name);
        return isSubvolume(path) ? Optional.of(volume(name, path)) : Optional.empty();
    }

    @Override
    public List<Volume> list() {
        try (Stream<Path> entries = Files.list(root)) {
            return entries
                    .filter(p -> VolumeName.isValid(p.getFileName().toString()))
                    .filter(BtrfsDriver::isSubvolume)
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .map(n -> volume(n, root.resolve(n)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    /** From {@code btrfs filesystem usage -b}: "Free (estimated)" accounts for metadata duplication; df does not. */
    @Override
    public PoolUsage usage() {
        ShellResult r = btrfs("filesystem", "usage", "-b", root.toString());
        return (r.ok() ? parseUsage(r.stdout()) : Optional.<PoolUsage>empty())
                .orElseGet(() -> PoolSpace.fileStoreUsage(root));
    }

    /** Device size, Used and Free (estimated) from {@code btrfs filesystem usage -b}; empty if they are not all there. */
    static Optional<PoolUsage> parseUsage(String usageOutput) {
        long total = field(usageOutput, "Device size:");
        long used = field(usageOutput, "Used:");
        long free = field(usageOutput, "Free (estimated):");
        return total > 0 && used >= 0 && free >= 0 ? Optional.of(new PoolUsage(total, used, free)) : Optional.empty();
    }

    @Override
    public long volumeSize(String name) {
        return PoolSpace.apparentSize(requireVolume(name));
    }

    private Volume volume(String name, Path path) {
        ShellResult r = btrfs("subvolume", "show", path.toString());
        boolean readOnly = false;
        Instant created = null;
        if (r.ok()) {
            for (String line : r.stdout().split("\n")) {
                String t = line.strip();
                if (t.startsWith("Flags:")) {
                    readOnly = t.contains("readonly");
                } else if (t.startsWith("Creation time:")) {
                    try {
                        created = OffsetDateTime.parse(t.substring("Creation time:".length()).strip(), SHOW_TIME).toInstant();
                    } catch (RuntimeException ignored) {
                        // fall back to the directory's time below
                    }
                }
            }
        } else {
            ShellResult ro = btrfs("property", "get", "-ts", path.toString(), "ro");
            readOnly = ro.ok() && ro.stdout().contains("ro=true");
        }
        if (created == null) {
            try {
                created = Files.getLastModifiedTime(path).toInstant();
            } catch (IOException e) {
                created = Instant.EPOCH;
            }
        }
        return new Volume(name, path, readOnly, created);
    }

    private static long field(String usage, String label) {
        for (String line : usage.split("\n")) {
            String t = line.strip();
            if (t.startsWith(label)) {
                String rest = t.substring(label.length()).strip();
                String number = rest.split("\\s+")[0];
                try {
                    return Long.parseLong(number);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static boolean isSubvolume(Path path) {
        try {
            return Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                    && ((Number) Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue() == SUBVOLUME_INODE;
        } catch (IOException e) {
            return false;
        }
    }

    private Path volumePath(String name) {
        return root.resolve(VolumeName.requireValid(name));
    }

    private Path requireVolume(String name) {
        Path path = volumePath(name);
        if (!isSubvolume(path)) {
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

    private static ShellResult btrfs(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add("btrfs");
        argv.addAll(List.of(args));
        return ShellCommand.of(argv).run();
    }

    private MoodlectlException failed(String what, ShellResult r) {
        return new MoodlectlException(ExitCode.FAILED, what + ": btrfs exited " + r.exitCode() + ": " + r.output().strip(),
                "check the pool's filesystem (`btrfs filesystem usage " + root + "`, dmesg)");
    }
}
