package io.moodlectl.site;

import java.nio.file.Path;

/** Child JVM of {@link SiteLockTest}: takes a site's lock, says so, and holds it until killed (or 2 minutes). */
public final class SiteLockHolder {
    private SiteLockHolder() {
    }

    public static void main(String[] args) throws Exception {
        SiteLock lock = SiteLock.acquire(Path.of(args[0]), args[1]);
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(120_000);
        lock.close();
    }
}
