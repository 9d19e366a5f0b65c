package io.moodlectl.moodle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moodlectl.error.MoodlectlException;

import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Moodle's release calendar (resource {@code moodle/calendar.json}, from moodle-contract.md): per major, LTS or not,
 * release date, end of bug fixes, end of security fixes, the release to be on before upgrading, PHP range.
 */
public final class ReleaseCalendar {
    private static final String RESOURCE = "/moodle/calendar.json";

    private final List<BranchSupport> branches;

    public ReleaseCalendar(List<BranchSupport> branches) {
        this.branches = List.copyOf(branches);
    }

    public static ReleaseCalendar load() {
        try (InputStream in = ReleaseCalendar.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the build");
            }
            JsonNode root = new ObjectMapper().readTree(in);
            List<BranchSupport> list = new ArrayList<>();
            for (JsonNode b : root.path("branches")) {
                list.add(new BranchSupport(b.path("version").asText(), b.path("lts").asBoolean(),
                        LocalDate.parse(b.path("released").asText()), LocalDate.parse(b.path("bugfixesEnd").asText()),
                        LocalDate.parse(b.path("securityEnd").asText()),
                        b.path("requires").isTextual() ? b.path("requires").asText() : null,
                        new PhpRange(b.path("phpMin").asText(), b.path("phpMax").isTextual() ? b.path("phpMax").asText() : null)));
            }
            return new ReleaseCalendar(list);
        } catch (IOException e) {
            throw new IllegalStateException("can't read " + RESOURCE, e);
        }
    }

    /** All majors, oldest first. */
    public List<BranchSupport> branches() {
        return branches;
    }

    public Optional<BranchSupport> forMajor(String major) {
        String m = major.trim();
        return branches.stream().filter(b -> b.version().equals(m)).findFirst();
    }

    /** Days of security support left for {@code major} on {@code today}; negative once ended. NOT_FOUND if unknown. */
    public long securityDaysLeft(String major, LocalDate today) {
        return require(major).securityDaysLeft(today);
    }

    /** The PHP range of {@code major}. NOT_FOUND if unknown. */
    public PhpRange phpRange(String major) {
        return require(major).php();
    }

    /** Released majors still getting security fixes on {@code today}, oldest first. */
    public List<BranchSupport> supportedOn(LocalDate today) {
        return branches.stream().filter(b -> b.hasSecuritySupport(today)).toList();
    }

    private BranchSupport require(String major) {
        return forMajor(major).orElseThrow(() -> MoodlectlException.notFound("Moodle " + major + " is not in the release calendar",
                "known majors: " + String.join(", ", branches.stream().map(BranchSupport::version).toList())));
    }
}
