package io.moodlectl.storage;

import io.moodlectl.error.ExitCode;
import io.moodlectl.shell.ShellCommand;
import io.moodlectl.storage.btrfs.BtrfsDriver;
import io.moodlectl.testing.LoopFilesystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The storage contract on a loop-mounted btrfs. */
class BtrfsDriverIT extends StorageDriverContract {
    private static LoopFilesystem fs;

    @BeforeAll
    static void mountBtrfs() {
        fs = LoopFilesystem.btrfs(512L << 20);
    }

    @AfterAll
    static void unmount() {
        if (fs != null) {
            fs.close();
        }
    }

    @Override
    protected Path filesystemRoot() {
        return fs.root();
    }

    @Override
    protected StorageDriver open(Path poolRoot) {
        return new BtrfsDriver(poolRoot);
    }

    @Override
    protected String expectedName() {
        return "btrfs";
    }

    @Override
    protected StorageCapabilities expectedCapabilities() {
        return new StorageCapabilities(true, true, true);
    }

    @Test
    void volumesAreSubvolumesDirectlyUnderTheRoot() throws Exception {
        driver.createVolume("live");
        driver.snapshot("live", "live@1", true);

        assertThat(Files.getAttribute(driver.root().resolve("live@1"), "unix:ino")).isEqualTo(256L);
        assertThat(Files.getAttribute(driver.root().resolve("live"), "unix:ino")).isEqualTo(256L);
        assertThat(ShellCommand.of("btrfs", "property", "get", "-ts",
                driver.root().resolve("live@1").toString(), "ro").run().stdout()).contains("ro=true");
    }

    @Test
    void aPlainDirectoryInThePoolIsNotAVolume() throws Exception {
        Files.createDirectory(driver.root().resolve("stray"));

        assertThat(driver.find("stray")).isEmpty();
        assertThat(driver.list()).isEmpty();
        assertExit(ExitCode.NOT_FOUND, () -> driver.snapshot("stray", "stray@1", true));
        assertExit(ExitCode.CONFLICT, () -> driver.delete("stray"));
        Files.delete(driver.root().resolve("stray"));
    }

    @Test
    void aVolumeHoldingANestedSubvolumeIsNotDeletedSilently() {
        Path live = driver.createVolume("live").path();
        ShellCommand.of("btrfs", "subvolume", "create", live.resolve("nested").toString()).check();

        assertExit(ExitCode.CONFLICT, () -> driver.delete("live"));
        assertThat(driver.find("live")).isPresent();

        ShellCommand.of("btrfs", "subvolume", "delete", live.resolve("nested").toString()).check();
        driver.delete("live");
        assertThat(driver.find("live")).isEmpty();
    }

    @Test
    void storageDriversChooseBtrfsOnBtrfs() {
        assertThat(StorageDrivers.forDirectory(driver.root(), Optional.empty()).name()).isEqualTo("btrfs");
        assertThat(StorageDrivers.forDirectory(driver.root(), Optional.of("reflink")).name()).isEqualTo("reflink");
        assertThat(StorageDrivers.forDirectory(driver.root(), Optional.of("copy")).name()).isEqualTo("copy");
        assertThat(StorageDrivers.open("btrfs", driver.root()).capabilities().atomicSnapshot()).isTrue();
    }

    @Test
    void usageIsBtrfsEstimateOfFreeSpace() {
        PoolUsage u = driver.usage();

        // a 512 MiB image; btrfs keeps metadata twice, so less than the device is free
        assertThat(u.totalBytes()).isEqualTo(512L << 20);
        assertThat(u.freeBytes()).isLessThan(u.totalBytes());
    }
}
