package io.moodlectl.storage;

import io.moodlectl.error.ExitCode;
import io.moodlectl.shell.ShellCommand;
import io.moodlectl.storage.reflink.ReflinkDriver;
import io.moodlectl.testing.LoopFilesystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The storage contract on a loop-mounted XFS made with reflink=1. */
class ReflinkDriverIT extends StorageDriverContract {
    private static LoopFilesystem fs;

    @BeforeAll
    static void mountXfs() {
        fs = LoopFilesystem.xfsWithReflink(512L << 20);
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
        return new ReflinkDriver(poolRoot);
    }

    @Override
    protected String expectedName() {
        return "reflink";
    }

    @Override
    protected StorageCapabilities expectedCapabilities() {
        return new StorageCapabilities(false, true, false);
    }

    @Test
    void readOnlyIsRecordedBesideTheVolumeNotInIt() {
        driver.createVolume("live");
        Volume snap = driver.snapshot("live", "live@1", true);

        assertThat(snap.path()).isEmptyDirectory();
        assertThat(driver.root().resolve(CopyingDriver.METADATA_DIR)).isDirectory();
        // a new driver on the same pool reads the record
        assertThat(new ReflinkDriver(driver.root()).find("live@1")).map(Volume::readOnly).contains(true);
    }

    @Test
    void aCloneSharesExtentsWithItsSource() throws Exception {
        Path live = driver.createVolume("live").path();
        Files.write(live.resolve("data.bin"), new byte[8 << 20]);
        ShellCommand.of("sync").run();
        long freeBefore = driver.usage().freeBytes();

        driver.clone("live", "staging");
        ShellCommand.of("sync").run();

        // an 8 MiB real copy would take 8 MiB; a reflink takes metadata only
        assertThat(freeBefore - driver.usage().freeBytes()).isLessThan(4L << 20);
    }

    @Test
    void storageDriversChooseReflinkOnXfsAndRefuseBtrfs() {
        assertThat(StorageDrivers.forDirectory(driver.root(), Optional.empty()).name()).isEqualTo("reflink");
        assertThat(StorageDrivers.open("reflink", driver.root()).name()).isEqualTo("reflink");
        assertExit(ExitCode.UNSUPPORTED, () -> StorageDrivers.forDirectory(driver.root(), Optional.of("btrfs")));
        assertExit(ExitCode.UNSUPPORTED, () -> StorageDrivers.open("btrfs", driver.root()));
    }
}
