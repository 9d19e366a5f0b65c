package io.moodlectl.proxy.haproxy;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * HAProxy's runtime API over its unix socket, bind-mounted from the container: one command per connection (HAProxy
 * answers and closes).
 */
final class AdminSocket {
    private static final List<String> ERROR_WORDS = List.of("no such", "unknown command", "require", "invalid",
            "failed", "error", "not found", "unexpected", "missing");

    private final Path socket;

    AdminSocket(Path socket) {
        this.socket = socket;
    }

    Path path() {
        return socket;
    }

    /** Sends one command and returns HAProxy's answer. FAILED if the socket can't be reached. */
    String send(String command) {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(16384);
            while (ch.read(buf) >= 0) {
                buf.flip();
                out.write(buf.array(), 0, buf.limit());
                buf.clear();
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException | IllegalArgumentException e) {
            throw new MoodlectlException(ExitCode.FAILED, "HAProxy's admin socket " + socket + " does not answer: "
                    + e.getMessage(), "is the proxy running? moodlectl starts it again with its saved state");
        }
    }

    /** Sends a command that changes something; FAILED if HAProxy's answer is an error. */
    String change(String command) {
        String answer = send(command);
        String lower = answer.toLowerCase(Locale.ROOT);
        for (String w : ERROR_WORDS) {
            if (lower.contains(w)) {
                throw new MoodlectlException(ExitCode.FAILED, "HAProxy refused '" + command + "': " + answer.strip(),
                        "look at the proxy's configuration in " + socket.getParent());
            }
        }
        return answer;
    }

    boolean answers() {
        try {
            return send("show info").contains("Name:");
        } catch (MoodlectlException e) {
            return false;
        }
    }
}
