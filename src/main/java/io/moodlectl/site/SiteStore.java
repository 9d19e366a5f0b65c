package io.moodlectl.site;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.host.StateDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** sites/<name>/: state.json (environments and roles) and site.yaml (the site file the site was built from). */
public final class SiteStore {
    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);
    private final StateDir state;

    public SiteStore(StateDir state) {
        this.state = state;
    }

    public Path dir(String site) {
        return state.site(site);
    }

    public boolean exists(String site) {
        return Files.isRegularFile(dir(site).resolve("state.json"));
    }

    public Optional<SiteState> find(String site) {
        Path f = dir(site).resolve("state.json");
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(MAPPER.readValue(f.toFile(), SiteState.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public SiteState get(String site) {
        return find(site).orElseThrow(() -> MoodlectlException.notFound("no site " + site,
                "list sites with `moodlectl site list`, or create it with `moodlectl site create -f site.yaml`"));
    }

    public void save(SiteState s) {
        try {
            StateDir.writeAtomically(dir(s.name()).resolve("state.json"), MAPPER.writeValueAsString(s));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The site file the site was last built or upgraded from. */
    public SiteSpec spec(String site) {
        return specFrom(site, "site.yaml");
    }

    /** A site file kept in the site's folder (site.yaml, staged-site.yaml), paths resolved as in the original. */
    public SiteSpec specFrom(String site, String fileName) {
        Path f = dir(site).resolve(fileName);
        try {
            String text = Files.readString(f);
            Path base = f.getParent();
            if (text.startsWith(HEADER)) {
                base = Path.of(text.substring(HEADER.length(), text.indexOf('\n')).strip()).getParent();
            }
            return SiteFile.parse(f.toString(), text, base);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String HEADER = "# moodlectl: copied from ";

    public void saveSpec(String site, Path siteFile) {
        try {
            Files.createDirectories(dir(site));
            String text = Files.readString(siteFile);
            if (!text.startsWith(HEADER)) {
                text = HEADER + siteFile.toAbsolutePath().normalize() + "\n" + text;
            }
            StateDir.writeAtomically(dir(site).resolve("site.yaml"), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
