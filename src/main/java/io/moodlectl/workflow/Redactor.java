package io.moodlectl.workflow;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps secrets (passwords, tokens) out of the journal, notebooks and logs: register each secret as soon as it is
 * known, and every text written anywhere passes through {@link #redact}. Process-wide on purpose.
 */
public final class Redactor {
    public static final String MASK = "********";
    /** Longest first, so a secret containing another is masked whole. */
    private static final List<String> SECRETS = new CopyOnWriteArrayList<>();

    private Redactor() {
    }

    /** Registers a secret; strings shorter than 4 characters are ignored (they would mask ordinary words). */
    public static void register(String secret) {
        if (secret == null || secret.length() < 4 || SECRETS.contains(secret)) {
            return;
        }
        synchronized (SECRETS) {
            if (!SECRETS.contains(secret)) {
                SECRETS.add(secret);
                SECRETS.sort(Comparator.comparingInt(String::length).reversed());
            }
        }
    }

    /** The text with each registered secret replaced by {@value #MASK}; null stays null. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String s : SECRETS) {
            if (out.contains(s)) {
                out = out.replace(s, MASK);
            }
        }
        return out;
    }
}
