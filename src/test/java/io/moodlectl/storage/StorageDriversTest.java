package io.moodlectl.storage;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StorageDriversTest {
    @Test
    void namesTheDriversBestFirst() {
        assertThat(StorageDrivers.NAMES).containsExactly("btrfs", "reflink", "copy");
    }

    @Test
    void rejectsAnUnknownDriverName(@TempDir Path dir) {
        assertExit(ExitCode.INVALID_INPUT, () -> StorageDrivers.forDirectory(dir, Optional.of("zfs")));
        assertExit(ExitCode.INVALID_INPUT, () -> StorageDrivers.open("lvm", dir));
    }

    @Test
    void aMissingPoolDirectoryIsNotFound(@TempDir Path dir) {
        assertExit(ExitCode.NOT_FOUND, () -> StorageDrivers.forDirectory(dir.resolve("nope"), Optional.empty()));
        assertExit(ExitCode.NOT_FOUND, () -> StorageDrivers.open("btrfs", dir.resolve("nope")));
    }

    @Test
    void theCopyDriverWorksInAnyDirectory(@TempDir Path dir) {
        StorageDriver copy = StorageDrivers.forDirectory(dir, Optional.of("copy"));

        assertThat(copy.name()).isEqualTo("copy");
        assertThat(copy.capabilities()).isEqualTo(new StorageCapabilities(false, false, false));
        assertThat(copy.root()).isEqualTo(dir.toAbsolutePath().normalize());
    }

    private static void assertExit(ExitCode code, Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(MoodlectlException.class,
                e -> assertThat(e.exitCode()).isEqualTo(code));
    }
}
