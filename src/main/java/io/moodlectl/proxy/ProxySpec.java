package io.moodlectl.proxy;

import java.nio.file.Path;

/**
 * A site's proxy.
 *
 * @param bind        host address to listen on (127.0.0.1 by default)
 * @param previewPort 0 when the site has no preview listener
 * @param tlsPem      combined certificate + key for HAProxy, or null for plain HTTP
 * @param healthPath  a path that answers 200 in both code layouts, e.g. /login/index.php
 * @param healthHost  the Host header of health checks: the host of the site's wwwroot (Moodle redirects requests for
 *                    any other host); null for "localhost"
 */
public record ProxySpec(String site, String image, String bind, int port, int previewPort, Path tlsPem,
                        String healthPath, String healthHost) {

    /** Without a health-check host (checks send "Host: localhost"). */
    public ProxySpec(String site, String image, String bind, int port, int previewPort, Path tlsPem, String healthPath) {
        this(site, image, bind, port, previewPort, tlsPem, healthPath, null);
    }
}
