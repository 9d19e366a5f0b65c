package io.moodlectl.host;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.storage.LoopPool;

import java.nio.file.Path;

/** Checks and restores the mount of a loop-file pool. */
final class PoolMounts {
    private PoolMounts() {
    }

    static void requireMounted(HostConfig config) {
        if (!LoopPool.isMounted(config.pool())) {
            throw new MoodlectlException(ExitCode.NOT_READY, "the pool " + config.pool() + " is not mounted",
                    "run `moodlectl host up` (after a reboot it mounts the pool and starts the sites)");
        }
    }

    /** Mounts the pool if it is not; true when it had to. */
    static boolean ensureMounted(HostConfig config) {
        if (LoopPool.isMounted(config.pool())) {
            return false;
        }
        LoopPool.mount(Path.of(config.poolImage()), config.pool());
        return true;
    }
}
