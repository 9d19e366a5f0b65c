package io.moodlectl.host;

import io.moodlectl.runtime.RuntimeInfo;
import io.moodlectl.runtime.images.ImageStatus;
import io.moodlectl.storage.StorageCapabilities;

import java.util.List;

/** What `moodlectl host status` reports. */
public record HostStatus(String stateDir, Api api, Pool pool, List<ImageStatus> images, List<String> sites) {

    /** @param error why it is unreachable, null when reachable */
    public record Api(boolean reachable, RuntimeInfo info, String error) {
    }

    public record Pool(String path, String driver, StorageCapabilities capabilities, boolean mounted,
                       String image, long totalBytes, long freeBytes) {
    }
}
