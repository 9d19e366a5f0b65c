package io.moodlectl.adoption;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.shell.ShellCommand;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An old site's moodledata: a directory or a tar archive (any compression GNU tar reads by itself). It must hold
 * {@code filedir/} (Moodle's file store): without it every uploaded file is lost. What Moodle rebuilds by itself
 * ({@link #LEFT_OUT}) is not copied, nor the maintenance file.
 *
 * @param root inside a tarball, the member prefix of the moodledata folder ("" or e.g. "moodledata/"); null for a directory
 */
public record MoodledataSource(Path path, String root) {
    /** Caches, sessions and temporary files: Moodle makes them again; the maintenance file would keep the copy at 503. */
    public static final List<String> LEFT_OUT = List.of("cache", "localcache", "sessions", "temp", "trashdir", "climaintenance.html");

    public static MoodledataSource of(Path path) {
        if (Files.isDirectory(path)) {
            if (!Files.isDirectory(path.resolve("filedir"))) {
                throw noFiledir(path);
            }
            return new MoodledataSource(path, null);
        }
        if (!Files.isRegularFile(path)) {
            throw MoodlectlException.notFound("no moodledata at " + path, "give the old site's moodledata folder or a tar of it (--moodledata)");
        }
        return new MoodledataSource(path, tarRoot(path));
    }

    public boolean tarball() {
        return root != null;
    }

    /** The member prefix under which {@code filedir/} sits; INVALID_INPUT if the archive has none or can't be read. */
    static String tarRoot(Path tar) {
        Process p;
        try {
            p = new ProcessBuilder("tar", "-tf", tar.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new MoodlectlException(ExitCode.MISSING_TOOL, "cannot run tar: " + e.getMessage(), "install tar");
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String root = rootOf(line);
                if (root != null) {
                    return root;
                }
            }
            int code = p.waitFor();
            if (code != 0) {
                throw MoodlectlException.invalid("cannot read the archive " + tar + " (tar -tf exited " + code + ")",
                        "give a tar archive of moodledata (tar -czf moodledata.tgz -C /path/to moodledata), or the folder itself");
            }
            throw noFiledir(tar);
        } catch (IOException e) {
            throw MoodlectlException.invalid("cannot read the archive " + tar + ": " + e.getMessage(), "check the file");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MoodlectlException(ExitCode.FAILED, "interrupted while reading " + tar);
        } finally {
            p.destroy();
        }
    }

    /** "x/y/filedir/…" → "x/y/"; "filedir/" → ""; null if the member is not in a filedir. */
    static String rootOf(String member) {
        String m = member.startsWith("/") ? member.substring(1) : member;
        int i = m.startsWith("filedir/") || m.equals("filedir") ? 0 : m.indexOf("/filedir/");
        if (i < 0 && m.endsWith("/filedir")) {
            i = m.length() - "/filedir".length();
        }
        if (i < 0) {
            return null;
        }
        return i == 0 ? "" : m.substring(0, i + 1);
    }

    private static MoodlectlException noFiledir(Path p) {
        return MoodlectlException.invalid(p + " has no filedir/: it is not a Moodle moodledata (uploaded files live in filedir/)",
                "give the old site's $CFG->dataroot (the folder holding filedir/), or a tar of it; nothing was created");
    }

    /** The command that copies this moodledata into {@code target} (an empty, existing folder), leaving out {@link #LEFT_OUT}. */
    public ShellCommand copyCommand(Path target) {
        List<String> argv = new ArrayList<>();
        if (!tarball()) {
            argv.addAll(List.of("rsync", "-a", "--numeric-ids"));
            LEFT_OUT.forEach(x -> argv.add("--exclude=/" + x));
            argv.add(path.toString() + "/");
            argv.add(target.toString() + "/");
            return ShellCommand.of(argv);
        }
        int strip = root.isEmpty() ? 0 : (int) root.chars().filter(c -> c == '/').count();
        argv.addAll(List.of("tar", "-x", "-f", path.toString(), "-C", target.toString(), "--no-same-owner",
                "--strip-components=" + strip, "--anchored", "--no-wildcards"));
        for (String x : LEFT_OUT) {
            argv.add("--exclude=" + root + x);
        }
        if (!root.isEmpty()) {
            argv.add(root);
        }
        return ShellCommand.of(argv);
    }
}
