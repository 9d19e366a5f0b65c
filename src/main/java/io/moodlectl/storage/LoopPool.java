package io.moodlectl.storage;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.shell.ShellCommand;
import io.moodlectl.shell.ShellResult;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The default pool, as LXD/Incus make it: a btrfs filesystem in a sparse file, mounted through a loop device
 * ({@code truncate -s}, {@code mkfs.btrfs}, {@code mount -o loop}). The loop device is released when the pool is
 * unmounted ({@code -o loop} sets auto-clear); {@link #unmount} detaches any the kernel left behind.
 */
public final class LoopPool {
    /** The smallest btrfs filesystem {@code mkfs.btrfs} makes (114294784 bytes, about 109 MiB). */
    public static final long MIN_SIZE_BYTES = 114_294_784L;

    private static final Pattern SIZE = Pattern.compile("\\s*(\\d+)\\s*(?:([kmgtKMGT])(?:i?[bB])?|[bB])?\\s*");

    private LoopPool() {
    }

    /**
     * Makes a new pool: a sparse image file of {@code sizeBytes}, formatted btrfs, mounted at {@code mountPoint}
     * (created if missing). INVALID_INPUT below {@link #MIN_SIZE_BYTES}; CONFLICT if the image exists or the mount point
     * is already a mount or not empty; MISSING_TOOL without btrfs-progs; UNSUPPORTED when no loop device is free.
     * On failure nothing is left behind.
     */
    public static void create(Path imageFile, long sizeBytes, Path mountPoint) {
        Path image = imageFile.toAbsolutePath().normalize();
        Path mp = mountPoint.toAbsolutePath().normalize();
        if (sizeBytes < MIN_SIZE_BYTES) {
            throw MoodlectlException.invalid("a pool of " + sizeBytes + " bytes is too small: btrfs needs at least "
                    + MIN_SIZE_BYTES + " bytes (109 MiB)", "give a size of at least 128M, e.g. 20G");
        }
        requireTool("truncate", "coreutils");
        requireTool("mkfs.btrfs", "btrfs-progs");
        requireTool("btrfs", "btrfs-progs");
        requireTool("losetup", "mount");
        if (Files.exists(image)) {
            throw MoodlectlException.conflict("the pool image " + image + " already exists",
                    "mount it instead, or remove it if it holds nothing you need");
        }
        if (isMounted(mp)) {
            throw MoodlectlException.conflict(mp + " is already a mount point (of " + mountSource(mp).orElse("something")
                    + ")", "unmount it, or choose another directory for the pool");
        }
        if (Files.isDirectory(mp) && !isEmptyDirectory(mp)) {
            throw MoodlectlException.conflict(mp + " is not empty", "choose an empty or new directory for the pool");
        }
        Deque<Runnable> undo = new ArrayDeque<>();
        boolean done = false;
        try {
            createDirectories(image.getParent());
            check(ShellCommand.of("truncate", "-s", Long.toString(sizeBytes), image.toString()), "create the pool image");
            undo.push(() -> deleteIfExists(image));
            check(ShellCommand.of("mkfs.btrfs", "-q", image.toString()), "format the pool image");
            if (!Files.isDirectory(mp)) {
                createDirectories(mp);
                undo.push(() -> deleteIfExists(mp));
            }
            mountLoop(image, mp);
            done = true;
        } finally {
            if (!done) {
                while (!undo.isEmpty()) {
                    undo.pop().run();
                }
            }
        }
    }

    /**
     * Mounts an existing pool image at {@code mountPoint} (created if missing). Already mounted there: nothing to do.
     * NOT_FOUND without the image; CONFLICT if something else is mounted there; UNSUPPORTED when no loop device is free.
     */
    public static void mount(Path imageFile, Path mountPoint) {
        Path image = imageFile.toAbsolutePath().normalize();
        Path mp = mountPoint.toAbsolutePath().normalize();
        if (!Files.isRegularFile(image)) {
            throw MoodlectlException.notFound("the pool image " + image + " does not exist",
                    "create the pool first, or fix the recorded image path");
        }
        if (isMounted(mp)) {
            Optional<Path> backing = backingFile(mp);
            if (backing.isPresent() && sameFile(backing.get(), image)) {
                return;
            }
            throw MoodlectlException.conflict(mp + " is already a mount point of " + mountSource(mp).orElse("something else")
                    + ", not of " + image, "unmount it, or choose another directory for the pool");
        }
        requireTool("losetup", "mount");
        createDirectories(mp);
        mountLoop(image, mp);
    }

    /**
     * Unmounts the pool at {@code mountPoint} and makes sure its loop device is detached. Not mounted: nothing to do.
     * CONFLICT while something still uses the pool.
     */
    public static void unmount(Path mountPoint) {
        Path mp = mountPoint.toAbsolutePath().normalize();
        if (!isMounted(mp)) {
            return;
        }
        Optional<Path> backing = backingFile(mp);
        ShellCommand umount = ShellCommand.of("umount", mp.toString());
        ShellResult r = umount.run();
        if (!r.ok()) {
            if (r.output().contains("busy")) {
                throw MoodlectlException.conflict("the pool at " + mp + " is in use", "stop the containers and processes"
                        + " using it (`fuser -vm " + mp + "` shows them), then unmount again");
            }
            throw new MoodlectlException(ExitCode.FAILED, umount + " exited " + r.exitCode() + ": " + r.output().strip(),
                    null);
        }
        backing.ifPresent(LoopPool::detachUnused);
    }

    /** Whether something is mounted at {@code mountPoint} ({@code mountpoint -q}). */
    public static boolean isMounted(Path mountPoint) {
        Path mp = mountPoint.toAbsolutePath().normalize();
        return Files.isDirectory(mp) && ShellCommand.of("mountpoint", "-q", mp.toString()).run().ok();
    }

    /** The image file behind the loop device mounted at {@code mountPoint}, if a loop device is mounted there. */
    public static Optional<Path> backingFile(Path mountPoint) {
        Optional<String> source = mountSource(mountPoint.toAbsolutePath().normalize());
        if (source.isEmpty() || !source.get().startsWith("/dev/loop")) {
            return Optional.empty();
        }
        ShellResult r = ShellCommand.of("losetup", "-n", "-O", "BACK-FILE", source.get()).run();
        String file = r.stdout().strip();
        if (!r.ok() || file.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Path.of(file.replaceFirst(" \\(deleted\\)$", "")));
    }

    /**
     * A size as bytes: a number with an optional binary unit, {@code K}, {@code M}, {@code G}, {@code T} (also
     * {@code KiB}…, {@code KB}…, all powers of 1024, any case), e.g. "20G", "512M", "1T", "134217728".
     * INVALID_INPUT otherwise.
     */
    public static long parseSize(String text) {
        Matcher m = text == null ? null : SIZE.matcher(text);
        if (m == null || !m.matches()) {
            throw MoodlectlException.invalid("invalid size '" + text + "'",
                    "give a number of bytes or a number with K, M, G or T, e.g. 20G or 512M");
        }
        try {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "" : m.group(2).toUpperCase(Locale.ROOT);
            int shift = switch (unit) {
                case "K" -> 10;
                case "M" -> 20;
                case "G" -> 30;
                case "T" -> 40;
                default -> 0;
            };
            return Math.multiplyExact(n, 1L << shift);
        } catch (NumberFormatException | ArithmeticException e) {
            throw MoodlectlException.invalid("size '" + text + "' is too large", "give a size below 8 EiB, e.g. 20G");
        }
    }

    private static void mountLoop(Path image, Path mp) {
        ShellResult free = ShellCommand.of("losetup", "-f").run();
        if (!free.ok()) {
            throw noLoopDevice(image, free);
        }
        ShellCommand mount = ShellCommand.of("mount", "-o", "loop", image.toString(), mp.toString());
        ShellResult r = mount.run();
        if (!r.ok()) {
            String out = r.output().toLowerCase(Locale.ROOT);
            if (out.contains("loop device") || out.contains("no free loop")) {
                throw noLoopDevice(image, r);
            }
            throw new MoodlectlException(ExitCode.FAILED, mount + " exited " + r.exitCode() + ": " + r.output().strip(),
                    "check the image with `btrfs check " + image + "` and the kernel log (dmesg)");
        }
    }

    private static MoodlectlException noLoopDevice(Path image, ShellResult r) {
        return new MoodlectlException(ExitCode.UNSUPPORTED,
                "no free loop device to mount the pool image " + image + ": " + r.output().strip(),
                "see which are taken with `losetup -a` and detach unused ones (`losetup -d /dev/loopN`), "
                        + "or put the pool on an existing btrfs filesystem instead of a loop file");
    }

    /** Detaches loop devices backed by {@code image} that nothing mounts any more. */
    private static void detachUnused(Path image) {
        ShellResult r = ShellCommand.of("losetup", "-j", image.toString()).run();
        if (!r.ok()) {
            return;
        }
        for (String line : r.stdout().split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String device = line.substring(0, colon).strip();
            boolean mounted = ShellCommand.of("findmnt", "-n", "-S", device).run().ok();
            if (!mounted) {
                ShellCommand.of("losetup", "-d", device).run();
            }
        }
    }

    private static Optional<String> mountSource(Path mp) {
        ShellResult r = ShellCommand.of("findmnt", "-n", "-o", "SOURCE", "--mountpoint", mp.toString()).run();
        if (!r.ok() || r.stdout().isBlank()) {
            return Optional.empty();
        }
        String first = r.stdout().strip().split("\n")[0].strip();
        return Optional.of(first.replaceFirst("\\[.*]$", ""));
    }

    private static void check(ShellCommand command, String what) {
        ShellResult r = command.run();
        if (!r.ok()) {
            if (PoolSpace.isNoSpace(r)) {
                throw new MoodlectlException(ExitCode.NO_SPACE, "cannot " + what + ": no space left on device",
                        "free space on the disk holding the image, or put the image elsewhere");
            }
            throw new MoodlectlException(ExitCode.FAILED,
                    "cannot " + what + ": " + command + " exited " + r.exitCode() + ": " + r.output().strip(), null);
        }
    }

    static void requireTool(String program, String debianPackage) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/sbin"));
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return;
            }
        }
        throw new MoodlectlException(ExitCode.MISSING_TOOL, program + " is not installed",
                "install it: apt-get install " + debianPackage);
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    private static boolean isEmptyDirectory(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new MoodlectlException(ExitCode.FAILED, "cannot create " + dir + ": " + e.getMessage(), null, e);
        }
    }

    private static void deleteIfExists(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort while reverting
        }
    }
}
