package io.moodlectl.site;

import io.moodlectl.error.MoodlectlException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** One operation at a time per site: a kernel file lock (released by the kernel if the process dies). */
public final class SiteLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private SiteLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static SiteLock acquire(Path locksDir, String site) {
        try {
            Files.createDirectories(locksDir);
            Path f = locksDir.resolve(site + ".lock");
            FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                ch.close();
                throw MoodlectlException.conflict("another moodlectl operation on site " + site + " is running",
                        "wait for it to finish (see `moodlectl ops list --site " + site + "`)");
            }
            return new SiteLock(ch, l);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
