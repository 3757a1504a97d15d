package io.github.msrsafe.cli;

import io.github.msrsafe.telemetry.Signal;
import io.github.msrsafe.telemetry.Vendor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The signals of {@code --show} and {@code --hide}: signal names and group names separated by
 * commas, as turbostat takes them.
 */
final class SignalChoice {

    /** The word for every signal the processor supports. */
    static final String ALL = "all";

    /** Groups of signals, by name, as turbostat groups its columns. */
    static final Map<String, List<Signal>> GROUPS = groups();

    private SignalChoice() {}

    private static Map<String, List<Signal>> groups() {
        Map<String, List<Signal>> groups = new LinkedHashMap<>();
        groups.put("frequency", List.of(Signal.AVG_MHZ, Signal.BUSY_PERCENT, Signal.BZY_MHZ, Signal.TSC_MHZ,
                Signal.UNCORE_MHZ, Signal.UNCORE_MIN_MHZ, Signal.UNCORE_MAX_MHZ, Signal.TURBO_MHZ));
        groups.put("idle", List.of(Signal.CPU_C1, Signal.CORE_C3, Signal.CORE_C6, Signal.CORE_C7, Signal.PKG_C2,
                Signal.PKG_C3, Signal.PKG_C6, Signal.PKG_C7, Signal.PKG_C8, Signal.PKG_C9, Signal.PKG_C10));
        groups.put("power", List.of(Signal.PACKAGE_WATTS, Signal.CORE_WATTS, Signal.DRAM_WATTS, Signal.PLATFORM_WATTS,
                Signal.PACKAGE_JOULES, Signal.CORE_JOULES, Signal.DRAM_JOULES, Signal.PLATFORM_JOULES,
                Signal.PACKAGE_RAPL_THROTTLE, Signal.DRAM_RAPL_THROTTLE, Signal.PL1_WATTS, Signal.PL1_SECONDS,
                Signal.PL2_WATTS, Signal.PL2_SECONDS));
        groups.put("temperature", List.of(Signal.CORE_TEMPERATURE, Signal.PACKAGE_TEMPERATURE));
        groups.put("throttle", List.of(Signal.CORE_THROTTLE, Signal.CORE_THROTTLE_LOG, Signal.PACKAGE_THROTTLE,
                Signal.PACKAGE_THROTTLE_LOG, Signal.PACKAGE_RAPL_THROTTLE, Signal.DRAM_RAPL_THROTTLE));
        groups.put("other", List.of(Signal.SMI));
        return Collections.unmodifiableMap(groups);
    }

    /**
     * The signals of {@code --show}: those named one by one must be read (a missing register is
     * an error), those of "all" and of groups only where this machine can.
     *
     * @param signals every signal chosen, in the order given, each once
     * @param named   those named one by one
     */
    record Choice(List<Signal> signals, List<Signal> named) {}

    /**
     * The signals named in {@code text}, in the order given, each once; "all" for every signal
     * {@code vendor} supports; a group name for those of its signals the vendor supports.
     *
     * @param option the option, for messages: "--show" or "--hide"
     * @throws CliException (usage) for an unknown name or a signal the vendor lacks, listing the known ones
     */
    static List<Signal> parse(String text, Vendor vendor, String option) {
        return choose(text, vendor, option).signals();
    }

    /** As {@link #parse}, telling the signals named one by one apart. */
    static Choice choose(String text, Vendor vendor, String option) {
        List<Signal> chosen = new ArrayList<>();
        List<Signal> named = new ArrayList<>();
        for (String name : text.split(",")) {
            String trimmed = name.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            String lower = trimmed.toLowerCase(Locale.ROOT);
            if (lower.equals(ALL) || GROUPS.containsKey(lower)) {
                List<Signal> members = lower.equals(ALL) ? Signal.supportedBy(vendor) : GROUPS.get(lower);
                members.stream().filter(signal -> signal.availableOn(vendor) && !chosen.contains(signal))
                        .forEach(chosen::add);
                continue;
            }
            Signal signal = Signal.byName(trimmed).orElseThrow(() -> CliException.usage(option + ": unknown signal '"
                    + trimmed + "'; the signals are " + names(List.of(Signal.values())) + " (or 'all', or a group: "
                    + String.join(", ", GROUPS.keySet()) + ")"));
            if (!signal.availableOn(vendor)) {
                throw CliException.usage(option + ": " + signal.columnName() + " is not available on " + vendor
                        + " processors; they have " + names(Signal.supportedBy(vendor)));
            }
            if (!chosen.contains(signal)) {
                chosen.add(signal);
            }
            named.add(signal);
        }
        if (chosen.isEmpty() && option.equals("--show")) {
            throw CliException.usage(option + " names no signal; the signals are " + names(Signal.supportedBy(vendor)));
        }
        return new Choice(List.copyOf(chosen), List.copyOf(named));
    }

    /** "Avg_MHz, Busy%, ...". */
    static String names(List<Signal> signals) {
        return signals.stream().map(Signal::columnName).collect(Collectors.joining(", "));
    }
}
