package io.moodlectl.site;

import io.moodlectl.error.MoodlectlException;
import io.moodlectl.host.Host;
import io.moodlectl.workflow.OperationRecord;
import io.moodlectl.workflow.OperationStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * One operation at a time per site: a kernel file lock (released by the kernel if the process dies). The lock file
 * {@code locks/<site>.lock} says who holds it ({@code pid=…}, {@code started=…}, {@code holder=…}); it is emptied on a
 * clean release, so a file still naming a holder while the kernel lock is free was left by a process that died: a stale
 * lock, taken over (and said so).
 */
public final class SiteLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;
    private final String staleNotice;

    private SiteLock(FileChannel channel, FileLock lock, String staleNotice) {
        this.channel = channel;
        this.lock = lock;
        this.staleNotice = staleNotice;
    }

    /** Takes the site's lock for this process; CONFLICT naming the holder (operation, pid, start) if another has it. */
    public static SiteLock acquire(Host host, String site) {
        return acquire(host.state().locks(), site, pid -> host.journal().operations(site, 20).stream()
                .filter(o -> o.pid() == pid && (o.status() == OperationStatus.RUNNING || o.status() == OperationStatus.INTERRUPTED))
                .map(OperationRecord::id).findFirst());
    }

    public static SiteLock acquire(Path locksDir, String site) {
        return acquire(locksDir, site, pid -> Optional.empty());
    }

    /** {@code operationOf} finds the journal's running operation of a pid (to name it in the messages). */
    static SiteLock acquire(Path locksDir, String site, LongFunction<Optional<String>> operationOf) {
        try {
            Files.createDirectories(locksDir);
            Path f = locksDir.resolve(site + ".lock");
            FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            Map<String, String> before = read(ch);
            if (l == null) {
                ch.close();
                throw MoodlectlException.conflict("another moodlectl operation on site " + site + " is running: "
                                + describe(before, operationOf),
                        "wait for it to finish (see `moodlectl ops list --site " + site + "`)");
            }
            String notice = null;
            String pid = before.get("pid");
            if (pid != null && !pid.equals(Long.toString(ProcessHandle.current().pid()))) {
                notice = "stale lock of " + describe(before, operationOf).replace("(pid " + pid + ",", "(pid " + pid + ", dead,")
                        + " taken over";
                System.err.println("moodlectl: " + site + ": " + notice);
            }
            ProcessHandle self = ProcessHandle.current();
            String holder = "pid=" + self.pid() + "\nstarted=" + Instant.now() + "\nholder="
                    + self.info().commandLine().orElse("moodlectl").replace('\n', ' ') + "\n";
            write(ch, holder);
            return new SiteLock(ch, l, notice);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What was said when a stale lock was taken over, if one was. */
    public Optional<String> staleNotice() {
        return Optional.ofNullable(staleNotice);
    }

    private static String describe(Map<String, String> holder, LongFunction<Optional<String>> operationOf) {
        String pid = holder.get("pid");
        if (pid == null) {
            return "holder unknown (the lock file names none)";
        }
        Optional<String> op = Optional.empty();
        try {
            op = operationOf.apply(Long.parseLong(pid));
        } catch (RuntimeException ignored) {
            // the journal may be busy or the file garbled: name what the file says
        }
        return op.map(id -> "operation " + id).orElse("a process")
                + " (pid " + pid + ", started " + holder.getOrDefault("started", "?") + ")";
    }

    private static Map<String, String> read(FileChannel ch) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        long size = ch.size();
        if (size == 0 || size > 64 * 1024) {
            return out;
        }
        ByteBuffer b = ByteBuffer.allocate((int) size);
        ch.read(b, 0);
        for (String line : new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return out;
    }

    private static void write(FileChannel ch, String text) throws IOException {
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(false);
    }

    @Override
    public void close() {
        try {
            channel.truncate(0); // a clean release: nobody holds it
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
