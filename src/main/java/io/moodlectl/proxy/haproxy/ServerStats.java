package io.moodlectl.proxy.haproxy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One server's line of HAProxy's {@code show stat} CSV.
 *
 * @param status      e.g. "UP", "DOWN", "MAINT", "UP 1/3" (going down), "no check"
 * @param checkStatus e.g. "L7OK", "L7STS", "L4CON", "INI"
 * @param lastCheck   HAProxy's text for the last check, e.g. "HTTP status check returned code <200>" (may be empty)
 */
record ServerStats(String backend, String server, String status, int weight, String checkStatus, String checkCode,
                   String lastCheck, String address) {

    /** Up, and its last health check was a passing HTTP check. */
    boolean passing() {
        return status.startsWith("UP") && checkStatus.startsWith("L7OK");
    }

    /** The last check in words, for messages. */
    String checkText() {
        StringBuilder s = new StringBuilder(status);
        if (!checkStatus.isEmpty()) {
            s.append(", check ").append(checkStatus);
            if (!checkCode.isEmpty()) {
                s.append(' ').append(checkCode);
            }
        }
        if (!lastCheck.isEmpty()) {
            s.append(": ").append(lastCheck);
        }
        return s.toString();
    }

    static List<ServerStats> parse(String csv) {
        List<ServerStats> out = new ArrayList<>();
        String[] lines = csv.split("\\n");
        Map<String, Integer> col = new HashMap<>();
        for (String line : lines) {
            if (line.startsWith("# ")) {
                String[] names = line.substring(2).split(",", -1);
                for (int i = 0; i < names.length; i++) {
                    col.put(names[i].strip(), i);
                }
                continue;
            }
            if (line.isBlank() || col.isEmpty()) {
                continue;
            }
            String[] f = line.split(",", -1);
            String sv = get(f, col, "svname");
            if (sv.equals("FRONTEND") || sv.equals("BACKEND")) {
                continue;
            }
            String w = get(f, col, "weight");
            out.add(new ServerStats(get(f, col, "pxname"), sv, get(f, col, "status"), w.isEmpty() ? 0 : Integer.parseInt(w),
                    get(f, col, "check_status").replace("* ", ""), get(f, col, "check_code"), get(f, col, "last_chk"),
                    get(f, col, "addr")));
        }
        return out;
    }

    static Optional<ServerStats> find(List<ServerStats> all, String backend, String server) {
        return all.stream().filter(s -> s.backend().equals(backend) && s.server().equals(server)).findFirst();
    }

    private static String get(String[] f, Map<String, Integer> col, String name) {
        Integer i = col.get(name);
        return i == null || i >= f.length ? "" : f[i].strip();
    }
}
