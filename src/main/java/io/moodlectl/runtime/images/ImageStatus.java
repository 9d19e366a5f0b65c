package io.moodlectl.runtime.images;

/** Whether one image of the catalog is in the local engine. */
public record ImageStatus(Generation generation, ImageRole role, String tag, boolean present) {
}
