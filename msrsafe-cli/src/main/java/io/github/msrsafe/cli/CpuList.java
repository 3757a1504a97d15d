package io.github.msrsafe.cli;

import io.github.msrsafe.CpuRanges;
import java.util.List;

/**
 * A set of CPUs as users write it: {@code 3}, {@code 0-3}, {@code 0-3,8,10-11}.
 * Ascending, without duplicates.
 */
record CpuList(List<Integer> cpus) {

    /** The largest CPU a batch op can address (its cpu field is 16 bits). */
    static final int MAX_CPU = CpuRanges.MAX_CPU;

    CpuList {
        cpus = List.copyOf(cpus);
    }

    /**
     * Parses a CPU list. Each element is checked against {@link #MAX_CPU} before it is
     * expanded, so the work is bounded by the text, whatever range it names.
     *
     * @throws CliException (usage) naming the bad element
     */
    static CpuList parse(String text) {
        try {
            return new CpuList(CpuRanges.parseUnordered(text));
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
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
