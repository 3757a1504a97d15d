package io.github.msrsafe.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

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
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            throw CliException.usage("the CPU list is empty");
        }
        TreeSet<Integer> cpus = new TreeSet<>();
        for (String element : trimmed.split(",", -1)) {
            String part = element.strip();
            if (part.isEmpty()) {
                throw CliException.usage("CPU list '" + trimmed + "' has an empty element");
            }
            int dash = part.indexOf('-', 1);
            if (dash < 0) {
                cpus.add(cpu(part, trimmed));
            } else {
                int first = cpu(part.substring(0, dash), trimmed);
                int last = cpu(part.substring(dash + 1), trimmed);
                if (last < first) {
                    throw CliException.usage("CPU range " + part + " runs backwards (write " + last + "-" + first + ")");
                }
                for (int cpu = first; cpu <= last; cpu++) {
                    cpus.add(cpu);
                }
            }
        }
        return new CpuList(new ArrayList<>(cpus));
    }

    /** "0-3,8" for messages. */
    static String format(List<Integer> cpus) {
        if (cpus.isEmpty()) {
            return "none";
        }
        StringBuilder text = new StringBuilder();
        int start = cpus.get(0);
        int previous = start;
        for (int i = 1; i <= cpus.size(); i++) {
            boolean end = i == cpus.size();
            int value = end ? 0 : cpus.get(i);
            if (end || value != previous + 1) {
                text.append(text.isEmpty() ? "" : ",").append(start);
                if (previous != start) {
                    text.append('-').append(previous);
                }
                start = value;
            }
            previous = value;
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return format(cpus);
    }

    private static int cpu(String text, String list) {
        String trimmed = text.strip();
        if (trimmed.isEmpty() || !trimmed.chars().allMatch(Character::isDigit)) {
            throw CliException.usage("CPU list '" + list + "': '" + trimmed + "' is not a CPU number");
        }
        if (trimmed.length() > 5 || Integer.parseInt(trimmed) > MAX_CPU) {
            throw CliException.usage("CPU " + trimmed + " is above " + MAX_CPU + ", the largest CPU number msr_safe can address");
        }
        return Integer.parseInt(trimmed);
    }
}
