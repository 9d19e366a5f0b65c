package io.moodlectl.runtime.images;

import java.util.Locale;

/** What an image is for. Its recipe lives in {@code images/<dirName>/} on the classpath. */
public enum ImageRole {
    /** Debian minbase made by mmdebstrap (not by a Containerfile); every other role is built FROM it. */
    BASE,
    WEB,
    MARIADB,
    POSTGRES,
    HAPROXY;

    public String dirName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return dirName();
    }
}
