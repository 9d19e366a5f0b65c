package io.moodlectl.storage;

/**
 * What a driver can do.
 *
 * @param atomicSnapshot    a snapshot captures every file of a volume at one instant (a live database stays consistent)
 * @param instantClone      snapshot and clone take about the same time whatever the volume's size
 * @param readOnlySnapshots snapshots can be made read-only by the filesystem
 */
public record StorageCapabilities(boolean atomicSnapshot, boolean instantClone, boolean readOnlySnapshots) {
}
