package io.github.msrsafe.cli;

import io.github.msrsafe.BatchOp;
import io.github.msrsafe.BatchOutcome;
import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.internal.text.Hex;
import io.github.msrsafe.internal.text.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code msrsafe batch FILE}: runs a batch written one op per line and prints every op's result. */
@Command(name = "batch",
        header = "Run a file of reads and writes as one batch and print each result.",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a batch of reads and writes with one ioctl and prints a table of per-op results,",
            "with errors in words. The batch is described one op per line:",
            "",
            "  read  CPU MSR          e.g.  read 0 0x10",
            "  write CPU MSR VALUE    e.g.  write 0-3 0x199 0x1F00",
            "",
            "CPU may be a list or range (one op per CPU); MSR an address or a name; '#' starts a",
            "comment; blank lines are ignored. msr_safe checks every op before running any: if one",
            "names an offline CPU or an MSR the allowlist does not permit, none runs (with",
            "--skip-rejected, the others run again without it). The exit status is 3 if any op failed.",
        })
final class BatchCommand extends DeviceCommand {

    @Option(names = "--json", description = "Print JSON: the outcome and every op with its value, write mask and error.")
    boolean json;

    @Option(names = "--skip-rejected", description = "Run every op the module accepts: the ops it held back only"
            + " because another op was rejected run again, in one more ioctl, and only the rejected ones fail.")
    boolean skipRejected;

    @Parameters(paramLabel = "FILE", description = "The batch file, or - for standard input.")
    String file;

    @Override
    ExitCode run(MsrSafe msr) throws MsrSafeException {
        String source = MsrSafeCommand.inputName(file);
        byte[] text = root().readInput(file, "batch file", BatchScript.MAX_BYTES);
        if (text.length > BatchScript.MAX_BYTES) {
            long size = MsrSafeCommand.sizeOf(file);
            throw CliException.usage("cannot read batch file " + source + ": it is "
                    + (size < 0 ? "larger than " : size + " bytes, larger than ") + BatchScript.MAX_BYTES
                    + " bytes (16 MiB), the most a batch file may be: split it into several");
        }
        BatchScript script = BatchScript.parse(new String(text, StandardCharsets.UTF_8), source);
        try (MsrBatch batch = msr.newBatch()) {
            for (BatchScript.Op op : script.ops()) {
                if (op.read()) {
                    batch.addRead(op.cpu(), op.msr());
                } else {
                    batch.addWrite(op.cpu(), op.msr(), op.value());
                }
            }
            BatchOutcome outcome = skipRejected ? batch.executeSkippingRejected() : batch.execute();
            List<BatchOp> ops = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                ops.add(batch.op(i));
            }
            if (json) {
                out().println(JsonWriter.write(document(outcome, script, ops)));
            } else {
                out().print(table(script, ops));
            }
            List<BatchOp> failed = batch.failures();
            if (!failed.isEmpty()) {
                warn(summary(outcome, failed, ops.size()));
            }
            return failed.isEmpty() ? ExitCode.OK : ExitCode.OPS_FAILED;
        }
    }

    private static String table(BatchScript script, List<BatchOp> ops) {
        Table table = new Table(">#", ">LINE", ">CPU", "OP", "MSR", "VALUE", "RESULT");
        for (BatchOp op : ops) {
            String value = op.value().isPresent() ? Hex.of16(op.value().getAsLong()) : "-";
            table.add(op.index(), script.ops().get(op.index()).line(), op.cpu(), op.read() ? "read" : "write",
                    MsrNames.describe(op.msr()), value, op.describe());
        }
        return table.render();
    }

    private static String summary(BatchOutcome outcome, List<BatchOp> failed, int total) {
        long errors = failed.stream().filter(op -> op.error().isPresent()).count();
        return switch (outcome) {
            case REJECTED -> "msr_safe rejected the batch: " + errors + (errors == 1 ? " op" : " ops")
                    + " failed validation, so none of the " + total + " ops ran";
            case PARTLY_REJECTED -> {
                long ran = total - failed.stream().filter(op -> !op.status().ran()).count();
                yield "msr_safe rejected part of the batch: " + errors + (errors == 1 ? " op" : " ops")
                        + " failed validation, so only " + ran + " of " + total + " ops ran";
            }
            case SUCCEEDED, OPS_FAILED -> errors + " of " + total + " ops failed";
        };
    }

    private static Map<String, Object> document(BatchOutcome outcome, BatchScript script, List<BatchOp> ops) {
        List<Object> results = new ArrayList<>();
        for (BatchOp op : ops) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("line", script.ops().get(op.index()).line());
            json.putAll(JsonOps.op(op));
            results.add(json);
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("outcome", outcome.name());
        document.put("ops", results);
        return document;
    }
}
