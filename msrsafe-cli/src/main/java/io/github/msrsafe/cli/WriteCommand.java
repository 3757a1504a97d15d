package io.github.msrsafe.cli;

import io.github.msrsafe.BatchOp;
import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.internal.text.Hex;
import io.github.msrsafe.internal.text.JsonWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code msrsafe write}: wrmsr over msr_safe. Several CPUs are written with one batch. */
@Command(name = "write",
        header = "Write an MSR on one, several or all CPUs (like wrmsr).",
        mixinStandardHelpOptions = true,
        description = {
            "Writes a value to an MSR on one CPU, a list of CPUs, or all of them, as wrmsr does, and",
            "prints nothing when it succeeds. msr_safe writes only the bits of the allowlist's write",
            "mask and keeps the others. Several CPUs are written with one batch ioctl. Several values",
            "are written in turn, as wrmsr does: on each CPU, the first value, then the second...",
        })
final class WriteCommand extends DeviceCommand {

    @ArgGroup(exclusive = true)
    CpuChoice cpus;

    @Option(names = "--json", description = "Print JSON: per CPU, whether the write succeeded and the write mask applied.")
    boolean json;

    @Parameters(index = "0", paramLabel = "MSR", description = "The register: an address (0x199, 409) or a name.")
    String msrText;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "VALUE",
            description = "The 64-bit value: decimal, 0x hex or 0b binary. Several are written in turn"
                    + " (at most " + MAX_VALUES + ").")
    List<String> valueTexts;

    /** wrmsr's several values are for short sequences (arm, then enable); this bounds the batch. */
    static final int MAX_VALUES = 64;

    @Override
    ExitCode run(MsrSafe msr) throws MsrSafeException {
        long address = MsrNames.parse(msrText);
        if (valueTexts.size() > MAX_VALUES) {
            throw CliException.usage(valueTexts.size() + " values given; write takes at most " + MAX_VALUES);
        }
        long[] values = new long[valueTexts.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = Numbers.parseU64(valueTexts.get(i), "value");
        }
        List<Integer> cpuList = CpuChoice.select(cpus, msr);
        if (!CpuChoice.several(cpus, cpuList)) {
            for (long value : values) {
                msr.write(cpuList.get(0), address, value);
            }
            if (json) {
                List<Object> results = new ArrayList<>();
                for (long value : values) {
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("cpu", cpuList.get(0));
                    if (values.length > 1) {
                        result.put("value", Hex.of16(value));
                    }
                    result.put("ok", true);
                    results.add(result);
                }
                out().println(JsonWriter.write(document(address, values, results)));
            }
            return ExitCode.OK;
        }
        CpuChoice.requireOnline(cpuList, msr);
        try (MsrBatch batch = msr.newBatch()) {
            for (int cpu : cpuList) {
                for (long value : values) {
                    batch.addWrite(cpu, address, value);
                }
            }
            batch.execute();
            if (json) {
                List<Object> results = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    BatchOp op = batch.op(i);
                    if (op.succeeded()) {
                        Map<String, Object> result = new LinkedHashMap<>();
                        result.put("cpu", op.cpu());
                        if (values.length > 1) {
                            result.put("value", Hex.of16(values[i % values.length]));
                        }
                        result.put("ok", true);
                        result.put("writeMask", Hex.of16(op.writeMask().orElseThrow()));
                        results.add(result);
                    } else {
                        results.add(JsonOps.error(op));
                    }
                }
                out().println(JsonWriter.write(document(address, values, results)));
            }
            List<BatchOp> failed = batch.failures();
            FailedOps.describe("write of MSR " + MsrNames.describe(address), failed).forEach(this::warn);
            return FailedOps.exitCode(failed, batch.size());
        }
    }

    private static Map<String, Object> document(long address, long[] values, List<Object> results) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("msr", Hex.of(address));
        MsrNames.name(address).ifPresent(name -> document.put("name", name));
        if (values.length == 1) {
            document.put("value", Hex.of16(values[0]));
        } else {
            List<Object> texts = new ArrayList<>();
            for (long value : values) {
                texts.add(Hex.of16(value));
            }
            document.put("values", texts);
        }
        document.put("results", results);
        return document;
    }
}
