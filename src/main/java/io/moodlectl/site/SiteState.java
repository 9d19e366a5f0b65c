package io.moodlectl.site;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What moodlectl knows of a site besides its site file: its environments and their roles. */
public record SiteState(String name, int lastEnvironment, List<Environment> environments, Instant created,
                        SwitchMark lastSwitch) {

    /**
     * The last time traffic moved from one environment to another, and how far the abandoned side's log table and
     * files went then: what a rollback compares against to report what would be left behind.
     */
    public record SwitchMark(Instant at, String from, String to, long logMaxId) {
    }

    public SiteState withSwitch(SwitchMark mark) {
        return new SiteState(name, lastEnvironment, environments, created, mark);
    }


    public Optional<Environment> live() {
        return withRole(Role.LIVE);
    }

    public Optional<Environment> withRole(Role role) {
        return environments.stream().filter(e -> e.role() == role).reduce((a, b) -> b);
    }

    public Optional<Environment> find(String id) {
        return environments.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    public String nextEnvironmentId() {
        return "e" + (lastEnvironment + 1);
    }

    /** Adds (or replaces, by id) an environment. */
    public SiteState with(Environment env) {
        List<Environment> list = new ArrayList<>();
        boolean replaced = false;
        for (Environment e : environments) {
            if (e.id().equals(env.id())) {
                list.add(env);
                replaced = true;
            } else {
                list.add(e);
            }
        }
        if (!replaced) {
            list.add(env);
        }
        int n = Math.max(lastEnvironment, Integer.parseInt(env.id().substring(1)));
        return new SiteState(name, n, List.copyOf(list), created, lastSwitch);
    }

    public SiteState without(String envId) {
        return new SiteState(name, lastEnvironment, environments.stream().filter(e -> !e.id().equals(envId)).toList(), created, lastSwitch);
    }
}
