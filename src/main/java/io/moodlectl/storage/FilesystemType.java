package io.moodlectl.storage;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.shell.ShellCommand;
import io.moodlectl.shell.ShellResult;

import java.nio.file.Files;
import java.nio.file.Path;

/** The type of the filesystem holding a directory, as {@code stat -f -c %T} names it ("btrfs", "xfs", "ext2/ext3", "tmpfs" …). */
public final class FilesystemType {
    private FilesystemType() {
    }

    public static String of(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw MoodlectlException.notFound("pool directory " + dir + " does not exist",
                    "create it, or mount the pool's filesystem there");
        }
        ShellCommand stat = ShellCommand.of("stat", "-f", "-c", "%T", dir.toString());
        ShellResult r = stat.run();
        if (!r.ok()) {
            throw new MoodlectlException(ExitCode.FAILED, stat + " exited " + r.exitCode() + ": " + r.output().strip(),
                    "check that " + dir + " is readable");
        }
        return r.stdout().strip();
    }

    /** A directory that must exist, made absolute and normalised; NOT_FOUND otherwise. */
    public static Path requireDirectory(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw MoodlectlException.notFound("pool directory " + abs + " does not exist",
                    "create it, or mount the pool's filesystem there");
        }
        return abs;
    }
}
