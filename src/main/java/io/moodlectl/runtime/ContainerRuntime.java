package io.moodlectl.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Containers and networks over the Docker Engine API (Docker or Podman). Names are the identifiers; vendor types stay
 * in the driver package. Failing to reach the API is an API_UNREACHABLE error.
 */
public interface ContainerRuntime {
    /** Which engine answers and its API version. */
    RuntimeInfo info();

    /**
     * Creates a bridge network with DNS (names and aliases resolve) and a subnet the engine chooses; CONFLICT if it
     * exists. Read the subnet with {@link #networkSubnet(String)} (e.g. to pick fixed addresses in it).
     */
    default void createNetwork(String name, Map<String, String> labels) {
        createNetwork(name, labels, null);
    }

    /**
     * Creates a bridge network with DNS on the given IPv4 subnet (CIDR, e.g. "10.89.7.0/24"; null: the engine
     * chooses). Docker allows fixed container addresses only on a network created with an explicit subnet.
     */
    void createNetwork(String name, Map<String, String> labels, String subnet);

    /** The network's IPv4 subnet in CIDR form; empty if the network does not exist. */
    Optional<String> networkSubnet(String name);

    /** Removes a network; a missing one is not an error. */
    void removeNetwork(String name);

    boolean networkExists(String name);

    /** Names of networks carrying all the given labels. */
    List<String> listNetworks(Map<String, String> labels);

    /** Attaches a running or created container to another network under the given aliases. */
    void connectNetwork(String network, String container, List<String> aliases);

    void disconnectNetwork(String network, String container);

    /** Creates (does not start) a container; CONFLICT if the name is taken, NOT_READY if the image is missing. */
    void create(ContainerSpec spec);

    void start(String name);

    /** Stops a container, waiting up to {@code timeout} before killing it; a stopped or missing one is not an error. */
    void stop(String name, Duration timeout);

    /** Removes a container, forcing it to stop; a missing one is not an error. */
    void remove(String name);

    Optional<ContainerState> inspect(String name);

    /** Containers (running or not) carrying all the given labels. */
    List<ContainerState> list(Map<String, String> labels);

    /**
     * Runs a command in a running container as {@code user} (null: the image's user) and waits for it.
     * {@code output} receives the combined output line by line as it arrives (may be null).
     */
    default ExecResult exec(String container, List<String> command, String user, Consumer<String> output) {
        return exec(container, command, user, Map.of(), output);
    }

    /**
     * As {@link #exec(String, List, String, Consumer)}, with extra environment variables for this command only: the
     * way to hand a secret (a password) to a program without putting it on a command line. Implementations never log
     * or report the values.
     */
    ExecResult exec(String container, List<String> command, String user, Map<String, String> env,
                    Consumer<String> output);

    /** The last {@code tail} lines of a container's log. */
    String logs(String container, int tail);
}
