package io.github.msrsafe;

import java.util.ArrayList;
import java.util.BitSet;
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
     * The largest CPU number a list may name: the batch op's {@code cpu} field is 16 bits, so
     * msr_safe cannot address a CPU above it (and Linux configures at most 8192). Lists are
     * checked against it before they are expanded, so no text makes a list of more than
     * {@code MAX_CPU + 1} numbers.
     */
    public static final int MAX_CPU = 0xFFFF;

    /** Lists in messages are cut to this many characters. */
    private static final int QUOTED_LENGTH = 60;

    /**
     * Parses the kernel's notation strictly: elements ascending and not overlapping, as
     * {@link #format} and sysfs write them. An empty text, a lone newline or "none" is the
     * empty list.
     *
     * @param text a CPU list such as {@code 0-3,5}; leading and trailing whitespace (a sysfs
     *             file's newline) is ignored
     * @return the CPUs, ascending, each once
     * @throws IllegalArgumentException naming the list and the element at fault, or a CPU above
     *                                  {@link #MAX_CPU}
     */
    public static List<Integer> parse(String text) {
        List<Integer> cpus = new ArrayList<>();
        String list = text.strip();
        if (list.isEmpty() || list.equals("none")) {
            return cpus;
        }
        // Each element is checked (at most MAX_CPU, above the previous) before it is expanded,
        // so the list never holds more than MAX_CPU + 1 numbers.
        int start = 0;
        while (start <= list.length()) {
            int end = elementEnd(list, start);
            String element = list.substring(start, end);
            int[] range = range(element, list, true);
            if (!cpus.isEmpty() && range[0] <= cpus.get(cpus.size() - 1)) {
                throw new IllegalArgumentException("CPU list '" + quoted(list) + "': CPUs must be ascending ('"
                        + quoted(element.strip()) + "' follows " + cpus.get(cpus.size() - 1) + ")");
            }
            for (int cpu = range[0]; cpu <= range[1]; cpu++) {
                cpus.add(cpu);
            }
            start = end + 1;
        }
        return cpus;
    }

    /**
     * Parses a CPU list as people write it: elements in any order, repeats allowed, spaces
     * around elements ignored. The work is bounded by the text's length and {@link #MAX_CPU},
     * whatever ranges it repeats.
     *
     * @param text a CPU list such as {@code 5, 1-2 ,2}
     * @return the CPUs, ascending, each once
     * @throws IllegalArgumentException naming the list and the element at fault, a CPU above
     *                                  {@link #MAX_CPU}, or if it is empty
     */
    public static List<Integer> parseUnordered(String text) {
        String list = text.strip();
        if (list.isEmpty()) {
            throw new IllegalArgumentException("the CPU list is empty");
        }
        BitSet cpus = new BitSet();
        int start = 0;
        while (start <= list.length()) {
            int end = elementEnd(list, start);
            int[] range = range(list.substring(start, end), list, false);
            cpus.set(range[0], range[1] + 1); // a word per 64 CPUs, so repeats of a wide range stay cheap
            start = end + 1;
        }
        List<Integer> sorted = new ArrayList<>(cpus.cardinality());
        cpus.stream().forEach(sorted::add);
        return sorted;
    }

    /** The end (exclusive) of the element that starts at {@code start}: the next comma or the end of the list. */
    private static int elementEnd(String list, int start) {
        int comma = list.indexOf(',', start);
        return comma < 0 ? list.length() : comma;
    }

    /** {first, last} of one element, "3" or "0-3"; strict: no leading zeros, as the kernel writes. */
    private static int[] range(String element, String list, boolean strict) {
        String part = strict ? element : element.strip();
        if (part.isEmpty()) {
            throw new IllegalArgumentException("CPU list '" + quoted(list) + "' has an empty element");
        }
        int dash = part.indexOf('-', 1); // a leading '-' is a sign, not a range
        int first = number(dash < 0 ? part : part.substring(0, dash), list, strict);
        int last = dash < 0 ? first : number(part.substring(dash + 1), list, strict);
        if (last < first) {
            throw new IllegalArgumentException("CPU list '" + quoted(list) + "': range " + quoted(part)
                    + " runs backwards (CPUs must be ascending)");
        }
        return new int[] {first, last};
    }

    private static int number(String text, String list, boolean strict) {
        String digits = strict ? text : text.strip();
        boolean allDigits = !digits.isEmpty() && digits.chars().allMatch(c -> c >= '0' && c <= '9');
        if (!allDigits || (strict && digits.length() > 1 && digits.charAt(0) == '0')) {
            throw new IllegalArgumentException("CPU list '" + quoted(list) + "': '" + quoted(digits) + "' is not a CPU number");
        }
        int first = 0;
        while (first < digits.length() - 1 && digits.charAt(first) == '0') {
            first++;
        }
        String significant = digits.substring(first);
        // Checked by length first, so a long run of digits is never converted.
        if (significant.length() > Integer.toString(MAX_CPU).length() || Integer.parseInt(significant) > MAX_CPU) {
            throw new IllegalArgumentException("CPU list '" + quoted(list) + "': CPU " + quoted(significant)
                    + " is above " + MAX_CPU + ", the largest CPU number msr_safe can address");
        }
        return Integer.parseInt(significant);
    }

    /** The text, cut to a length a message can carry. */
    private static String quoted(String text) {
        return text.length() <= QUOTED_LENGTH ? text
                : text.substring(0, QUOTED_LENGTH - 3) + "... (" + text.length() + " characters)";
    }
}
