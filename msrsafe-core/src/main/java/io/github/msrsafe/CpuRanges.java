package io.github.msrsafe;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * CPU lists in the kernel's range notation, as /sys/devices/system/cpu/online
 * writes them: {@code 0-3,5,8-11}. Used for messages, save files and
 * command-line CPU selections.
 *
 * {@snippet lang=java :
 * CpuRanges.format(List.of(0, 1, 2, 3, 5));   // "0-3,5"
 * CpuRanges.parse("0-3,5");                   // [0, 1, 2, 3, 5]
 * CpuRanges.parseUnordered(" 5, 1-2 ,2");     // [1, 2, 5]
 * }
 */
public final class CpuRanges {

    private CpuRanges() {}

    /**
     * {@return the CPUs in range notation, in ascending order without duplicates, e.g.
     * {@code "0-3,5"}; {@code "none"} if there are none}
     *
     * @param cpus CPU ids, in any order, repeats allowed
     */
    public static String format(Collection<Integer> cpus) {
        List<Integer> sorted = new ArrayList<>(new TreeSet<>(cpus));
        if (sorted.isEmpty()) {
            return "none";
        }
        StringBuilder text = new StringBuilder();
        int start = sorted.get(0);
        int previous = start;
        for (int i = 1; i <= sorted.size(); i++) {
            boolean end = i == sorted.size();
            int cpu = end ? 0 : sorted.get(i);
            if (end || cpu != previous + 1) {
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

    /**
     * Parses the kernel's notation strictly: elements ascending and not overlapping, as
     * {@link #format} and sysfs write them. An empty text, a lone newline or "none" is the
     * empty list.
     *
     * @param text a CPU list such as {@code 0-3,5}; leading and trailing whitespace (a sysfs
     *             file's newline) is ignored
     * @return the CPUs, ascending, each once
     * @throws IllegalArgumentException naming the list and the element at fault
     */
    public static List<Integer> parse(String text) {
        List<Integer> cpus = new ArrayList<>();
        String list = text.strip();
        if (list.isEmpty() || list.equals("none")) {
            return cpus;
        }
        for (String element : list.split(",", -1)) {
            int[] range = range(element, list, true);
            if (!cpus.isEmpty() && range[0] <= cpus.get(cpus.size() - 1)) {
                throw new IllegalArgumentException("CPU list '" + list + "': CPUs must be ascending ('"
                        + element.strip() + "' follows " + cpus.get(cpus.size() - 1) + ")");
            }
            for (int cpu = range[0]; cpu <= range[1]; cpu++) {
                cpus.add(cpu);
            }
        }
        return cpus;
    }

    /**
     * Parses a CPU list as people write it: elements in any order, repeats allowed, spaces
     * around elements ignored.
     *
     * @param text a CPU list such as {@code 5, 1-2 ,2}
     * @return the CPUs, ascending, each once
     * @throws IllegalArgumentException naming the list and the element at fault, or if it is empty
     */
    public static List<Integer> parseUnordered(String text) {
        String list = text.strip();
        if (list.isEmpty()) {
            throw new IllegalArgumentException("the CPU list is empty");
        }
        TreeSet<Integer> cpus = new TreeSet<>();
        for (String element : list.split(",", -1)) {
            int[] range = range(element, list, false);
            for (int cpu = range[0]; cpu <= range[1]; cpu++) {
                cpus.add(cpu);
            }
        }
        return new ArrayList<>(cpus);
    }

    /** {first, last} of one element, "3" or "0-3"; strict: no leading zeros, as the kernel writes. */
    private static int[] range(String element, String list, boolean strict) {
        String part = strict ? element : element.strip();
        if (part.isEmpty()) {
            throw new IllegalArgumentException("CPU list '" + list + "' has an empty element");
        }
        int dash = part.indexOf('-', 1); // a leading '-' is a sign, not a range
        int first = number(dash < 0 ? part : part.substring(0, dash), list, strict);
        int last = dash < 0 ? first : number(part.substring(dash + 1), list, strict);
        if (last < first) {
            throw new IllegalArgumentException("CPU list '" + list + "': range " + part + " runs backwards (CPUs must be ascending)");
        }
        return new int[] {first, last};
    }

    private static int number(String text, String list, boolean strict) {
        String digits = strict ? text : text.strip();
        // Nine digits stay below Integer.MAX_VALUE; no machine has a billion CPUs.
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
                || (strict && digits.length() > 1 && digits.charAt(0) == '0')) {
            throw new IllegalArgumentException("CPU list '" + list + "': '" + digits + "' is not a CPU number");
        }
        return Integer.parseInt(digits);
    }
}
