package io.github.msrsafe.cli;

import io.github.msrsafe.BatchOp;
import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code msrsafe read}: rdmsr over msr_safe. Several CPUs are read with one batch. */
@Command(name = "read",
        header = "Read an MSR on one, several or all CPUs (like rdmsr).",
        mixinStandardHelpOptions = true,
        description = {
            "Reads an MSR on one CPU, a list of CPUs, or all of them, and prints it as rdmsr does:",
            "hexadecimal by default. One CPU is read through its /dev/cpu/N/msr_safe; several are",
            "read with one batch ioctl, and each line then starts with the CPU number.",
        })
final class ReadCommand extends DeviceCommand {

    @ArgGroup(exclusive = true)
    CpuChoice cpus;

    @ArgGroup(exclusive = true)
    RadixChoice radix;

    @Option(names = {"-c", "--c-language"}, description = "Prefix hexadecimal with 0x and octal with 0.")
    boolean cPrefix;

    @Option(names = {"-0", "--zero-pad"}, description = "Pad with zeros to the width of the field's largest value.")
    boolean zeroPad;

    @Option(names = {"-f", "--bitfield"}, paramLabel = "HIGH:LOW",
            description = "Print only bits HIGH down to LOW, shifted down to bit 0 (e.g. 15:0).")
    String field;

    @Option(names = "--json", description = "Print JSON: the MSR and, per CPU, the value or the error.")
    boolean json;

    @Parameters(paramLabel = "MSR", description = "The register: an address (0x10, 16) or a name (IA32_TIME_STAMP_COUNTER).")
    String msrText;

    /** rdmsr's digit styles; one at most. */
    static final class RadixChoice {
        @Option(names = {"-x", "--hexadecimal"}, description = "Lower-case hexadecimal (the default).")
        boolean hex;
        @Option(names = {"-X", "--capital-hexadecimal"}, description = "Upper-case hexadecimal.")
        boolean upperHex;
        @Option(names = {"-d", "--decimal"}, description = "Signed decimal (the field as a two's-complement number).")
        boolean signedDecimal;
        @Option(names = {"-u", "--unsigned"}, description = "Unsigned decimal.")
        boolean unsignedDecimal;
        @Option(names = {"-o", "--octal"}, description = "Octal.")
        boolean octal;

        ValueFormat.Radix radix() {
            return upperHex ? ValueFormat.Radix.UPPER_HEX
                    : signedDecimal ? ValueFormat.Radix.SIGNED_DECIMAL
                    : unsignedDecimal ? ValueFormat.Radix.UNSIGNED_DECIMAL
                    : octal ? ValueFormat.Radix.OCTAL
                    : ValueFormat.Radix.HEX;
        }
    }

    @Override
    ExitCode run(MsrSafe msr) throws MsrSafeException {
        long address = MsrNames.parse(msrText);
        ValueFormat format = format();
        List<Integer> cpuList = CpuChoice.select(cpus, msr);
        boolean several = CpuChoice.several(cpus, cpuList);
        if (!several) {
            long value = msr.read(cpuList.get(0), address);
            if (json) {
                out().println(Json.write(document(address, format, List.of(result(cpuList.get(0), value, format)))));
            } else {
                out().println(format.format(value));
            }
            return ExitCode.OK;
        }
        CpuChoice.requireOnline(cpuList, msr);
        try (MsrBatch batch = msr.newBatch()) {
            for (int cpu : cpuList) {
                batch.addRead(cpu, address);
            }
            batch.execute();
            List<Object> results = new ArrayList<>();
            int width = String.valueOf(cpuList.get(cpuList.size() - 1)).length();
            for (int i = 0; i < batch.size(); i++) {
                BatchOp op = batch.op(i);
                if (json) {
                    results.add(op.succeeded() ? result(op.cpu(), op.value().getAsLong(), format) : JsonOps.error(op));
                } else if (op.succeeded()) {
                    out().print(String.format(Locale.ROOT, "%" + width + "d: %s\n", op.cpu(), format.format(op.value().getAsLong())));
                }
            }
            if (json) {
                out().println(Json.write(document(address, format, results)));
            }
            List<BatchOp> failed = batch.failures();
            FailedOps.describe("read of MSR " + MsrNames.describe(address), failed).forEach(this::warn);
            return FailedOps.exitCode(failed, batch.size());
        }
    }

    private ValueFormat format() {
        int[] bits = field == null ? new int[] {63, 0} : ValueFormat.parseField(field);
        return new ValueFormat(radix == null ? ValueFormat.Radix.HEX : radix.radix(), bits[0], bits[1], zeroPad, cPrefix);
    }

    private static Map<String, Object> document(long address, ValueFormat format, List<Object> results) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("msr", Numbers.hex(address));
        MsrNames.name(address).ifPresent(name -> document.put("name", name));
        document.put("field", format.high() + ":" + format.low());
        document.put("results", results);
        return document;
    }

    private static Map<String, Object> result(int cpu, long register, ValueFormat format) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("cpu", cpu);
        result.put("value", format.format(register));
        result.put("register", Numbers.hex64(register));
        return result;
    }
}
