package io.github.msrsafe.cli;

import io.github.msrsafe.CpuRanges;
import java.util.List;

/**
 * A set of CPUs as users write it: {@code 3}, {@code 0-3}, {@code 0-3,8,10-11}.
 * Ascending, without duplicates.
 */
record CpuList(List<Integer> cpus) {

    /** The largest CPU a batch op can address (its cpu field is 16 bits). */
    static final int MAX_CPU = 0xFFFF;

    CpuList {
        cpus = List.copyOf(cpus);
    }

    /**
     * Parses a CPU list.
     *
     * @throws CliException (usage) naming the bad element
     */
    static CpuList parse(String text) {
        List<Integer> cpus;
        try {
            cpus = CpuRanges.parseUnordered(text);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        int highest = cpus.get(cpus.size() - 1);
        if (highest > MAX_CPU) {
            throw CliException.usage("CPU " + highest + " is above " + MAX_CPU + ", the largest CPU number msr_safe can address");
        }
        return new CpuList(cpus);
    }

    /** "0-3,8" for messages. */
    static String format(List<Integer> cpus) {
        return CpuRanges.format(cpus);
    }

    @Override
    public String toString() {
        return format(cpus);
    }
}
