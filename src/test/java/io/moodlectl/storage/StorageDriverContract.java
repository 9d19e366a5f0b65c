package io.moodlectl.storage;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.shell.ShellCommand;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link StorageDriver} must do, run against each driver on a real filesystem by a subclass. Each test gets
 * a fresh pool directory in the subclass's filesystem.
 */
public abstract class StorageDriverContract {
    private static final AtomicInteger POOLS = new AtomicInteger();

    protected StorageDriver driver;
    private Path poolRoot;
    private Instant started;

    /** The filesystem the pools live in (one per test class). */
    protected abstract Path filesystemRoot();

    protected abstract StorageDriver open(Path poolRoot);

    protected abstract String expectedName();

    protected abstract StorageCapabilities expectedCapabilities();

    @BeforeEach
    void newPool() throws IOException {
        started = Instant.now().minusSeconds(2);
        poolRoot = Files.createDirectories(filesystemRoot().resolve("pool-" + POOLS.incrementAndGet()));
        driver = open(poolRoot);
    }

    @AfterEach
    void removePool() {
        if (driver != null) {
            for (Volume v : driver.list()) {
                driver.delete(v.name());
            }
        }
        ShellCommand.of("rm", "-rf", "--one-file-system", "--", poolRoot.toString()).run();
    }

    @Test
    void describesItself() {
        assertThat(driver.name()).isEqualTo(expectedName());
        assertThat(driver.root()).isEqualTo(poolRoot.toAbsolutePath().normalize());
        assertThat(driver.capabilities()).isEqualTo(expectedCapabilities());
    }

    @Test
    void createsAnEmptyWritableVolume() throws IOException {
        Volume v = driver.createVolume("live");

        assertThat(v.name()).isEqualTo("live");
        assertThat(v.path()).isEqualTo(driver.root().resolve("live"));
        assertThat(v.readOnly()).isFalse();
        assertThat(v.created()).isBetween(started, Instant.now().plus(Duration.ofSeconds(2)));
        assertThat(v.path()).isEmptyDirectory();
        Files.writeString(v.path().resolve("hello.txt"), "hi");
        assertThat(driver.find("live")).contains(v);
        assertThat(driver.list()).extracting(Volume::name).containsExactly("live");
    }

    @Test
    void refusesToCreateAVolumeTwice() {
        driver.createVolume("live");

        assertExit(ExitCode.CONFLICT, () -> driver.createVolume("live"));
    }

    @Test
    void refusesInvalidNames() {
        driver.createVolume("live");
        for (String bad : new String[]{"", "Live", ".moodlectl", "-x", "a/b", "..", "../x", "a b", "x".repeat(121)}) {
            assertExit(ExitCode.INVALID_INPUT, () -> driver.createVolume(bad));
            assertExit(ExitCode.INVALID_INPUT, () -> driver.snapshot("live", bad, true));
            assertExit(ExitCode.INVALID_INPUT, () -> driver.clone("live", bad));
            assertExit(ExitCode.INVALID_INPUT, () -> driver.find(bad));
        }
        assertThat(driver.list()).extracting(Volume::name).containsExactly("live");
    }

    @Test
    void acceptsNamesWithDotsUnderscoresAtSignsAndDashes() {
        String prefix = "site_1.live@2026-01-31";
        String name = prefix + "x".repeat(VolumeName.MAX_LENGTH - prefix.length());

        assertThat(driver.createVolume(name).name()).isEqualTo(name);
        assertThat(driver.find(name)).isPresent();
    }

    @Test
    void readOnlySnapshotHoldsTheSourceContentAndIsReportedReadOnly() throws IOException {
        Volume live = driver.createVolume("live");
        fill(live.path());

        Volume snap = driver.snapshot("live", "live@1", true);

        assertThat(snap.readOnly()).isTrue();
        assertThat(snap.path()).isEqualTo(driver.root().resolve("live@1"));
        assertSameContent(snap.path());
        assertThat(driver.find("live@1")).map(Volume::readOnly).contains(true);
        assertThat(driver.list()).extracting(Volume::name).containsExactly("live", "live@1");
        if (driver.capabilities().readOnlySnapshots()) {
            assertThatThrownBy(() -> Files.writeString(snap.path().resolve("new.txt"), "x"))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void writableSnapshotCanBeChanged() throws IOException {
        fill(driver.createVolume("live").path());

        Volume snap = driver.snapshot("live", "live@2", false);

        assertThat(snap.readOnly()).isFalse();
        assertSameContent(snap.path());
        Files.writeString(snap.path().resolve("new.txt"), "x");
        assertThat(snap.path().resolve("new.txt")).hasContent("x");
    }

    @Test
    void aSnapshotDoesNotSeeLaterChangesOfItsSourceAndViceVersa() throws IOException {
        Path live = driver.createVolume("live").path();
        fill(live);
        Path ro = driver.snapshot("live", "live@ro", true).path();
        Path rw = driver.snapshot("live", "live@rw", false).path();

        Files.writeString(live.resolve("code/version.php"), "<?php $version = 2;");
        Files.writeString(live.resolve("after.txt"), "later");
        Files.delete(live.resolve("moodledata/big.bin"));
        Files.writeString(rw.resolve("code/version.php"), "<?php $version = 3;");
        Files.writeString(rw.resolve("only-in-snapshot.txt"), "mine");

        assertSameContent(ro);
        assertThat(ro.resolve("after.txt")).doesNotExist();
        assertThat(rw.resolve("after.txt")).doesNotExist();
        assertThat(rw.resolve("moodledata/big.bin")).exists();
        assertThat(rw.resolve("code/version.php")).hasContent("<?php $version = 3;");
        assertThat(live.resolve("code/version.php")).hasContent("<?php $version = 2;");
        assertThat(live.resolve("only-in-snapshot.txt")).doesNotExist();
    }

    @Test
    void cloneIsAWritableCopyOfAVolumeOrOfAReadOnlySnapshot() throws IOException {
        fill(driver.createVolume("live").path());
        driver.snapshot("live", "live@1", true);

        Volume fromVolume = driver.clone("live", "staging");
        Volume fromSnapshot = driver.clone("live@1", "staging2");

        for (Volume v : new Volume[]{fromVolume, fromSnapshot}) {
            assertThat(v.readOnly()).isFalse();
            assertThat(driver.find(v.name())).map(Volume::readOnly).contains(false);
            assertSameContent(v.path());
            Files.writeString(v.path().resolve("code/version.php"), "changed");
            assertThat(v.path().resolve("code/version.php")).hasContent("changed");
        }
        assertThat(driver.root().resolve("live/code/version.php")).hasContent("<?php $version = 1;");
        assertThat(driver.root().resolve("live@1/code/version.php")).hasContent("<?php $version = 1;");
    }

    @Test
    void copiesKeepModesAndSymbolicLinks() throws IOException {
        Path live = driver.createVolume("live").path();
        fill(live);

        Path clone = driver.clone("live", "staging").path();

        assertThat(Files.getPosixFilePermissions(clone.resolve("code/config.php")))
                .isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
        assertThat(Files.isSymbolicLink(clone.resolve("code/current"))).isTrue();
        assertThat(Files.readSymbolicLink(clone.resolve("code/current"))).isEqualTo(Path.of("version.php"));
    }

    @Test
    void snapshotAndCloneOfAMissingSourceAreNotFound() {
        assertExit(ExitCode.NOT_FOUND, () -> driver.snapshot("nothing", "nothing@1", true));
        assertExit(ExitCode.NOT_FOUND, () -> driver.clone("nothing", "copy"));
        assertExit(ExitCode.NOT_FOUND, () -> driver.volumeSize("nothing"));
        assertThat(driver.list()).isEmpty();
    }

    @Test
    void snapshotAndCloneOntoAnExistingNameAreConflicts() throws IOException {
        fill(driver.createVolume("live").path());
        Path other = driver.createVolume("other").path();
        Files.writeString(other.resolve("keep.txt"), "keep");

        assertExit(ExitCode.CONFLICT, () -> driver.snapshot("live", "other", true));
        assertExit(ExitCode.CONFLICT, () -> driver.clone("live", "other"));
        assertThat(other.resolve("keep.txt")).hasContent("keep");
        assertThat(other.resolve("code")).doesNotExist();
    }

    @Test
    void deleteRemovesVolumesAndSnapshotsAndIgnoresMissingOnes() throws IOException {
        fill(driver.createVolume("live").path());
        driver.snapshot("live", "live@1", true);
        driver.snapshot("live", "live@2", false);

        driver.delete("live@1");
        driver.delete("live@2");
        driver.delete("never-existed");

        assertThat(driver.find("live@1")).isEmpty();
        assertThat(driver.root().resolve("live@1")).doesNotExist();
        assertThat(driver.root().resolve("live@2")).doesNotExist();
        assertThat(driver.list()).extracting(Volume::name).containsExactly("live");
    }

    @Test
    void deletingAVolumeKeepsItsSnapshots() throws IOException {
        fill(driver.createVolume("live").path());
        driver.snapshot("live", "live@1", true);

        driver.delete("live");

        assertThat(driver.find("live")).isEmpty();
        assertThat(driver.list()).extracting(Volume::name).containsExactly("live@1");
        assertSameContent(driver.root().resolve("live@1"));
        Volume restored = driver.clone("live@1", "live");
        assertSameContent(restored.path());
    }

    @Test
    void aDeletedNameCanBeUsedAgain() throws IOException {
        fill(driver.createVolume("live").path());
        driver.snapshot("live", "live@1", true);
        driver.delete("live@1");

        Volume again = driver.snapshot("live", "live@1", false);

        assertThat(again.readOnly()).isFalse();
        Files.writeString(again.path().resolve("x"), "x");
    }

    @Test
    void listShowsOnlyVolumesNotThePoolsOwnFiles() throws IOException {
        fill(driver.createVolume("b").path());
        driver.snapshot("b", "a", true);
        driver.clone("a", "c");
        driver.delete("c");

        assertThat(driver.list()).extracting(Volume::name).containsExactly("a", "b");
    }

    @Test
    void volumeSizeIsTheApparentSizeOfItsFiles() throws IOException {
        Path live = driver.createVolume("live").path();
        fill(live);

        assertThat(driver.volumeSize("live")).isEqualTo(expectedSize());
        driver.snapshot("live", "live@1", true);
        assertThat(driver.volumeSize("live@1")).isEqualTo(expectedSize());
        assertThat(driver.volumeSize("live")).isEqualTo(expectedSize());
    }

    @Test
    void usageComesFromTheFilesystem() {
        PoolUsage u = driver.usage();

        assertThat(u.totalBytes()).isPositive();
        assertThat(u.freeBytes()).isPositive().isLessThanOrEqualTo(u.totalBytes());
        assertThat(u.usedBytes()).isNotNegative().isLessThanOrEqualTo(u.totalBytes());
    }

    // ---- fixture: a small environment volume ----

    private static final int BIG = 300_000;

    private static void fill(Path volume) throws IOException {
        Files.createDirectories(volume.resolve("code"));
        Files.createDirectories(volume.resolve("moodledata/filedir"));
        Files.createDirectories(volume.resolve("db"));
        Files.writeString(volume.resolve("code/version.php"), "<?php $version = 1;");
        Path config = Files.writeString(volume.resolve("code/config.php"), "<?php // config");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r-----"));
        Files.createSymbolicLink(volume.resolve("code/current"), Path.of("version.php"));
        byte[] big = new byte[BIG];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + 7);
        }
        Files.write(volume.resolve("moodledata/big.bin"), big);
        Files.writeString(volume.resolve("db/ibdata1"), "tables");
    }

    private static long expectedSize() {
        return "<?php $version = 1;".length() + "<?php // config".length() + "version.php".length() + BIG
                + "tables".length();
    }

    private static void assertSameContent(Path copy) throws IOException {
        assertThat(copy.resolve("code/version.php")).hasContent("<?php $version = 1;");
        assertThat(copy.resolve("code/config.php")).hasContent("<?php // config");
        assertThat(copy.resolve("db/ibdata1")).hasContent("tables");
        assertThat(copy.resolve("moodledata/filedir")).isDirectory();
        assertThat(Files.size(copy.resolve("moodledata/big.bin"))).isEqualTo(BIG);
        byte[] big = Files.readAllBytes(copy.resolve("moodledata/big.bin"));
        assertThat(big[BIG - 1]).isEqualTo((byte) ((BIG - 1) * 31 + 7));
    }

    protected static void assertExit(ExitCode code, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(MoodlectlException.class, e -> {
            assertThat(e.exitCode()).as(e.getMessage()).isEqualTo(code);
            assertThat(e.getMessage()).isNotBlank();
        });
    }
}
