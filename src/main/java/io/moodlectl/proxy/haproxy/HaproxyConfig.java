package io.moodlectl.proxy.haproxy;

import io.moodlectl.proxy.Slot;

/**
 * Renders {@code haproxy.cfg} from a site's wanted state, so a started or restarted proxy serves exactly what the
 * runtime changes (weights, addresses, maintenance map) had set.
 */
final class HaproxyConfig {
    /** Where the site's proxy folder is mounted in the container. */
    static final String DIR = "/usr/local/etc/haproxy";
    static final String PEM = "/usr/local/etc/haproxy-tls/site.pem";
    static final String MAINTENANCE_MAP = DIR + "/maintenance.map";
    static final String MAINTENANCE_KEY = "site";
    static final int SITE_PORT = 8080;
    static final int PREVIEW_PORT = 8081;
    static final String PLACEHOLDER_ADDR = "127.0.0.1";
    static final int PLACEHOLDER_PORT = 1;
    static final String LIVE_BACKEND = "live";
    static final String PREVIEW_BACKEND = "preview";
    static final String PREVIEW_SERVER = "staging";

    private HaproxyConfig() {
    }

    static String render(WantedState state) {
        WantedState.Spec spec = state.spec();
        boolean tls = spec.tlsPem() != null;
        String healthHost = spec.healthHost() == null || spec.healthHost().isBlank() ? "localhost" : spec.healthHost();
        StringBuilder c = new StringBuilder();
        c.append("# Written by moodlectl from state.json; runtime changes go through admin.sock and are saved here too.\n")
                .append("global\n")
                .append("    stats socket ").append(DIR).append("/admin.sock mode 600 level admin\n")
                .append("    stats timeout 1m\n")
                .append("    log stderr format raw local0 notice\n")
                .append("\n")
                .append("defaults\n")
                .append("    mode http\n")
                .append("    log global\n")
                .append("    option dontlognull\n")
                .append("    option forwardfor\n")
                .append("    timeout connect 5s\n")
                .append("    timeout client 120s\n")
                .append("    timeout http-request 30s\n")
                .append("    timeout http-keep-alive 10s\n")
                // Moodle's slow pages (admin, upgrade notes, reports) may take minutes
                .append("    timeout server 600s\n")
                // a PHP page under load can be slow: a check is failed only after this
                .append("    timeout check 20s\n")
                .append("    default-server inter 1s fastinter 200ms downinter 200ms rise 1 fall 3\n")
                .append("\n");

        c.append("frontend site\n")
                .append("    bind :").append(SITE_PORT).append(tls ? " ssl crt " + PEM : "").append('\n')
                .append("    http-request set-header X-Forwarded-Proto ").append(tls ? "https" : "http").append('\n')
                .append("    http-request return status 503 content-type \"text/html; charset=utf-8\" file ")
                .append(DIR).append("/maintenance.html hdr Retry-After 30 hdr Cache-Control no-store")
                .append(" if { str(").append(MAINTENANCE_KEY).append("),map(").append(MAINTENANCE_MAP)
                .append(") -m found }\n")
                .append("    default_backend ").append(LIVE_BACKEND).append('\n')
                .append("\n");

        c.append("backend ").append(LIVE_BACKEND).append('\n')
                .append("    balance roundrobin\n")
                .append("    option httpchk\n")
                .append("    http-check send meth GET uri ").append(spec.healthPath()).append(" ver HTTP/1.1 hdr Host ")
                .append(healthHost).append('\n')
                .append("    http-check expect status 200\n");
        for (Slot slot : Slot.values()) {
            c.append("    ").append(server(slot.id(), state.backend(slot).orElse(null), state.weight(slot), true)).append('\n');
        }
        c.append('\n');

        if (spec.previewPort() > 0) {
            c.append("frontend preview\n")
                    .append("    bind :").append(PREVIEW_PORT).append(tls ? " ssl crt " + PEM : "").append('\n')
                    .append("    http-request set-header X-Forwarded-Proto ").append(tls ? "https" : "http").append('\n')
                    .append("    default_backend ").append(PREVIEW_BACKEND).append('\n')
                    .append("\n")
                    .append("backend ").append(PREVIEW_BACKEND).append('\n')
                    .append("    http-request return status 503 content-type \"text/html; charset=utf-8\" file ")
                    .append(DIR).append("/no-preview.html hdr Cache-Control no-store if { nbsrv(")
                    .append(PREVIEW_BACKEND).append(") eq 0 }\n")
                    .append("    ").append(server(PREVIEW_SERVER, state.preview(), 100, false)).append('\n');
        }
        return c.toString();
    }

    /** A filled slot at its address; an empty one a placeholder in maintenance (never UP without an address). */
    private static String server(String name, WantedState.Backend b, int weight, boolean check) {
        if (b == null || b.address() == null) {
            return "server " + name + " " + PLACEHOLDER_ADDR + ":" + PLACEHOLDER_PORT + (check ? " check" : "")
                    + " weight " + weight + " disabled";
        }
        return "server " + name + " " + b.address() + ":" + b.port() + (check ? " check" : "") + " weight " + weight;
    }

    static String maintenancePage() {
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Maintenance</title></head>\n"
                + "<body><h1>This site is being updated</h1><p>Please try again in a minute.</p></body></html>\n";
    }

    static String noPreviewPage() {
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>No staging copy</title></head>\n"
                + "<body><h1>No staging copy</h1><p>There is no staging copy of this site to preview.</p></body></html>\n";
    }
}
