package io.github.msrsafe.cli;

import io.github.msrsafe.BatchOp;
import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.internal.text.Hex;
import io.github.msrsafe.internal.text.JsonWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
            "hexadecimal by default, with rdmsr's options and formats. One CPU is read through its",
            "/dev/cpu/N/msr_safe; several are read with one batch ioctl, and each line then starts",
            "with the CPU number (--values-only prints the values alone, as rdmsr -a does).",
        })
final class ReadCommand extends DeviceCommand {

    @ArgGroup(exclusive = true)
    CpuChoice cpus;

    @ArgGroup(exclusive = true)
    RadixChoice radix;

    @Option(names = {"-c", "--c-language"},
            description = "Print a C constant: 0x before hexadecimal, 0 before octal, U after unsigned decimal;"
                    + " with -r, a C initializer of the 8 bytes.")
    boolean cPrefix;

    @Option(names = {"-0", "--zero-fill", "--zero-pad"},
            description = "Pad with zeros to the width of the field's largest value.")
    boolean zeroFill;

    @Option(names = "--values-only",
            description = "With several CPUs, print only the values, one line per CPU in ascending order,"
                    + " as rdmsr -a does (without the 'CPU: ' column).")
    boolean valuesOnly;

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
        @Option(names = {"-X", "--capital-hexadecimal", "--capital-hex"}, description = "Upper-case hexadecimal.")
        boolean upperHex;
        @Option(names = {"-d", "--decimal", "--signed-decimal"},
                description = "Signed decimal (the field as a two's-complement number).")
        boolean signedDecimal;
        @Option(names = {"-u", "--unsigned", "--unsigned-decimal"}, description = "Unsigned decimal.")
        boolean unsignedDecimal;
        @Option(names = {"-o", "--octal"}, description = "Octal.")
        boolean octal;
        @Option(names = {"-r", "--raw"},
                description = "The field's 8 bytes, least significant first, as rdmsr -r writes them (binary output:"
                        + " redirect it, e.g. | od -An -tx8).")
        boolean raw;

        ValueFormat.Radix radix() {
            return upperHex ? ValueFormat.Radix.UPPER_HEX
                    : signedDecimal ? ValueFormat.Radix.SIGNED_DECIMAL
                    : unsignedDecimal ? ValueFormat.Radix.UNSIGNED_DECIMAL
                    : octal ? ValueFormat.Radix.OCTAL
                    : raw ? ValueFormat.Radix.RAW
                    : ValueFormat.Radix.HEX;
        }
    }

    @Override
    ExitCode run(MsrSafe msr) throws MsrSafeException {
        long address = MsrNames.parse(msrText);
        ValueFormat format = format();
        if (json && (format.radix() == ValueFormat.Radix.RAW || valuesOnly)) {
            throw CliException.usage("--json prints every CPU with its value; it does not go with "
                    + (valuesOnly ? "--values-only" : "-r/--raw"));
        }
        OutputStream bytes = format.binary() ? binaryOutput() : null;
        List<Integer> cpuList = CpuChoice.select(cpus, msr);
        boolean several = CpuChoice.several(cpus, cpuList);
        if (!several) {
            long value = msr.read(cpuList.get(0), address);
            if (json) {
                out().println(JsonWriter.write(document(address, format, List.of(result(cpuList.get(0), value, format)))));
            } else {
                print(bytes, null, format, value);
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
                    print(bytes, valuesOnly || bytes != null ? null : String.format(Locale.ROOT, "%" + width + "d: ", op.cpu()),
                            format, op.value().getAsLong());
                }
            }
            if (json) {
                out().println(JsonWriter.write(document(address, format, results)));
            }
            List<BatchOp> failed = batch.failures();
            FailedOps.describe("read of MSR " + MsrNames.describe(address), failed).forEach(this::warn);
            return FailedOps.exitCode(failed, batch.size());
        }
    }

    private ValueFormat format() {
        int[] bits = field == null ? new int[] {63, 0} : ValueFormat.parseField(field);
        return new ValueFormat(radix == null ? ValueFormat.Radix.HEX : radix.radix(), bits[0], bits[1], zeroFill, cPrefix);
    }

    /** Standard output as bytes for -r; refused, before anything is read, when the tool runs on writers only. */
    private OutputStream binaryOutput() {
        return root().bytes().orElseThrow(() -> CliException.usage("-r/--raw writes bytes, and this run has only"
                + " text writers (ToolProvider.run with PrintWriters); run it with PrintStreams, or use -r -c for"
                + " the bytes as a C initializer"));
    }

    /** One value: its raw bytes on {@code bytes}, or a line (after {@code prefix}, if any) of text. */
    private void print(OutputStream bytes, String prefix, ValueFormat format, long value) {
        if (bytes == null) {
            out().print((prefix == null ? "" : prefix) + format.format(value) + "\n");
            return;
        }
        out().flush();
        try {
            bytes.write(format.bytes(value));
            bytes.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to standard output: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> document(long address, ValueFormat format, List<Object> results) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("msr", Hex.of(address));
        MsrNames.name(address).ifPresent(name -> document.put("name", name));
        document.put("field", format.high() + ":" + format.low());
        document.put("results", results);
        return document;
    }

    private static Map<String, Object> result(int cpu, long register, ValueFormat format) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("cpu", cpu);
        result.put("value", format.format(register));
        result.put("register", Hex.of16(register));
        return result;
    }
}
