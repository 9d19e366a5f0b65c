package io.moodlectl.runtime.docker;

import io.moodlectl.runtime.ImageStore;
import io.moodlectl.shell.ShellCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A 2 MB test image: Debian's busybox-static as /bin/busybox plus applet links, imported as a root filesystem. */
final class BusyboxImage {
    static final String TAG = "mctl-r-test/busybox:it";
    private static final List<String> APPLETS = List.of("sh", "ls", "cat", "echo", "id", "httpd", "nc", "nslookup",
            "sleep", "wget", "ping", "hostname", "ip", "touch", "mkdir", "grep", "env", "true", "false");

    private BusyboxImage() {
    }

    /** Imports the image unless present; returns its tag. */
    static String ensure(ImageStore images) throws IOException {
        if (!images.exists(TAG)) {
            Path tar = rootfsTarball();
            try {
                images.importRootfs(tar, TAG, Map.of("io.moodlectl.test", "mctl-r"));
            } finally {
                deleteTree(tar.getParent());
            }
        }
        return TAG;
    }

    /** Builds the tarball in a fresh temp dir (the caller deletes {@code result.getParent()}). */
    static Path rootfsTarball() throws IOException {
        Path work = Files.createTempDirectory("mctl-r-busybox");
        ShellCommand.of("apt-get", "download", "busybox-static").in(work).check();
        Path deb;
        try (Stream<Path> s = Files.list(work)) {
            deb = s.filter(p -> p.getFileName().toString().endsWith(".deb")).findFirst().orElseThrow();
        }
        Path extracted = work.resolve("x");
        ShellCommand.of("dpkg-deb", "-x", deb.toString(), extracted.toString()).check();
        Path root = work.resolve("root");
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("tmp"));
        Files.createDirectories(root.resolve("www"));
        Files.copy(extracted.resolve("bin/busybox"), root.resolve("bin/busybox"));
        for (String a : APPLETS) {
            Files.createSymbolicLink(root.resolve("bin/" + a), Path.of("busybox"));
        }
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nnobody:x:65534:\n");
        Files.writeString(root.resolve("www/index.html"), "hello from busybox\n");
        Path tar = work.resolve("rootfs.tar");
        ShellCommand.of("tar", "-C", root.toString(), "-cf", tar.toString(), ".").check();
        return tar;
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
