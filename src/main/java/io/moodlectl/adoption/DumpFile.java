package io.moodlectl.adoption;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A database dump file as given: its compression (none, gzip, zstd, xz — told by its first bytes, not its name) and
 * whether it is pg_dump's custom format ({@code PGDMP}). Compressed dumps are read through the system's own
 * decompressor ({@code gzip -dc}, {@code zstd -dc}, {@code xz -dc}) as a stream; a decompressor that fails (a truncated
 * file) makes the dump corrupt.
 */
public record DumpFile(Path path, Compression compression, boolean pgCustom) {

    public enum Compression {
        NONE(null), GZIP("gzip"), ZSTD("zstd"), XZ("xz");

        private final String program;

        Compression(String program) {
            this.program = program;
        }

        public String program() {
            return program;
        }
    }

    /** Looks at the file's first bytes; NOT_FOUND if it is missing, INVALID_INPUT if empty. */
    public static DumpFile of(Path path) {
        if (!Files.isRegularFile(path)) {
            throw MoodlectlException.notFound("no dump file " + path, "give the path of the database dump (--database-dump FILE)");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(8);
        } catch (IOException e) {
            throw MoodlectlException.invalid("cannot read " + path + ": " + e.getMessage(), "check the file's permissions");
        }
        if (head.length == 0) {
            throw MoodlectlException.invalid("the dump " + path + " is empty", "dump the database again");
        }
        Compression c = Compression.NONE;
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            c = Compression.GZIP;
        } else if (head.length >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f
                && (head[3] & 0xff) == 0xfd) {
            c = Compression.ZSTD;
        } else if (head.length >= 6 && Arrays.equals(Arrays.copyOf(head, 6), new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0})) {
            c = Compression.XZ;
        }
        boolean custom = c == Compression.NONE && head.length >= 5 && new String(head, 0, 5, StandardCharsets.US_ASCII).equals("PGDMP");
        if (c != Compression.NONE) {
            try (Stream s = new DumpFile(path, c, false).open()) {
                byte[] inner = s.in().readNBytes(5);
                custom = inner.length == 5 && new String(inner, StandardCharsets.US_ASCII).equals("PGDMP");
            } catch (IOException | RuntimeException e) {
                // a decompressor failing on the first bytes: the full scan reports it
            }
        }
        return new DumpFile(path, c, custom);
    }

    /** The shell command that writes the plain content to stdout (for the journal). */
    public String catCommand() {
        return compression == Compression.NONE ? "cat " + path : compression.program() + " -dc " + path;
    }

    /** The decompressed content as a stream; {@link Stream#close} fails (INVALID_INPUT) if the decompressor did. */
    public Stream open() throws IOException {
        if (compression == Compression.NONE) {
            return new Stream(Files.newInputStream(path), null, this);
        }
        Process p;
        try {
            p = new ProcessBuilder(List.of(compression.program(), "-dc", path.toString()))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new MoodlectlException(ExitCode.MISSING_TOOL, "cannot run " + compression.program() + " to read " + path,
                    "install " + compression.program() + " (apt-get install " + compression.program() + "), or decompress the dump first");
        }
        p.getOutputStream().close();
        return new Stream(p.getInputStream(), p, this);
    }

    /** An open, decompressed dump. */
    public record Stream(InputStream in, Process process, DumpFile file) implements AutoCloseable {
        public BufferedReader reader() {
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        }

        /** Reads to the end (so the decompressor sees the whole file) and checks how it exited. */
        public void finish() throws IOException {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            if (process != null) {
                try {
                    int code = process.waitFor();
                    if (code != 0) {
                        throw corrupt(file, file.compression().program() + " -dc exited " + code);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new MoodlectlException(ExitCode.FAILED, "interrupted while reading " + file.path());
                }
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
            if (process != null) {
                process.destroy();
            }
        }
    }

    static MoodlectlException corrupt(DumpFile file, String why) {
        return new MoodlectlException(ExitCode.INVALID_INPUT, "the dump " + file.path() + " is corrupt or truncated: " + why,
                "make the dump again and check it was copied whole (compare sizes or sha256sum with the original)");
    }
}
