package io.github.msrsafe.cli;

import io.github.msrsafe.BatchOp;
import io.github.msrsafe.Errno;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to say, and which status to exit with, when some ops of a batch failed. Ops that
 * failed for the same reason are reported together, in one line per errno.
 */
final class FailedOps {

    private FailedOps() {}

    /**
     * One line per distinct errno among {@code failed}, e.g.
     * {@code "read of MSR 0x199 failed on CPUs 0-3: EACCES: MSR 0x199 is not in the allowlist"}.
     * Ops that did not run because another op was rejected are counted in the last line.
     */
    static List<String> describe(String action, List<BatchOp> failed) {
        Map<Errno, List<BatchOp>> byErrno = new LinkedHashMap<>();
        int notRun = 0;
        for (BatchOp op : failed) {
            if (op.error().isPresent()) {
                byErrno.computeIfAbsent(op.error().get(), e -> new ArrayList<>()).add(op);
            } else {
                notRun++;
            }
        }
        List<String> lines = new ArrayList<>();
        for (List<BatchOp> ops : byErrno.values()) {
            List<Integer> cpus = ops.stream().map(BatchOp::cpu).distinct().sorted().toList();
            BatchOp first = ops.get(0);
            String where = cpus.size() == 1 ? "CPU " + cpus.get(0) : "CPUs " + CpuList.format(cpus);
            lines.add(action + " failed on " + where + ": " + first.describe());
        }
        if (notRun > 0) {
            lines.add(notRun + (notRun == 1 ? " other op" : " other ops")
                    + " did not run: msr_safe runs none of a batch when any op fails validation");
        }
        return lines;
    }

    /**
     * The exit status: the failure's own when every op failed for the same kind of reason,
     * else {@link ExitCode#OPS_FAILED}.
     */
    static ExitCode exitCode(List<BatchOp> failed, int total) {
        if (failed.isEmpty()) {
            return ExitCode.OK;
        }
        List<ExitCode> kinds = failed.stream().flatMap(op -> op.kind().stream()).map(ExitCode::of).distinct().toList();
        boolean noneSucceeded = failed.size() == total;
        return noneSucceeded && kinds.size() == 1 ? kinds.get(0) : ExitCode.OPS_FAILED;
    }
}
