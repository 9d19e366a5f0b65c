package io.moodlectl.host;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * host.json: where the pool is and how it was made.
 *
 * @param driver     storage driver name (btrfs, reflink, copy)
 * @param poolRoot   the pool directory
 * @param poolImage  the loop file behind the pool, or null when the pool is an existing directory
 * @param poolBytes  the loop file's size (0 without one)
 */
public record HostConfig(String driver, String poolRoot, String poolImage, long poolBytes) {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static HostConfig read(StateDir state) {
        if (!state.initialised()) {
            throw new MoodlectlException(ExitCode.NOT_READY, "this host is not initialised (no " + state.hostConfig() + ")",
                    "run `moodlectl host init` (or scripts/setup-host.sh)");
        }
        try {
            return MAPPER.readValue(state.hostConfig().toFile(), HostConfig.class);
        } catch (IOException e) {
            throw new MoodlectlException(ExitCode.INVALID_INPUT, "cannot read " + state.hostConfig() + ": " + e.getMessage(),
                    "fix or remove the file and run `moodlectl host init` again");
        }
    }

    public void write(StateDir state) {
        try {
            StateDir.writeAtomically(state.hostConfig(), MAPPER.writeValueAsString(this));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path pool() {
        return Path.of(poolRoot);
    }
}
