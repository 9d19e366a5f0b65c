package io.moodlectl.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A small, bounded HTTP load for switching tests: one client thread sends GET requests one after another, each on a
 * fresh connection (loopback targets only), until {@link #stop()}, {@code maxRequests} or {@code maxTime}, and counts
 * what came back. Use with try-with-resources:
 * <pre>
 * try (HttpLoad load = HttpLoad.start(URI.create("http://127.0.0.1:8080/"), "moodle.test", 2000, Duration.ofSeconds(30))) {
 *     load.awaitRequests(50);
 *     ... switch ...
 *     HttpLoad.Result r = load.stop();
 * }
 * </pre>
 */
public final class HttpLoad implements AutoCloseable {
    /** Pause between requests, so the load is steady but leaves the machine's two cores to the servers. */
    private static final long PAUSE_MS = 5;
    private static final int TIMEOUT_MS = 10_000;

    /** One response, read whole. */
    public record Response(int status, Map<String, String> headers, String body) {
        /** A header by name, case-insensitively; null if absent. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * What the load saw.
     *
     * @param ok               responses with status 200
     * @param unavailable      responses with status 503
     * @param otherStatus      any other status
     * @param connectionErrors refused, reset or timed-out connections and unreadable responses
     * @param bodies           how often each 200 body (stripped) came back, in order of first appearance
     * @param sequence         every outcome in order: "200:body", "503", "status:NNN", "error:…"
     */
    public record Result(int ok, int unavailable, int otherStatus, int connectionErrors, Map<String, Integer> bodies,
                         List<String> sequence) {
        public int total() {
            return ok + unavailable + otherStatus + connectionErrors;
        }
    }

    private final URI uri;
    private final String host;
    private final int maxRequests;
    private final long deadline;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Thread thread;
    private final List<String> sequence = new ArrayList<>();
    private int ok;
    private int unavailable;
    private int otherStatus;
    private int errors;
    private final Map<String, Integer> bodies = new LinkedHashMap<>();

    private HttpLoad(URI uri, String host, int maxRequests, Duration maxTime) {
        String h = uri.getHost();
        if (!(h.equals("127.0.0.1") || h.equals("localhost") || h.equals("::1") || h.equals("[::1]"))) {
            throw new IllegalArgumentException("HttpLoad sends load to loopback addresses only, not " + h);
        }
        this.uri = uri;
        this.host = host;
        this.maxRequests = maxRequests;
        this.deadline = System.nanoTime() + maxTime.toNanos();
        this.thread = new Thread(this::run, "http-load");
        this.thread.setDaemon(true);
    }

    /**
     * Starts the load on {@code uri} (loopback only) with the given Host header (null: the URI's).
     * It stops by itself after {@code maxRequests} requests or {@code maxTime}.
     */
    public static HttpLoad start(URI uri, String host, int maxRequests, Duration maxTime) {
        HttpLoad load = new HttpLoad(uri, host, maxRequests, maxTime);
        load.thread.start();
        return load;
    }

    /** Waits until at least {@code n} requests are done (or the load ended). */
    public void awaitRequests(int n) {
        while (thread.isAlive() && snapshot().total() < n) {
            pause(10);
        }
    }

    /** Waits until the load's sequence holds {@code n} results with this 200 body after any other outcome, or it ended. */
    public void awaitBody(String body, int n) {
        while (thread.isAlive()) {
            Result r = snapshot();
            if (r.bodies().getOrDefault(body, 0) >= n) {
                return;
            }
            pause(10);
        }
    }

    /** Stops the load, waits for the request in flight, and returns the counts. */
    public Result stop() {
        stopping.set(true);
        try {
            thread.join(TIMEOUT_MS * 2L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return snapshot();
    }

    /** The counts so far. */
    public synchronized Result snapshot() {
        return new Result(ok, unavailable, otherStatus, errors, Map.copyOf(bodies), List.copyOf(sequence));
    }

    @Override
    public void close() {
        stop();
    }

    private void run() {
        int sent = 0;
        while (!stopping.get() && sent < maxRequests && System.nanoTime() < deadline) {
            sent++;
            String outcome;
            try {
                Response r = get(uri, host);
                outcome = record(r);
            } catch (IOException | RuntimeException e) {
                synchronized (this) {
                    errors++;
                }
                outcome = "error:" + e.getClass().getSimpleName() + " " + e.getMessage();
            }
            synchronized (this) {
                sequence.add(outcome);
            }
            pause(PAUSE_MS);
        }
    }

    private synchronized String record(Response r) {
        if (r.status() == 200) {
            ok++;
            bodies.merge(r.body().strip(), 1, Integer::sum);
            return "200:" + r.body().strip();
        }
        if (r.status() == 503) {
            unavailable++;
            return "503";
        }
        otherStatus++;
        return "status:" + r.status();
    }

    /** One GET on a fresh connection ({@code Connection: close}), with the given Host header (null: the URI's). */
    public static Response get(URI uri, String host) throws IOException {
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        String hostHeader = host != null ? host : uri.getHost() + ":" + port;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), port), TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nUser-Agent: moodlectl-httpload\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return parse(s.getInputStream());
        }
    }

    private static Response parse(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        in.transferTo(buf);
        String all = buf.toString(StandardCharsets.UTF_8);
        int end = all.indexOf("\r\n\r\n");
        if (!all.startsWith("HTTP/") || end < 0) {
            throw new IOException("not an HTTP response (" + all.length() + " bytes)");
        }
        String[] lines = all.substring(0, end).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
            }
        }
        String body = all.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Response(Integer.parseInt(statusLine[1]), Map.copyOf(headers), body);
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            int eol = body.indexOf("\r\n", i);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(body.substring(i, eol).split(";")[0].strip(), 16);
            if (size == 0) {
                break;
            }
            out.append(body, eol + 2, Math.min(body.length(), eol + 2 + size));
            i = eol + 2 + size + 2;
        }
        return out.toString();
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
