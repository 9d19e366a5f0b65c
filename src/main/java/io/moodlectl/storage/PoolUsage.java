package io.moodlectl.storage;

/** Space in the pool's filesystem, in bytes. */
public record PoolUsage(long totalBytes, long usedBytes, long freeBytes) {
}
