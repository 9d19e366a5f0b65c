package io.moodlectl.runtime.images;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * One image of one generation, identified by the content it is built from:
 * {@code moodlectl/<role>:<generation>-<hash12>}. The hash (SHA-256, first 12 hex digits) covers the recipe's files
 * (names and bytes, sorted by name), the generation's build args and, for every role but the base, the base's hash,
 * so changing the base rebuilds everything on it. The same recipe gives the same tag on every machine.
 */
public record ImageRef(String repository, ImageRole role, Generation generation, String hash) {
    public static final String REPOSITORY = "moodlectl";

    public String tag() {
        return repository + "/" + role.dirName() + ":" + generation.id() + "-" + hash;
    }

    /** Computes the content hash of a recipe; {@code baseHash} is null for the base itself. */
    static String hash(Map<String, byte[]> recipeFiles, Map<String, String> buildArgs, String baseHash) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (var f : new TreeMap<>(recipeFiles).entrySet()) {
            sha.update(("file " + f.getKey() + " " + f.getValue().length + "\n").getBytes(StandardCharsets.UTF_8));
            sha.update(f.getValue());
            sha.update((byte) '\n');
        }
        for (var a : new TreeMap<>(buildArgs).entrySet()) {
            sha.update(("arg " + a.getKey() + "=" + a.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        if (baseHash != null) {
            sha.update(("base " + baseHash + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    }

    @Override
    public String toString() {
        return tag();
    }
}
