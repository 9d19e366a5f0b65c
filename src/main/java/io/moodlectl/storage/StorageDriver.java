package io.moodlectl.storage;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Copy-on-write storage for environment volumes (one directory tree per volume, holding code/, moodledata/ and db/).
 * Callers branch on {@link #capabilities()}, never on the driver's name.
 *
 * <p>Volume names are flat: {@code [a-z0-9][a-z0-9._@-]*}. A snapshot is itself a volume (read-only or writable).
 */
public interface StorageDriver {
    /** "btrfs", "reflink" or "copy": for display only. */
    String name();

    /** The pool's root directory; every volume lives directly below it. */
    Path root();

    StorageCapabilities capabilities();

    /** Creates an empty writable volume. CONFLICT if it exists. */
    Volume createVolume(String name);

    /**
     * A point-in-time copy of {@code source} as {@code target}. Atomic when {@link StorageCapabilities#atomicSnapshot()};
     * read-only when asked and {@link StorageCapabilities#readOnlySnapshots()}.
     */
    Volume snapshot(String source, String target, boolean readOnly);

    /** A writable copy of {@code source} (of a volume or of a snapshot). */
    Volume clone(String source, String target);

    /** Deletes a volume or snapshot; a missing one is not an error. */
    void delete(String name);

    Optional<Volume> find(String name);

    List<Volume> list();

    PoolUsage usage();

    /** Bytes used by one volume (apparent size of its files; shared extents counted in full). */
    long volumeSize(String name);
}
