package io.moodlectl.proxy;

import java.nio.file.Path;

/**
 * A site's proxy.
 *
 * @param bind        host address to listen on (127.0.0.1 by default)
 * @param previewPort 0 when the site has no preview listener
 * @param tlsPem      combined certificate + key for HAProxy, or null for plain HTTP
 * @param healthPath  a path that answers 200 in both code layouts, e.g. /login/index.php
 */
public record ProxySpec(String site, String image, String bind, int port, int previewPort, Path tlsPem,
                        String healthPath) {
}
