package io.moodlectl.record;

import io.moodlectl.workflow.OperationRecord;
import io.moodlectl.workflow.Redactor;
import io.moodlectl.workflow.StepRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Two journaled operations compared step by step (e.g. the rehearsal against the promotion): steps are matched by name
 * (the n-th step of a name in one with the n-th of that name in the other), in the order of the first operation, each
 * step found only in the second placed after the last matched step before it. Each row says both statuses, exit codes,
 * durations, their ratio and whether the commands differ.
 */
public record OperationDiff(Side a, Side b, List<Row> steps, int matched, int onlyInA, int onlyInB,
                            int commandsDiffer) {

    public record Side(String id, String kind, String site, String status, Double seconds) {
        static Side of(OperationRecord op) {
            return new Side(op.id(), op.kind(), op.site(), op.status().name(),
                    op.took() == null ? null : op.took().toMillis() / 1000.0);
        }
    }

    /** One step of A, of B, or of both; {@code in} says which: "both", "a" or "b". */
    public record Row(String name, String in, Step a, Step b, Double ratio, boolean commandDiffers) {
    }

    /** What one operation's step did: seconds null while unfinished; command and exitCode may be null. */
    public record Step(int seq, String status, Integer exitCode, Double seconds, String command) {
        static Step of(StepRecord s) {
            return new Step(s.seq(), s.status().name(), s.exitCode(),
                    s.took() == null ? null : s.took().toMillis() / 1000.0, Redactor.redact(s.command()));
        }
    }

    public static OperationDiff compare(OperationRecord opA, List<StepRecord> stepsA, OperationRecord opB,
                                        List<StepRecord> stepsB) {
        // the n-th occurrence of each name in B
        Map<String, List<StepRecord>> byName = new HashMap<>();
        for (StepRecord s : stepsB) {
            byName.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(s);
        }
        Map<String, Integer> seen = new HashMap<>();
        Map<Integer, StepRecord> partnerOfA = new HashMap<>(); // A's seq → B's step
        Map<Integer, Integer> partnerOfB = new HashMap<>();    // B's seq → A's seq
        for (StepRecord s : stepsA) {
            int n = seen.merge(s.name(), 1, Integer::sum) - 1;
            List<StepRecord> same = byName.getOrDefault(s.name(), List.of());
            if (n < same.size()) {
                partnerOfA.put(s.seq(), same.get(n));
                partnerOfB.put(same.get(n).seq(), s.seq());
            }
        }
        // B-only steps go after the A step matched to the nearest earlier B step (or first, if there is none)
        Map<Integer, List<StepRecord>> insertAfter = new HashMap<>(); // A's seq (0: before all) → B-only steps
        int anchor = 0;
        for (StepRecord s : stepsB) {
            Integer partner = partnerOfB.get(s.seq());
            if (partner != null) {
                anchor = partner;
            } else {
                insertAfter.computeIfAbsent(anchor, k -> new ArrayList<>()).add(s);
            }
        }
        List<Row> rows = new ArrayList<>();
        insertAfter.getOrDefault(0, List.of()).forEach(s -> rows.add(row(s.name(), null, s)));
        for (StepRecord s : stepsA) {
            rows.add(row(s.name(), s, partnerOfA.get(s.seq())));
            insertAfter.getOrDefault(s.seq(), List.of()).forEach(x -> rows.add(row(x.name(), null, x)));
        }
        int matched = partnerOfA.size();
        int differ = (int) rows.stream().filter(Row::commandDiffers).count();
        return new OperationDiff(Side.of(opA), Side.of(opB), List.copyOf(rows), matched, stepsA.size() - matched,
                stepsB.size() - matched, differ);
    }

    private static Row row(String name, StepRecord a, StepRecord b) {
        Step sa = a == null ? null : Step.of(a);
        Step sb = b == null ? null : Step.of(b);
        Double ratio = null;
        if (sa != null && sb != null && sa.seconds() != null && sb.seconds() != null && sa.seconds() > 0) {
            ratio = Math.round(sb.seconds() / sa.seconds() * 100) / 100.0;
        }
        boolean differs = sa != null && sb != null && !Objects.equals(blankToNull(sa.command()), blankToNull(sb.command()));
        String in = sa != null && sb != null ? "both" : sa != null ? "a" : "b";
        return new Row(Redactor.redact(name), in, sa, sb, ratio, differs);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
