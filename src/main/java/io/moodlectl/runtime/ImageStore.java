package io.moodlectl.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Images in the local engine: what exists, importing a root filesystem, building from a context directory. */
public interface ImageStore {
    boolean exists(String tag);

    /** Tags of local images whose repository starts with {@code prefix} (e.g. "moodlectl/"). */
    List<String> list(String prefix);

    /** Imports a root filesystem tarball as an image (like {@code podman import}). */
    void importRootfs(Path tarball, String tag, Map<String, String> labels);

    /** Builds {@code contextDir/Containerfile} with build args; progress lines go to {@code progress}. */
    void build(Path contextDir, String tag, Map<String, String> buildArgs, Consumer<String> progress);

    void remove(String tag);
}
