package io.moodlectl.storage;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.shell.ShellCommand;
import io.moodlectl.storage.btrfs.BtrfsDriver;
import io.moodlectl.storage.copy.CopyDriver;
import io.moodlectl.testing.LoopFilesystem;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The loop-file btrfs pool, made, mounted and unmounted for real. One loop device at a time. */
class LoopPoolIT {
    private Path image;
    private Path mountPoint;

    @BeforeEach
    void names() {
        String id = LoopFilesystem.PREFIX + "pool-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        image = LoopFilesystem.BASE.resolve(id + ".img");
        mountPoint = LoopFilesystem.BASE.resolve(id);
    }

    @AfterEach
    void cleanUp() throws IOException {
        for (int i = 0; i < 3 && ShellCommand.of("mountpoint", "-q", mountPoint.toString()).run().ok(); i++) {
            ShellCommand.of("umount", mountPoint.toString()).run();
        }
        LoopFilesystem.detachLoopDevices(image);
        Files.deleteIfExists(image);
        if (Files.isDirectory(mountPoint)) {
            ShellCommand.of("rmdir", mountPoint.toString()).run();
        }
    }

    @Test
    void createsMountsUnmountsAndRemountsAPool() throws IOException {
        LoopPool.create(image, 256L << 20, mountPoint);

        assertThat(LoopPool.isMounted(mountPoint)).isTrue();
        assertThat(FilesystemType.of(mountPoint)).isEqualTo("btrfs");
        assertThat(LoopPool.backingFile(mountPoint)).hasValueSatisfying(p -> assertThat(p).isEqualTo(image));
        assertThat(Files.size(image)).isEqualTo(256L << 20);
        assertThat(loopDevicesOf(image)).isEqualTo(1);
        Files.writeString(mountPoint.resolve("kept.txt"), "kept");

        LoopPool.mount(image, mountPoint); // already mounted: nothing to do
        assertThat(loopDevicesOf(image)).isEqualTo(1);

        LoopPool.unmount(mountPoint);
        assertThat(LoopPool.isMounted(mountPoint)).isFalse();
        assertThat(loopDevicesOf(image)).isZero();
        assertThat(mountPoint.resolve("kept.txt")).doesNotExist();
        LoopPool.unmount(mountPoint); // not mounted: nothing to do

        LoopPool.mount(image, mountPoint);
        assertThat(LoopPool.isMounted(mountPoint)).isTrue();
        assertThat(mountPoint.resolve("kept.txt")).hasContent("kept");
        assertThat(StorageDrivers.forDirectory(mountPoint, java.util.Optional.empty()).name()).isEqualTo("btrfs");

        LoopPool.unmount(mountPoint);
        assertThat(loopDevicesOf(image)).isZero();
    }

    @Test
    void refusesAnExistingImageAndAMountPointTakenBySomethingElse() throws IOException {
        Files.createDirectories(mountPoint);
        ShellCommand.of("mount", "-t", "tmpfs", "-o", "size=1m", "mctl-s-tmpfs", mountPoint.toString()).check();
        try {
            assertExit(ExitCode.CONFLICT, () -> LoopPool.create(image, 256L << 20, mountPoint));
            assertThat(image).doesNotExist();
            Files.write(image, new byte[0]);
            assertExit(ExitCode.CONFLICT, () -> LoopPool.mount(image, mountPoint));
            assertExit(ExitCode.CONFLICT, () -> LoopPool.create(image, 256L << 20, mountPoint.resolveSibling(
                    mountPoint.getFileName() + "-other")));
        } finally {
            ShellCommand.of("umount", mountPoint.toString()).run();
        }
        assertThat(loopDevicesOf(image)).isZero();
    }

    @Test
    void refusesANonEmptyMountPointAndAMissingImage() throws IOException {
        Files.createDirectories(mountPoint);
        Path stray = Files.writeString(mountPoint.resolve("stray.txt"), "x");
        try {
            assertExit(ExitCode.CONFLICT, () -> LoopPool.create(image, 256L << 20, mountPoint));
            assertThat(image).doesNotExist();
        } finally {
            Files.delete(stray);
        }
        assertExit(ExitCode.NOT_FOUND, () -> LoopPool.mount(image, mountPoint));
        assertExit(ExitCode.INVALID_INPUT, () -> LoopPool.create(image, LoopPool.parseSize("100M"), mountPoint));
    }

    @Test
    void aFullPoolRefusesACopyWithNoSpaceAndKeepsNoPartialTarget() throws IOException {
        LoopPool.create(image, LoopPool.parseSize("130M"), mountPoint);
        long free = new BtrfsDriver(mountPoint).usage().freeBytes();
        CopyDriver copies = new CopyDriver(mountPoint);
        Path live = copies.createVolume("live").path();
        // more than half of what is free: a second real copy can't fit (a reflink would: so this also shows that the
        // copy driver really copies on btrfs, where plain `cp -a` reflinks)
        long toWrite = free * 6 / 10;
        writeRandom(live, toWrite);
        ShellCommand.of("sync").run();

        assertThatThrownBy(() -> copies.clone("live", "staging"))
                .isInstanceOfSatisfying(MoodlectlException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.NO_SPACE);
                    assertThat(e.getMessage()).contains("staging").contains("no space");
                    assertThat(e.hint()).contains("free space").contains("grow");
                });

        assertThat(copies.find("staging")).isEmpty();
        assertThat(mountPoint.resolve("staging")).doesNotExist();
        try (var partial = Files.list(mountPoint.resolve(CopyingDriver.METADATA_DIR).resolve("partial"))) {
            assertThat(partial).isEmpty();
        }
        assertThat(copies.list()).extracting(Volume::name).containsExactly("live");
        assertThat(copies.volumeSize("live")).isEqualTo(toWrite);
        // the space the partial copy took is back: a small volume still fits
        Files.writeString(copies.createVolume("small").path().resolve("a.txt"), "a");
        LoopPool.unmount(mountPoint);
    }

    private static void writeRandom(Path dir, long bytes) throws IOException {
        Random random = new Random(42);
        byte[] chunk = new byte[1 << 20];
        long left = bytes;
        for (int i = 0; left > 0; i++) {
            try (OutputStream out = Files.newOutputStream(dir.resolve("file-" + i + ".bin"))) {
                long inFile = Math.min(left, 4L << 20);
                for (long done = 0; done < inFile; done += chunk.length) {
                    random.nextBytes(chunk);
                    out.write(chunk, 0, (int) Math.min(chunk.length, inFile - done));
                }
                left -= inFile;
            }
        }
    }

    private static long loopDevicesOf(Path image) {
        return ShellCommand.of("losetup", "-j", image.toString()).run().stdout().lines().filter(l -> !l.isBlank()).count();
    }

    private static void assertExit(ExitCode code, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(MoodlectlException.class,
                e -> assertThat(e.exitCode()).as(e.getMessage()).isEqualTo(code));
    }
}
