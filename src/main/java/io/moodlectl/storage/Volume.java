package io.moodlectl.storage;

import java.nio.file.Path;
import java.time.Instant;

/** One volume or snapshot in the pool. */
public record Volume(String name, Path path, boolean readOnly, Instant created) {
}
