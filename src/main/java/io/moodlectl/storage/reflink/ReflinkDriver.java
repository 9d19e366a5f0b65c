package io.moodlectl.storage.reflink;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.shell.ShellCommand;
import io.moodlectl.storage.CopyingDriver;
import io.moodlectl.storage.FilesystemType;
import io.moodlectl.storage.StorageCapabilities;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Volumes are plain directories; snapshots and clones are reflinked copies ({@code cp -a --reflink=always}) that share
 * extents with their source: fast whatever the size of the files, but a file-by-file walk, so not atomic. Works on XFS
 * made with {@code reflink=1} (the default since xfsprogs 5.1) and on btrfs.
 */
public final class ReflinkDriver extends CopyingDriver {
    public static final String NAME = "reflink";

    /** UNSUPPORTED when a reflink copy fails in {@code root}. */
    public ReflinkDriver(Path root) {
        super(root);
        if (!supports(root())) {
            String fs = FilesystemType.of(root());
            throw new MoodlectlException(ExitCode.UNSUPPORTED,
                    "the filesystem at " + root() + " (" + fs + ") can't make reflink copies",
                    "put the pool on btrfs or on XFS made with `mkfs.xfs -m reflink=1`, or use the copy driver (slow full copies)");
        }
    }

    /** Whether {@code cp --reflink=always} works in {@code dir}: tries it on a small file. */
    public static boolean supports(Path dir) {
        Path probe = null;
        Path copy = null;
        try {
            probe = Files.createTempFile(dir, ".moodlectl-reflink-probe-", "");
            // 64 KiB: larger than btrfs inlines in metadata, so the probe exercises real extents
            Files.write(probe, new byte[64 * 1024]);
            copy = probe.resolveSibling(probe.getFileName() + ".copy");
            return ShellCommand.of("cp", "--reflink=always", "--", probe.toString(), copy.toString()).run().ok();
        } catch (IOException e) {
            throw new MoodlectlException(ExitCode.FAILED, "cannot write a probe file in " + dir + ": " + e,
                    "check that the pool directory is writable and not full", e);
        } finally {
            deleteQuietly(copy);
            deleteQuietly(probe);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public StorageCapabilities capabilities() {
        return new StorageCapabilities(false, true, false);
    }

    @Override
    protected String reflinkMode() {
        return "always";
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover probe file starts with a dot and is never listed as a volume
            }
        }
    }
}
