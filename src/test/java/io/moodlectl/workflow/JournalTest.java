package io.moodlectl.workflow;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalTest {
    @TempDir
    Path dir;

    @Test
    void twoJournalsOnOneFileSeeEachOthersWrites() {
        Path file = dir.resolve("nested/folder/journal.db");
        try (Journal a = Journal.open(file); Journal b = Journal.open(file)) {
            OperationRunner runnerA = new OperationRunner(a, ProgressListener.NONE);
            try (Operation op = runnerA.begin("stage", "demo", "stage 4.5.6")) {
                op.run(Step.named("snapshot").command("btrfs subvolume snapshot -r live snap").action(ctx -> {
                    ctx.output("created");
                    return null;
                }));
                OperationRecord seen = b.operation(op.id()).orElseThrow();
                assertThat(seen.status()).isEqualTo(OperationStatus.RUNNING);
                assertThat(b.steps(op.id())).extracting(StepRecord::name, StepRecord::output)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("snapshot", "created\n"));
                op.fact("forecast", "58 s");
                op.succeed();
                OperationRecord done = b.operation(op.id()).orElseThrow();
                assertThat(done.status()).isEqualTo(OperationStatus.SUCCEEDED);
                assertThat(done.facts()).containsEntry("forecast", "58 s");
            }
            // b writes, a reads
            try (Operation op = new OperationRunner(b, ProgressListener.NONE).begin("backup", "demo", null)) {
                op.succeed();
            }
            assertThat(a.operations("demo", 0)).extracting(OperationRecord::kind).containsExactly("backup", "stage");
        }
    }

    @Test
    void concurrentWritersOnOneFileLoseNothing() throws Exception {
        Path file = dir.resolve("journal.db");
        int writers = 3;
        int steps = 25;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<String>> ids = new ArrayList<>();
        try {
            for (int w = 0; w < writers; w++) {
                String site = "site" + w;
                Callable<String> task = () -> {
                    try (Journal j = Journal.open(file)) {
                        try (Operation op = new OperationRunner(j, ProgressListener.NONE).begin("exec", site, null)) {
                            for (int i = 1; i <= steps; i++) {
                                int n = i;
                                op.run(Step.named("step-" + n).action(ctx -> {
                                    ctx.output("out " + n);
                                    return null;
                                }));
                                op.fact("last", Integer.toString(n));
                            }
                            op.succeed();
                            return op.id();
                        }
                    }
                };
                ids.add(pool.submit(task));
            }
            try (Journal reader = Journal.open(file)) {
                for (Future<String> f : ids) {
                    String id = f.get();
                    List<StepRecord> recorded = reader.steps(id);
                    assertThat(recorded).hasSize(steps);
                    assertThat(recorded).extracting(StepRecord::status).containsOnly(StepStatus.OK);
                    assertThat(recorded.get(steps - 1).output()).isEqualTo("out " + steps + "\n");
                    OperationRecord op = reader.operation(id).orElseThrow();
                    assertThat(op.status()).isEqualTo(OperationStatus.SUCCEEDED);
                    assertThat(op.facts()).containsEntry("last", Integer.toString(steps));
                }
                assertThat(reader.operations(null, 0)).hasSize(writers);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theSchemaIsVersionedAndTheJournalIsInWalMode() throws Exception {
        Path file = dir.resolve("journal.db");
        Journal.open(file).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                assertThat(rs.getInt(1)).isEqualTo(Journal.SCHEMA_VERSION);
            }
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
            }
        }
        // reopening an existing journal keeps its data
        String id;
        try (Journal j = Journal.open(file); Operation op = new OperationRunner(j, ProgressListener.NONE)
                .begin("create", "demo", null)) {
            id = op.id();
            op.succeed();
        }
        try (Journal j = Journal.open(file)) {
            assertThat(j.operation(id)).isPresent();
        }
    }

    @Test
    void aJournalFromANewerMoodlectlIsRefused() throws Exception {
        Path file = dir.resolve("journal.db");
        Journal.open(file).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            s.executeUpdate("PRAGMA user_version = 99");
        }
        assertThatThrownBy(() -> Journal.open(file)).isInstanceOfSatisfying(MoodlectlException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.UNSUPPORTED);
            assertThat(e.getMessage()).contains("schema version 99");
        });
    }

    @Test
    void unknownOperationsAreEmpty() {
        try (Journal j = Journal.open(dir.resolve("journal.db"))) {
            assertThat(j.operation("nope")).isEmpty();
            assertThat(j.steps("nope")).isEmpty();
            assertThat(j.operations(null, 10)).isEmpty();
        }
    }
}
