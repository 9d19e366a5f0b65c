package io.moodlectl.host;

import io.moodlectl.workflow.Redactor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * Generated secrets (database and admin passwords, backup keys), one file each under {@code secrets/}, mode 0600.
 * Every secret read or made is registered with the {@link Redactor}, so it never reaches a journal or notebook.
 */
public final class SecretStore {
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Path dir;

    public SecretStore(Path dir) {
        this.dir = dir;
    }

    /** The secret called {@code name} (e.g. "demo/db"), made and stored if missing. */
    public String getOrCreate(String name) {
        return get(name).orElseGet(() -> {
            String secret = generate(24);
            put(name, secret);
            return secret;
        });
    }

    public Optional<String> get(String name) {
        Path f = file(name);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            String s = Files.readString(f).strip();
            Redactor.register(s);
            return Optional.of(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void put(String name, String secret) {
        Redactor.register(secret);
        Path f = file(name);
        try {
            Files.createDirectories(f.getParent());
            Files.deleteIfExists(f);
            Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(f, secret + "\n", StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes every secret whose name starts with {@code prefix}/ (a site's secrets when it is destroyed). */
    public void deleteAll(String prefix) {
        Path d = dir.resolve(prefix);
        if (!Files.isDirectory(d)) {
            return;
        }
        try (var s = Files.walk(d)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    /**
     * How a shell-equivalent command (journal, notebook) names this secret without carrying it: {@code "$(cat FILE)"},
     * read from its 0600 file when the command is run by hand.
     */
    public String shellReference(String name) {
        return "\"$(cat " + io.moodlectl.shell.ShellCommand.quote(file(name).toString()) + ")\"";
    }

    public static String generate(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
