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

    /** The most elements a lenient list may have: every CPU named twice. */
    private static final int MAX_ELEMENTS = 2 * (MAX_CPU + 1);

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
        // so the list never holds more than MAX_CPU + 1 numbers; elements are read in place, not copied.
        int start = 0;
        while (start <= list.length()) {
            int end = elementEnd(list, start);
            long range = range(list, start, end, true);
            int first = (int) (range >>> 32);
            int last = (int) range;
            if (!cpus.isEmpty() && first <= cpus.get(cpus.size() - 1)) {
                throw new IllegalArgumentException("CPU list '" + quoted(list) + "': CPUs must be ascending ('"
                        + quoted(list.substring(start, end).strip()) + "' follows " + cpus.get(cpus.size() - 1) + ")");
            }
            for (int cpu = first; cpu <= last; cpu++) {
                cpus.add(cpu);
            }
            start = end + 1;
        }
        return cpus;
    }

    /**
     * Parses a CPU list as people write it: elements in any order, repeats allowed, spaces
     * around elements ignored. The work is bounded by the text's length and {@link #MAX_CPU},
     * whatever ranges it repeats: a list of more than {@code 2 * (MAX_CPU + 1)} elements is refused.
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
        int elements = 0;
        while (start <= list.length()) {
            if (++elements > MAX_ELEMENTS) {
                // Setting a wide range costs a word per 64 CPUs: a bound on elements bounds the work.
                throw new IllegalArgumentException("CPU list '" + quoted(list) + "' has more than " + MAX_ELEMENTS
                        + " elements; name each CPU at most twice (there are at most " + (MAX_CPU + 1) + ")");
            }
            int end = elementEnd(list, start);
            long range = range(list, start, end, false);
            // A word per 64 CPUs, so repeats of a wide range stay cheap.
            cpus.set((int) (range >>> 32), (int) range + 1);
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

    /**
     * The element {@code list[from, to)}, "3" or "0-3", as {@code first << 32 | last}; strict: no
     * spaces and no leading zeros, as the kernel writes; lenient: spaces around the element
     * and its numbers are ignored.
     */
    private static long range(String list, int from, int to, boolean strict) {
        int start = strict ? from : skipSpace(list, from, to);
        int end = strict ? to : trimSpace(list, start, to);
        if (start == end) {
            throw new IllegalArgumentException("CPU list '" + quoted(list) + "' has an empty element");
        }
        int dash = list.indexOf('-', start + 1); // a leading '-' is a sign, not a range
        if (dash >= end) {
            dash = -1;
        }
        int first = number(list, start, dash < 0 ? end : dash, strict);
        int last = dash < 0 ? first : number(list, dash + 1, end, strict);
        if (last < first) {
            throw new IllegalArgumentException("CPU list '" + quoted(list) + "': range " + quoted(list.substring(start, end))
                    + " runs backwards (CPUs must be ascending)");
        }
        return (long) first << 32 | last;
    }

    /** The CPU number {@code list[from, to)}, checked by its length before it is converted. */
    private static int number(String list, int from, int to, boolean strict) {
        int start = strict ? from : skipSpace(list, from, to);
        int end = strict ? to : trimSpace(list, start, to);
        boolean allDigits = start < end;
        for (int i = start; i < end && allDigits; i++) {
            allDigits = list.charAt(i) >= '0' && list.charAt(i) <= '9';
        }
        if (!allDigits || (strict && end - start > 1 && list.charAt(start) == '0')) {
            throw new IllegalArgumentException("CPU list '" + quoted(list) + "': '" + quoted(list.substring(start, end))
                    + "' is not a CPU number");
        }
        while (start < end - 1 && list.charAt(start) == '0') {
            start++;
        }
        int cpu = 0;
        for (int i = start; i < end && cpu <= MAX_CPU; i++) {
            cpu = cpu * 10 + (list.charAt(i) - '0');
        }
        if (cpu > MAX_CPU) {
            throw new IllegalArgumentException("CPU list '" + quoted(list) + "': CPU " + quoted(list.substring(start, end))
                    + " is above " + MAX_CPU + ", the largest CPU number msr_safe can address");
        }
        return cpu;
    }

    private static int skipSpace(String text, int from, int to) {
        while (from < to && Character.isWhitespace(text.charAt(from))) {
            from++;
        }
        return from;
    }

    private static int trimSpace(String text, int from, int to) {
        while (to > from && Character.isWhitespace(text.charAt(to - 1))) {
            to--;
        }
        return to;
    }

    /** The text, cut to a length a message can carry. */
    private static String quoted(String text) {
        return text.length() <= QUOTED_LENGTH ? text
                : text.substring(0, QUOTED_LENGTH - 3) + "... (" + text.length() + " characters)";
    }
}
