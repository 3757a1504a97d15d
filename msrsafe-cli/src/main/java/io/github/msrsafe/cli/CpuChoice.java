package io.github.msrsafe.cli;

import io.github.msrsafe.MsrSafe;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** rdmsr's CPU options, {@code -p CPUS} or {@code -a}; CPU 0 when neither is given. Used as an exclusive group. */
final class CpuChoice {

    // A list so that a repeated -p can be named in the error rather than silently taking the last, as rdmsr does.
    @Option(names = {"-p", "--processor", "--cpu"}, paramLabel = "CPUS",
            description = "The CPU, or a list and ranges of CPUs such as 0-3,8 (default: 0). Give it once.")
    List<String> processors;

    @Option(names = {"-a", "--all"}, description = "Every online CPU.")
    boolean all;

    /** The CPUs {@code choice} selects on {@code msr} (choice may be null: CPU 0). */
    static List<Integer> select(CpuChoice choice, MsrSafe msr) {
        if (choice != null && choice.all) {
            return msr.cpus();
        }
        if (choice == null || choice.processors == null || choice.processors.isEmpty()) {
            return List.of(0);
        }
        if (choice.processors.size() > 1) {
            throw CliException.usage("-p is given " + choice.processors.size() + " times (-p "
                    + String.join(", -p ", choice.processors) + "); rdmsr and wrmsr would silently use the last."
                    + " Give one list instead: -p " + String.join(",", choice.processors));
        }
        return CpuList.parse(choice.processors.get(0)).cpus();
    }

    /** Whether the user asked for more than one CPU (so output names the CPU on each line). */
    static boolean several(CpuChoice choice, List<Integer> cpus) {
        return cpus.size() > 1 || choice != null && choice.all;
    }

    /**
     * Refuses CPUs that are not online, naming them and the online ones: otherwise the
     * module would reject the whole batch for one of them.
     */
    static void requireOnline(List<Integer> cpus, MsrSafe msr) {
        List<Integer> missing = new ArrayList<>(cpus);
        missing.removeAll(msr.cpus());
        if (!missing.isEmpty()) {
            String which = missing.size() == 1 ? "CPU " + missing.getFirst() + " does not exist or is offline"
                    : "CPUs " + CpuList.format(missing) + " do not exist or are offline";
            throw new CliException(ExitCode.CPU_UNAVAILABLE, which + " (online CPUs: " + CpuList.format(msr.cpus()) + ")");
        }
    }
}
