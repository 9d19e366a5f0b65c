package io.moodlectl.release;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.shell.ShellCommand;
import io.moodlectl.shell.ShellResult;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A bare mirror of a git repository (URL or local path) in the state directory's cache, so releases are resolved and
 * exported without touching the origin more than once per operation. Uses the git CLI (fast archive/export of large
 * trees such as Moodle's 40k files).
 */
public final class GitMirror {
    private final String repository;
    private final Path dir;

    private GitMirror(String repository, Path dir) {
        this.repository = repository;
        this.dir = dir;
    }

    /** Opens the mirror of {@code repository} under {@code cacheDir}, cloning or fetching it now. */
    public static GitMirror sync(String repository, Path cacheDir) {
        Path dir = cacheDir.resolve(hash(repository) + ".git");
        GitMirror m = new GitMirror(repository, dir);
        ShellResult r;
        if (Files.isDirectory(dir.resolve("objects"))) {
            r = ShellCommand.of("git", "-C", dir.toString(), "fetch", "--prune", "--tags", "--force", "origin",
                    "+refs/heads/*:refs/heads/*").withEnv("GIT_TERMINAL_PROMPT", "0").run();
        } else {
            try {
                Files.createDirectories(cacheDir);
            } catch (java.io.IOException e) {
                throw new MoodlectlException(ExitCode.FAILED, "cannot create " + cacheDir + ": " + e.getMessage(), null);
            }
            r = ShellCommand.of("git", "clone", "--quiet", "--mirror", repository, dir.toString())
                    .withEnv("GIT_TERMINAL_PROMPT", "0").run();
        }
        if (!r.ok()) {
            throw new MoodlectlException(ExitCode.UNREACHABLE, "cannot read the git repository " + repository + ": "
                    + r.output().strip().lines().reduce((a, b) -> b).orElse(""),
                    "check the repository address (a URL or a local path) and that this host can reach it");
        }
        return m;
    }

    /** The mirror as it is, without fetching; empty if it was never synced. */
    public static Optional<GitMirror> cached(String repository, Path cacheDir) {
        Path dir = cacheDir.resolve(hash(repository) + ".git");
        return Files.isDirectory(dir.resolve("objects")) ? Optional.of(new GitMirror(repository, dir)) : Optional.empty();
    }

    public String repository() {
        return repository;
    }

    /** The commit a tag, branch or commit id names; NOT_FOUND if none. */
    public String resolve(String ref) {
        ShellResult r = git("rev-parse", "--verify", "--quiet", ref + "^{commit}");
        if (!r.ok()) {
            throw MoodlectlException.notFound("no ref '" + ref + "' in " + repository,
                    "list what it has: git ls-remote --tags " + repository);
        }
        return r.stdout().strip();
    }

    /** A file's text at a commit, if it exists. */
    public Optional<String> readFile(String commit, String path) {
        ShellResult r = git("show", commit + ":" + path);
        return r.ok() ? Optional.of(r.stdout()) : Optional.empty();
    }

    /** Tag names, newest version first is the caller's business. */
    public List<String> tags() {
        ShellResult r = git("tag", "--list");
        return r.stdout().lines().filter(s -> !s.isBlank()).toList();
    }

    /** Every file path of the tree at {@code commit} (git ls-tree -r --name-only). */
    public List<String> listFiles(String commit) {
        ShellResult r = git("ls-tree", "-r", "--name-only", "--full-tree", commit);
        if (!r.ok()) {
            throw MoodlectlException.notFound("cannot list the files of " + commit + " in " + repository, "check the ref");
        }
        return r.stdout().lines().filter(s -> !s.isBlank()).toList();
    }

    /** Writes the tree of {@code commit} into {@code target} (created if missing), without a .git folder. */
    public ShellCommand exportCommand(String commit, Path target) {
        return ShellCommand.of("bash", "-o", "pipefail", "-c",
                "mkdir -p " + ShellCommand.quote(target.toString()) + " && git --git-dir=" + ShellCommand.quote(dir.toString())
                        + " archive --format=tar " + ShellCommand.quote(commit) + " | tar -x -C " + ShellCommand.quote(target.toString()));
    }

    private ShellResult git(String... args) {
        String[] argv = new String[args.length + 2];
        argv[0] = "git";
        argv[1] = "--git-dir=" + dir;
        System.arraycopy(args, 0, argv, 2, args.length);
        return ShellCommand.of(argv).run();
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
