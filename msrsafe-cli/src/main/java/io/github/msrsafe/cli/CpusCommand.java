package io.github.msrsafe.cli;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.internal.text.JsonWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code msrsafe cpus}: the online CPUs, the driver in use and how it runs batches. */
@Command(name = "cpus",
        header = "List the online CPUs and the driver in use.",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the online CPUs the device serves, which driver serves them, and whether batches",
            "run as the msr_batch ioctl or are emulated by one pread or pwrite per op (the stock msr",
            "driver, or msr_safe without a working msr_batch).",
        })
final class CpusCommand extends DeviceCommand {

    @Option(names = {"-l", "--list"}, description = "Print the CPU numbers only, one per line (for scripts).")
    boolean list;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    ExitCode run(MsrSafe msr) {
        if (json) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("device", msr.root());
            document.put("driver", Drivers.label(msr.driver()));
            document.put("cpus", msr.cpus());
            document.put("batchEmulated", msr.batchEmulated());
            out().println(JsonWriter.write(document));
        } else if (list) {
            msr.cpus().forEach(out()::println);
        } else {
            out().println("driver: " + Drivers.label(msr.driver()) + " at " + msr.root());
            out().println("online CPUs: " + CpuList.format(msr.cpus()) + " (" + msr.cpus().size()
                    + (msr.cpus().size() == 1 ? " CPU)" : " CPUs)"));
            out().println(Drivers.batches(msr));
        }
        return ExitCode.OK;
    }
}
