package io.moodlectl.database;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.runtime.ContainerRuntime;
import io.moodlectl.runtime.ContainerSpec;
import io.moodlectl.runtime.ContainerState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * The folder through which dumps travel between the host and a database container, so a large dump is written and
 * read by the database's own tools inside the container and never held in memory: the host folder next to the data
 * directory ({@code db/} → {@code db-transfer/}, inside the same environment volume) is bind-mounted at
 * {@value #CONTAINER_PATH}, and its host path is recorded in the container's label {@value #LABEL}.
 *
 * @param hostPath the folder on the host
 */
public record TransferFolder(Path hostPath) {
    public static final String CONTAINER_PATH = "/transfer";
    public static final String LABEL = "moodlectl.db.transfer";

    /** The transfer folder belonging to a data directory, created (mode 0700) if missing. */
    /**
     * A database server's container: its data directory mounted at {@code dataPath}, this transfer folder beside it
     * (its host path kept in a label), and the engine's name as a label. Shared by every engine.
     */
    public static ContainerSpec.Builder serverSpec(String name, String image, Path dataDir, String dataPath, String engine) {
        TransferFolder transfer = forDataDir(dataDir);
        return ContainerSpec.builder(name, image)
                .mount(dataDir.toAbsolutePath().toString(), dataPath)
                .mount(transfer.hostPath().toString(), CONTAINER_PATH)
                .label(LABEL, transfer.hostPath().toString())
                .label("moodlectl.db.engine", engine);
    }

    public static TransferFolder forDataDir(Path dataDir) {
        Path abs = dataDir.toAbsolutePath().normalize();
        Path host = abs.resolveSibling(abs.getFileName() + "-transfer");
        try {
            if (!Files.isDirectory(host)) {
                Files.createDirectories(host);
                Files.setPosixFilePermissions(host, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw new MoodlectlException(ExitCode.FAILED, "cannot create the database transfer folder " + host
                    + ": " + e.getMessage(), "check that " + abs.getParent() + " is writable", e);
        }
        return new TransferFolder(host);
    }

    /** The transfer folder of a running database container, read from its label. */
    public static TransferFolder ofContainer(ContainerRuntime runtime, String container) {
        ContainerState state = runtime.inspect(container).orElseThrow(() -> MoodlectlException.notFound(
                "no database container " + container, "start the environment's database first"));
        String host = state.labels().get(LABEL);
        if (host == null || host.isBlank()) {
            throw new MoodlectlException(ExitCode.NOT_READY, "database container " + container
                    + " has no transfer folder (label " + LABEL + ")",
                    "recreate the container from DatabaseEngine.containerSpec");
        }
        return new TransferFolder(Path.of(host));
    }

    /** A fresh file name in the folder (not created), e.g. "dump-1a2b….sql". */
    public String newFileName(String prefix, String suffix) {
        return prefix + "-" + UUID.randomUUID() + suffix;
    }

    public Path hostFile(String fileName) {
        return hostPath.resolve(fileName);
    }

    public String containerFile(String fileName) {
        return CONTAINER_PATH + "/" + fileName;
    }

    /** Moves a file written in the folder to {@code target} on the host (a copy when they are on different filesystems). */
    public void moveOut(String fileName, Path target) {
        try {
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.move(hostFile(fileName), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the dump to " + target, e);
        }
    }

    /** Puts a host file into the folder: a hard link when possible (same filesystem), a copy otherwise. */
    public void bringIn(Path source, String fileName) {
        Path dest = hostFile(fileName);
        try {
            try {
                Files.createLink(dest, source.toAbsolutePath());
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(source, dest);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + source + " into " + hostPath, e);
        }
    }

    public void delete(String fileName) {
        try {
            Files.deleteIfExists(hostFile(fileName));
        } catch (IOException e) {
            // best effort: the folder is private to the environment
        }
    }
}
