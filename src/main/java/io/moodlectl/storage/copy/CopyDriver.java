package io.moodlectl.storage.copy;

import io.moodlectl.storage.CopyingDriver;
import io.moodlectl.storage.StorageCapabilities;

import java.nio.file.Path;

/**
 * The fallback for any filesystem: volumes are plain directories, snapshots and clones are real copies
 * ({@code cp -a --reflink=never}), as slow as the data is large and not atomic.
 */
public final class CopyDriver extends CopyingDriver {
    public static final String NAME = "copy";

    public CopyDriver(Path root) {
        super(root);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public StorageCapabilities capabilities() {
        return new StorageCapabilities(false, false, false);
    }

    @Override
    protected String reflinkMode() {
        return "never";
    }
}
