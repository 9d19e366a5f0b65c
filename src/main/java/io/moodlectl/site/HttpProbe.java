package io.moodlectl.site;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 GET with an explicit Host header (so a copy can be checked with the live address's host name, as real
 * Moodle redirects any other host). Returns the status line's code, or -1 when the connection fails.
 */
public final class HttpProbe {
    private HttpProbe() {
    }

    public record Response(int status, String headers, String body) {
    }

    public static Response get(String address, int port, String hostHeader, String path, int timeoutMillis) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nConnection: close\r\n"
                    + "User-Agent: moodlectl-probe\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            String text = buf.toString(StandardCharsets.UTF_8);
            int eol = text.indexOf("\r\n");
            if (eol < 0 || !text.startsWith("HTTP/")) {
                return new Response(-1, "", text);
            }
            int status = Integer.parseInt(text.substring(9, 12));
            int split = text.indexOf("\r\n\r\n");
            return new Response(status, split < 0 ? text : text.substring(0, split), split < 0 ? "" : text.substring(split + 4));
        } catch (IOException | RuntimeException e) {
            return new Response(-1, "", String.valueOf(e.getMessage()));
        }
    }
}
