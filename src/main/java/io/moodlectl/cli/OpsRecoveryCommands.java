package io.moodlectl.cli;

import io.moodlectl.host.Host;
import io.moodlectl.upgrade.Guardian;
import io.moodlectl.upgrade.Recovery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** `ops resume`, `ops abort`, `ops guard`: what is done with an operation whose process died. */
final class OpsRecoveryCommands {
    private OpsRecoveryCommands() {
    }

    /** resume and abort: the same argument and output, a different recovery. */
    private abstract static class RecoverVerb extends Verb {
        @Parameters(paramLabel = "ID", description = "Operation id (or a unique prefix).")
        String id;

        abstract Recovery.Outcome recover(Recovery recovery, String operation);

        @Override
        protected void execute() {
            try (Host host = openHost()) {
                Recovery.Outcome o = recover(new Recovery(host), id);
                console().result(o, out -> {
                    o.actions().forEach(a -> out.println("  " + a));
                    out.println(o.interrupted() + " (" + o.kind() + " " + o.site() + ") closed as " + o.closedAs() + " by "
                            + o.operation() + (o.followUp() == null ? "" : "; re-run as " + o.followUp()));
                });
            }
        }
    }

    @Command(name = "resume", description = "Finish an interrupted create, stage or promote (a promote past its switch finishes its "
            + "tail; anything else is reverted and run again from the start).")
    static final class Resume extends RecoverVerb {
        @Override
        Recovery.Outcome recover(Recovery recovery, String operation) {
            return recovery.resume(operation);
        }
    }

    @Command(name = "abort", description = "Revert an interrupted create, stage or promote: the site is as before it "
            + "(a promote past its switch goes back to the old live; the new side is kept as failed).")
    static final class Abort extends RecoverVerb {
        @Override
        Recovery.Outcome recover(Recovery recovery, String operation) {
            return recovery.abort(operation);
        }
    }

    @Command(name = "guard", description = "Wait for an operation's process to end; if it died unfinished, make the site serve "
            + "again (promote starts one of these by itself).")
    static final class Guard extends Verb {
        @Parameters(paramLabel = "ID", description = "Operation id.")
        String id;

        @Override
        protected void execute() throws InterruptedException {
            try (Host host = openHost()) {
                Guardian.Report r = Guardian.guard(host, id);
                console().result(r, out -> out.println(r.operation() + " ended " + r.ended()
                        + (r.actions().isEmpty() ? "" : ": " + String.join("; ", r.actions()))));
            }
        }
    }
}
