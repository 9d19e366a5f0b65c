package io.moodlectl.storage;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.storage.btrfs.BtrfsDriver;
import io.moodlectl.storage.copy.CopyDriver;
import io.moodlectl.storage.reflink.ReflinkDriver;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Chooses the storage driver for a pool directory from what its filesystem can do. */
public final class StorageDrivers {
    /** The driver names, best first. */
    public static final List<String> NAMES = List.of(BtrfsDriver.NAME, ReflinkDriver.NAME, CopyDriver.NAME);

    private StorageDrivers() {
    }

    /**
     * The driver for an existing directory. Without {@code wanted}: btrfs on btrfs, reflink where reflink copies work
     * (XFS with reflink=1), else copy. With {@code wanted} ("btrfs", "reflink", "copy"): that driver, or UNSUPPORTED
     * naming the filesystem when it can't work there. NOT_FOUND if the directory does not exist; INVALID_INPUT for an
     * unknown driver name.
     */
    public static StorageDriver forDirectory(Path root, Optional<String> wanted) {
        Path dir = FilesystemType.requireDirectory(root);
        if (wanted.isPresent()) {
            return create(requireKnown(wanted.get()), dir);
        }
        String fs = FilesystemType.of(dir);
        if (BtrfsDriver.NAME.equals(fs)) {
            return new BtrfsDriver(dir);
        }
        if (ReflinkDriver.supports(dir)) {
            return new ReflinkDriver(dir);
        }
        return new CopyDriver(dir);
    }

    /**
     * Reopens a pool recorded with {@code driverName}. NOT_FOUND if the directory is missing (the pool is not mounted?),
     * UNSUPPORTED if its filesystem no longer suits the driver.
     */
    public static StorageDriver open(String driverName, Path root) {
        String name = requireKnown(driverName);
        Path dir = root.toAbsolutePath().normalize();
        if (!dir.toFile().isDirectory()) {
            throw MoodlectlException.notFound("the " + name + " pool directory " + dir + " does not exist",
                    "mount the pool (its loop image, if moodlectl made one) or fix the recorded pool path");
        }
        return create(name, dir);
    }

    private static StorageDriver create(String name, Path dir) {
        switch (name) {
            case BtrfsDriver.NAME:
                return new BtrfsDriver(dir);
            case ReflinkDriver.NAME:
                return new ReflinkDriver(dir);
            case CopyDriver.NAME:
                return new CopyDriver(dir);
            default:
                throw new IllegalStateException(name);
        }
    }

    private static String requireKnown(String driverName) {
        String name = driverName == null ? "" : driverName.strip().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(name)) {
            throw new MoodlectlException(ExitCode.INVALID_INPUT, "unknown storage driver '" + driverName + "'",
                    "choose one of " + String.join(", ", NAMES));
        }
        return name;
    }
}
