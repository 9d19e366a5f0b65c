package io.moodlectl.upgrade;

import java.util.List;

/**
 * The preflight's verdict.
 *
 * @param generation the image generation the target needs (may differ from the current one)
 * @param problems   every reason to refuse, each with what to do; empty when the upgrade may go ahead
 */
public record CheckResult(String site, Side from, Side to, String currentGeneration, String generation,
                          long neededBytes, long freeBytes, List<String> notes, List<Problem> problems) {

    public record Side(String ref, String commit, String release, String version, int branch) {
    }

    public record Problem(String kind, String message, String hint) {
    }

    public boolean ok() {
        return problems.isEmpty();
    }
}
