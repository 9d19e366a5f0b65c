package io.moodlectl.runtime;

import java.util.Map;

/**
 * A container as the engine reports it.
 *
 * @param status    engine's word: created, running, exited …
 * @param addresses IPv4 address per network name
 */
public record ContainerState(String name, String id, String image, boolean running, String status,
                             Map<String, String> labels, Map<String, String> addresses) {
}
