package io.moodlectl.storage;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.shell.ShellResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Space in a pool: the filesystem's usage, a volume's apparent size, and what running out of space looks like. */
public final class PoolSpace {
    private PoolSpace() {
    }

    /** Usage of the filesystem holding {@code root}, as {@code df} reports it. */
    public static PoolUsage fileStoreUsage(Path root) {
        try {
            FileStore store = Files.getFileStore(root);
            long total = store.getTotalSpace();
            long free = store.getUsableSpace();
            long used = total - store.getUnallocatedSpace();
            return new PoolUsage(total, Math.max(0, used), free);
        } catch (IOException e) {
            throw new MoodlectlException(ExitCode.FAILED, "cannot read the space left in " + root + ": " + e.getMessage(),
                    "check that the pool is mounted", e);
        }
    }

    /** The apparent size of every regular file and symbolic link under {@code dir} (not following links). */
    public static long apparentSize(Path dir) {
        long[] total = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() || attrs.isSymbolicLink()) {
                        total[0] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure " + dir, e);
        }
        return total[0];
    }

    /** Whether a failed command ran out of space (ENOSPC). */
    public static boolean isNoSpace(ShellResult result) {
        return !result.ok() && result.output().contains("No space left on device");
    }

    public static MoodlectlException noSpace(String what, Path root) {
        PoolUsage usage = fileStoreUsage(root);
        return new MoodlectlException(ExitCode.NO_SPACE,
                what + ": no space left in the pool at " + root + " (" + mib(usage.freeBytes()) + " MiB free of "
                        + mib(usage.totalBytes()) + " MiB)",
                "free space (delete old snapshots or retired environments) or grow the pool's filesystem");
    }

    private static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }
}
