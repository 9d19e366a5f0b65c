package io.moodlectl.proxy;

/** A web container the proxy sends requests to: its name, the network both are on, and its port there. */
public record Target(String container, String network, int port) {
}
