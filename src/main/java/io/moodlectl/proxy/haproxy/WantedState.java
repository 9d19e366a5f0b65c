package io.moodlectl.proxy.haproxy;

import io.moodlectl.proxy.ProxySpec;
import io.moodlectl.proxy.Slot;
import io.moodlectl.proxy.Target;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a site's proxy should be doing, kept in {@code state.json} so a restarted proxy comes back as it was.
 *
 * @param backends  each filled slot's target and the address it had on its network
 * @param live      the slot receiving traffic, or null
 * @param preview   the preview listener's target, or null
 */
record WantedState(Spec spec, Map<Slot, Backend> backends, Slot live, boolean maintenance, Backend preview) {

    /** {@link ProxySpec} as stored (the PEM path as text). */
    record Spec(String site, String image, String bind, int port, int previewPort, String tlsPem, String healthPath,
                String healthHost) {
        static Spec of(ProxySpec s) {
            return new Spec(s.site(), s.image(), s.bind(), s.port(), s.previewPort(),
                    s.tlsPem() == null ? null : s.tlsPem().toAbsolutePath().toString(), s.healthPath(), s.healthHost());
        }

        ProxySpec toProxySpec() {
            return new ProxySpec(site, image, bind, port, previewPort, tlsPem == null ? null : Path.of(tlsPem), healthPath,
                    healthHost);
        }
    }

    record Backend(String container, String network, int port, String address) {
        Target target() {
            return new Target(container, network, port);
        }
    }

    WantedState {
        backends = backends == null ? Map.of() : Map.copyOf(backends);
    }

    static WantedState initial(ProxySpec spec) {
        return new WantedState(Spec.of(spec), Map.of(), null, false, null);
    }

    Optional<Backend> backend(Slot slot) {
        return Optional.ofNullable(backends.get(slot));
    }

    WantedState withBackend(Slot slot, Backend b) {
        Map<Slot, Backend> m = new EnumMap<>(Slot.class);
        m.putAll(backends);
        if (b == null) {
            m.remove(slot);
        } else {
            m.put(slot, b);
        }
        return new WantedState(spec, m, live, maintenance, preview);
    }

    WantedState withLive(Slot slot) {
        return new WantedState(spec, backends, slot, maintenance, preview);
    }

    WantedState withMaintenance(boolean on) {
        return new WantedState(spec, backends, live, on, preview);
    }

    WantedState withPreview(Backend b) {
        return new WantedState(spec, backends, live, maintenance, b);
    }

    /** The weight a slot's server should have: 100 for the live slot, 0 otherwise. */
    int weight(Slot slot) {
        return slot == live ? 100 : 0;
    }
}
