package io.moodlectl.proxy;

import java.util.Map;
import java.util.Optional;

/**
 * What the proxy is doing now.
 *
 * @param live    the slot receiving traffic, if any
 * @param slots   each slot's backend and health as HAProxy reports it
 * @param preview the preview target, if open
 */
public record ProxyState(String container, boolean running, Optional<Slot> live, boolean maintenance,
                         Map<Slot, SlotState> slots, Optional<Target> preview) {

    /** @param status HAProxy's words, e.g. "UP", "DOWN", "MAINT"; check is the last check's result text */
    public record SlotState(Optional<Target> target, String address, int weight, String status, String check) {
    }
}
