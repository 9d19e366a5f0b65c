package io.moodlectl.backup.restic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.shell.ShellCommand;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A restic repository, driven through Debian's {@code restic} CLI with {@code --json}. The password reaches restic only
 * through {@code RESTIC_PASSWORD_FILE} (never a command line, never an output); the repository through
 * {@code RESTIC_REPOSITORY}. restic 0.14 exits 1 for every fatal error, so failures are classified by its message:
 * wrong password → INVALID_INPUT, repository missing → NOT_FOUND, back-end not reachable → UNREACHABLE.
 */
public final class ResticRepository {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String repository;
    private final Path passwordFile;
    private final Path cacheDir;
    private final List<String> options;

    /**
     * @param repository   restic's repository string (a path, sftp:user@host:/path, s3:…)
     * @param passwordFile a file holding the password (mode 0600)
     * @param cacheDir     restic's local cache (under moodlectl's state directory)
     * @param options      extended options, e.g. {@code sftp.command=ssh … -s sftp}
     */
    public ResticRepository(String repository, Path passwordFile, Path cacheDir, List<String> options) {
        this.repository = repository;
        this.passwordFile = passwordFile;
        this.cacheDir = cacheDir;
        this.options = List.copyOf(options);
    }

    public String location() {
        return repository;
    }

    /** One restic snapshot: a backup. */
    public record Snapshot(String id, String shortId, Instant time, String hostname, List<String> tags, List<String> paths) {
        /** The value of a {@code key=value} tag, or null. */
        public String tag(String key) {
            return tags.stream().filter(t -> t.startsWith(key + "=")).map(t -> t.substring(key.length() + 1)).findFirst().orElse(null);
        }
    }

    /** What {@code restic backup} reported at the end. */
    public record BackupSummary(String snapshotId, long filesNew, long filesChanged, long filesUnmodified, long dataAdded,
                                long totalFiles, long totalBytes, double seconds) {
    }

    /** The shell line a person would type for {@code args} (environment values not shown). */
    public String commandLine(String... args) {
        return ShellCommand.of(argv(List.of(args))).withEnv("RESTIC_REPOSITORY", repository)
                .withEnv("RESTIC_PASSWORD_FILE", passwordFile.toString()).toShellString()
                .replace("RESTIC_REPOSITORY=…", "RESTIC_REPOSITORY=" + ShellCommand.quote(repository))
                .replace("RESTIC_PASSWORD_FILE=…", "RESTIC_PASSWORD_FILE=" + ShellCommand.quote(passwordFile.toString()));
    }

    /** True if a repository answers at the location (with this password); false if there is none yet. */
    public boolean exists() {
        Run r = run(List.of("cat", "config"), null, null);
        if (r.exitCode == 0) {
            return true;
        }
        if (missing(r.err)) {
            return false;
        }
        throw classify("open", r);
    }

    /** restic init. */
    public void init() {
        Run r = run(List.of("init"), null, null);
        if (r.exitCode != 0) {
            throw classify("init", r);
        }
    }

    /**
     * Backs up {@code paths} (relative to {@code dir}, stored under "/"), excluding {@code excludes} (absolute paths),
     * with tags and a host name; progress lines (percent done) go to {@code progress} about every 10 %.
     */
    public BackupSummary backup(Path dir, List<String> paths, List<String> excludes, String host, List<String> tags,
                                Consumer<String> progress) {
        List<String> args = new ArrayList<>(List.of("backup", "--json", "--host", host));
        tags.forEach(t -> args.addAll(List.of("--tag", t)));
        excludes.forEach(e -> args.addAll(List.of("--exclude", e)));
        args.addAll(paths);
        JsonNode[] summary = new JsonNode[1];
        int[] lastTenth = {-1};
        Run r = run(args, dir, line -> {
            JsonNode n = parse(line);
            if (n == null) {
                return;
            }
            String type = n.path("message_type").asText();
            if ("summary".equals(type)) {
                summary[0] = n;
            } else if ("status".equals(type) && progress != null) {
                int tenth = (int) (n.path("percent_done").asDouble() * 10);
                if (tenth > lastTenth[0]) {
                    lastTenth[0] = tenth;
                    progress.accept(String.format(java.util.Locale.ROOT, "%3d %%  %d of %d files, %s of %s", tenth * 10,
                            n.path("files_done").asLong(), n.path("total_files").asLong(),
                            mib(n.path("bytes_done").asLong()), mib(n.path("total_bytes").asLong())));
                }
            } else if ("error".equals(type) && progress != null) {
                progress.accept("error: " + n.path("error").path("message").asText(n.toString()));
            }
        });
        if (r.exitCode != 0 || summary[0] == null) {
            throw classify("backup", r);
        }
        JsonNode s = summary[0];
        return new BackupSummary(s.path("snapshot_id").asText(), s.path("files_new").asLong(), s.path("files_changed").asLong(),
                s.path("files_unmodified").asLong(), s.path("data_added").asLong(), s.path("total_files_processed").asLong(),
                s.path("total_bytes_processed").asLong(), s.path("total_duration").asDouble());
    }

    /** The snapshots carrying every one of {@code tags}, oldest first. */
    public List<Snapshot> snapshots(List<String> tags) {
        List<String> args = new ArrayList<>(List.of("snapshots", "--json"));
        if (!tags.isEmpty()) {
            args.addAll(List.of("--tag", String.join(",", tags)));
        }
        Run r = run(args, null, null);
        if (r.exitCode != 0) {
            throw classify("list snapshots", r);
        }
        JsonNode arr = parse(r.out.strip());
        List<Snapshot> out = new ArrayList<>();
        if (arr != null && arr.isArray()) {
            for (JsonNode n : arr) {
                List<String> t = new ArrayList<>();
                n.path("tags").forEach(x -> t.add(x.asText()));
                List<String> p = new ArrayList<>();
                n.path("paths").forEach(x -> p.add(x.asText()));
                out.add(new Snapshot(n.path("id").asText(), n.path("short_id").asText(), Instant.parse(n.path("time").asText()),
                        n.path("hostname").asText(), List.copyOf(t), List.copyOf(p)));
            }
        }
        return out;
    }

    /** restic forget with the keep rules, for the snapshots carrying {@code tags}; returns the ids it removed. */
    public List<String> forget(List<String> tags, int last, int daily, int weekly, int monthly) {
        List<String> args = new ArrayList<>(List.of("forget", "--json", "--tag", String.join(",", tags)));
        Map<String, Integer> keep = new LinkedHashMap<>();
        keep.put("--keep-last", last);
        keep.put("--keep-daily", daily);
        keep.put("--keep-weekly", weekly);
        keep.put("--keep-monthly", monthly);
        keep.forEach((k, v) -> {
            if (v > 0) {
                args.addAll(List.of(k, String.valueOf(v)));
            }
        });
        Run r = run(args, null, null);
        if (r.exitCode != 0) {
            throw classify("forget", r);
        }
        List<String> removed = new ArrayList<>();
        JsonNode groups = parse(r.out.strip());
        if (groups != null && groups.isArray()) {
            for (JsonNode g : groups) {
                g.path("remove").forEach(s -> removed.add(s.path("id").asText()));
            }
        }
        return removed;
    }

    /** restic prune: drops the data no snapshot uses any more. Returns restic's report. */
    public String prune() {
        Run r = run(List.of("prune"), null, null);
        if (r.exitCode != 0) {
            throw classify("prune", r);
        }
        return r.out;
    }

    /** Restores a snapshot (its paths under {@code target}). Data is verified as it is read: damage fails the restore. */
    public void restore(String snapshotId, Path target, Consumer<String> progress) {
        Run r = run(List.of("restore", snapshotId, "--target", target.toString()), null, progress);
        if (r.exitCode != 0) {
            throw classify("restore", r);
        }
    }

    /** The size a snapshot takes when restored (restic stats, restore-size mode). */
    public long restoreSize(String snapshotId) {
        Run r = run(List.of("stats", "--json", snapshotId), null, null);
        JsonNode n = parse(r.out.strip());
        if (r.exitCode != 0 || n == null) {
            throw classify("stats", r);
        }
        return n.path("total_size").asLong();
    }

    /** Result of restic check. */
    public record CheckResult(boolean ok, String output) {
    }

    /** restic check (structure and index; {@code readDataSubset} e.g. "10%" also reads that share of the data). */
    public CheckResult check(String readDataSubset) {
        List<String> args = new ArrayList<>(List.of("check"));
        if (readDataSubset != null) {
            args.add("--read-data-subset=" + readDataSubset);
        }
        Run r = run(args, null, null);
        if (r.exitCode != 0 && (wrongPassword(r.err) || missing(r.err) || unreachable(r.err))) {
            throw classify("check", r);
        }
        return new CheckResult(r.exitCode == 0, (r.out + r.err).strip());
    }

    // ------------------------------------------------------------------------------------------------ internals

    private List<String> argv(List<String> args) {
        List<String> all = new ArrayList<>(List.of("restic", "--cache-dir", cacheDir.toString()));
        for (String o : options) {
            all.addAll(List.of("-o", o));
        }
        all.addAll(args);
        return all;
    }

    private record Run(int exitCode, String out, String err) {
    }

    /** Runs restic, streaming stdout lines to {@code lines} (if given) and keeping all output. */
    private Run run(List<String> args, Path dir, Consumer<String> lines) {
        ProcessBuilder pb = new ProcessBuilder(argv(args));
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Map<String, String> env = pb.environment();
        env.remove("RESTIC_PASSWORD");
        env.remove("RESTIC_PASSWORD_COMMAND");
        env.put("RESTIC_REPOSITORY", repository);
        env.put("RESTIC_PASSWORD_FILE", passwordFile.toString());
        env.put("RESTIC_PROGRESS_FPS", "0.5");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new MoodlectlException(ExitCode.MISSING_TOOL, "cannot run restic: " + e.getMessage(),
                    "install Debian's restic (scripts/setup-host.sh installs everything moodlectl needs)", e);
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errPump = new Thread(() -> pump(p.getErrorStream(), err));
        errPump.start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
                if (lines != null) {
                    lines.accept(line);
                }
            }
            int code = p.waitFor();
            errPump.join();
            return new Run(code, out.toString(), err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            p.destroyForcibly();
            throw new MoodlectlException(ExitCode.FAILED, "reading restic's output failed: " + e.getMessage());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new MoodlectlException(ExitCode.FAILED, "interrupted while running restic " + args.get(0));
        }
    }

    private static void pump(InputStream in, ByteArrayOutputStream sink) {
        try (in) {
            in.transferTo(sink);
        } catch (IOException ignored) {
            // the process ended
        }
    }

    private static JsonNode parse(String line) {
        if (line == null || line.isBlank() || !(line.startsWith("{") || line.startsWith("["))) {
            return null;
        }
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean wrongPassword(String err) {
        return err.contains("wrong password");
    }

    private static boolean missing(String err) {
        return err.contains("Is there a repository at the following location?")
                || err.contains("repository does not exist");
    }

    private static boolean unreachable(String err) {
        return err.contains("unable to open repository") || err.contains("unable to start the sftp session")
                || err.contains("connection refused") || err.contains("Connection refused") || err.contains("no such host")
                || err.contains("dial tcp") || err.contains("Permission denied") || err.contains("timeout");
    }

    private static boolean noSpace(String err) {
        return err.contains("no space left on device");
    }

    /** A restic failure as a MoodlectlException with its own exit code and a hint. */
    MoodlectlException classify(String what, Run r) {
        String msg = r.err.strip();
        String shown = msg.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("exit " + r.exitCode);
        if (wrongPassword(msg)) {
            return new MoodlectlException(ExitCode.INVALID_INPUT, "restic " + what + ": wrong password for the repository "
                    + repository, "check the site file's backup: password-file (" + passwordFile + ") — it must hold the "
                    + "password the repository was made with");
        }
        if (missing(msg)) {
            return MoodlectlException.notFound("no restic repository at " + repository,
                    "check backup: repository in the site file; `moodlectl backup create` makes one there");
        }
        if (noSpace(msg)) {
            return new MoodlectlException(ExitCode.NO_SPACE, "restic " + what + ": no space left: " + shown,
                    "free space where restic writes (the pool for restores, the repository for backups) and try again");
        }
        if (unreachable(msg)) {
            return new MoodlectlException(ExitCode.UNREACHABLE, "restic " + what + ": the repository " + repository
                    + " cannot be reached: " + shown, "check the address, that the server is up, and the SSH key and port "
                    + "(backup: ssh: in the site file)");
        }
        return new MoodlectlException(ExitCode.FAILED, "restic " + what + " exited " + r.exitCode + ": " + shown,
                "run `" + commandLine("check") + "` to see whether the repository is damaged");
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
