package io.github.msrsafe.save;

import java.util.ArrayList;
import java.util.List;

/** CPU lists in the kernel's range notation ("0-3,5,8-11"), as /sys/devices/system/cpu/online writes them. */
final class CpuRanges {
    private CpuRanges() {}

    static String format(List<Integer> cpus) {
        if (cpus.isEmpty()) {
            return "none";
        }
        StringBuilder text = new StringBuilder();
        int start = cpus.get(0);
        int previous = start;
        for (int i = 1; i <= cpus.size(); i++) {
            boolean last = i == cpus.size();
            int cpu = last ? 0 : cpus.get(i);
            if (last || cpu != previous + 1) {
                text.append(text.isEmpty() ? "" : ",").append(start);
                if (previous != start) {
                    text.append('-').append(previous);
                }
                start = cpu;
            }
            previous = cpu;
        }
        return text.toString();
    }

    /** Parses what {@link #format} writes; IllegalArgumentException names the bad text. */
    static List<Integer> parse(String text) {
        List<Integer> cpus = new ArrayList<>();
        if (text.equals("none")) {
            return cpus;
        }
        for (String range : text.split(",", -1)) {
            int dash = range.indexOf('-');
            int first;
            int last;
            try {
                first = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
                last = dash < 0 ? first : Integer.parseInt(range.substring(dash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad CPU range '" + range + "' in '" + text + "'");
            }
            if (first < 0 || last < first || (!cpus.isEmpty() && first <= cpus.get(cpus.size() - 1))) {
                throw new IllegalArgumentException("CPU ranges must be ascending and non-negative: '" + text + "'");
            }
            for (int cpu = first; cpu <= last; cpu++) {
                cpus.add(cpu);
            }
        }
        return cpus;
    }
}
