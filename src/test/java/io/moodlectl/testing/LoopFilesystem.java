package io.moodlectl.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away filesystem of a given type in a sparse image file under {@code /var/tmp/mctl-s-*}, loop-mounted for a
 * test. {@link #close()} always unmounts, detaches its loop device and deletes the image, and a JVM shutdown hook does
 * the same if a test run is cut short. Uses one loop device.
 */
public final class LoopFilesystem implements AutoCloseable {
    public static final Path BASE = Path.of("/var/tmp");
    public static final String PREFIX = "mctl-s-";

    private final Path image;
    private final Path mountPoint;
    private final Thread shutdownHook;
    private boolean closed;

    private LoopFilesystem(Path image, Path mountPoint) {
        this.image = image;
        this.mountPoint = mountPoint;
        this.shutdownHook = new Thread(this::cleanUp);
    }

    /** A btrfs filesystem of {@code sizeBytes} (at least 114294784). */
    public static LoopFilesystem btrfs(long sizeBytes) {
        return create("btrfs", sizeBytes, List.of("mkfs.btrfs", "-q"));
    }

    /** An XFS filesystem with reflinks of {@code sizeBytes} (at least 300 MiB). */
    public static LoopFilesystem xfsWithReflink(long sizeBytes) {
        return create("xfs", sizeBytes, List.of("mkfs.xfs", "-q", "-m", "reflink=1"));
    }

    /** An ext4 filesystem, which has no reflinks. */
    public static LoopFilesystem ext4(long sizeBytes) {
        return create("ext4", sizeBytes, List.of("mkfs.ext4", "-q", "-F"));
    }

    private static LoopFilesystem create(String type, long sizeBytes, List<String> mkfs) {
        String id = PREFIX + type + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        LoopFilesystem fs = new LoopFilesystem(BASE.resolve(id + ".img"), BASE.resolve(id));
        Runtime.getRuntime().addShutdownHook(fs.shutdownHook);
        boolean ok = false;
        try {
            run("truncate", "-s", Long.toString(sizeBytes), fs.image.toString());
            List<String> format = new ArrayList<>(mkfs);
            format.add(fs.image.toString());
            run(format.toArray(String[]::new));
            Files.createDirectories(fs.mountPoint);
            run("mount", "-o", "loop", fs.image.toString(), fs.mountPoint.toString());
            ok = true;
            return fs;
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a " + type + " loop filesystem", e);
        } finally {
            if (!ok) {
                fs.close();
            }
        }
    }

    /** The root of the mounted filesystem. */
    public Path root() {
        return mountPoint;
    }

    public Path image() {
        return image;
    }

    /** A new empty directory in the filesystem. */
    public Path newDirectory(String name) {
        try {
            return Files.createDirectories(mountPoint.resolve(name));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // already shutting down: the hook runs cleanUp itself
        }
        cleanUp();
    }

    private void cleanUp() {
        if (Files.isDirectory(mountPoint) && quiet("mountpoint", "-q", mountPoint.toString()) == 0) {
            if (quiet("umount", mountPoint.toString()) != 0) {
                quiet("umount", "-l", mountPoint.toString());
            }
        }
        detachLoopDevices(image);
        try {
            Files.deleteIfExists(mountPoint);
        } catch (IOException ignored) {
            // not empty: it was not unmounted; leave it for a person to see
        }
        try {
            Files.deleteIfExists(image);
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Detaches every loop device still backed by {@code image} (leftovers of a failed unmount). */
    public static void detachLoopDevices(Path image) {
        String out = output("losetup", "-j", image.toString());
        for (String line : out.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                quiet("losetup", "-d", line.substring(0, colon).strip());
            }
        }
    }

    private static void run(String... argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", argv) + " exited " + p.exitValue() + ": " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static int quiet(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String output(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
