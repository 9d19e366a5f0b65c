package io.moodlectl.storage;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.storage.copy.CopyDriver;
import io.moodlectl.storage.reflink.ReflinkDriver;
import io.moodlectl.testing.LoopFilesystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The storage contract with plain copies, on a loop-mounted ext4 (a filesystem without reflinks). */
class CopyDriverIT extends StorageDriverContract {
    private static LoopFilesystem fs;

    @BeforeAll
    static void mountExt4() {
        fs = LoopFilesystem.ext4(256L << 20);
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
        return new CopyDriver(poolRoot);
    }

    @Override
    protected String expectedName() {
        return "copy";
    }

    @Override
    protected StorageCapabilities expectedCapabilities() {
        return new StorageCapabilities(false, false, false);
    }

    @Test
    void ext4sLostAndFoundIsNotAVolume() {
        CopyDriver onFilesystemRoot = new CopyDriver(fs.root());

        assertThat(fs.root().resolve("lost+found")).isDirectory();
        assertThat(onFilesystemRoot.list()).extracting(Volume::name).doesNotContain("lost+found");
    }

    @Test
    void storageDriversFallBackToCopyAndRefuseWhatExt4CantDo() {
        assertThat(StorageDrivers.forDirectory(driver.root(), Optional.empty()).name()).isEqualTo("copy");
        assertThat(StorageDrivers.open("copy", driver.root()).name()).isEqualTo("copy");
        assertExit(ExitCode.UNSUPPORTED, () -> StorageDrivers.forDirectory(driver.root(), Optional.of("btrfs")));
        assertExit(ExitCode.UNSUPPORTED, () -> StorageDrivers.forDirectory(driver.root(), Optional.of("reflink")));
        assertThatThrownBy(() -> new ReflinkDriver(driver.root()))
                .isInstanceOfSatisfying(MoodlectlException.class, e -> {
                    assertThat(e.getMessage()).contains("ext2/ext3");
                    assertThat(e.hint()).contains("reflink=1").contains("copy");
                });
        assertExit(ExitCode.INVALID_INPUT, () -> StorageDrivers.forDirectory(driver.root(), Optional.of("zfs")));
    }
}
