package io.moodlectl.runtime;

/** The engine behind the API: "Podman" or "Docker", its version and the API version it speaks. */
public record RuntimeInfo(String engine, String engineVersion, String apiVersion, String endpoint) {
}
