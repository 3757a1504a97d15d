package io.github.msrsafe.cli;

import io.github.msrsafe.telemetry.Signal;
import io.github.msrsafe.telemetry.Vendor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The signals of {@code --show}: telemetry signal names separated by commas, or "all". */
final class SignalChoice {

    /** The word for every signal the processor supports. */
    static final String ALL = "all";

    private SignalChoice() {}

    /**
     * The signals named in {@code text}, in the order given, each once; "all" for every
     * signal {@code vendor} supports.
     *
     * @throws CliException (usage) for an unknown name or one the vendor lacks, listing the known ones
     */
    static List<Signal> parse(String text, Vendor vendor) {
        List<Signal> chosen = new ArrayList<>();
        for (String name : text.split(",")) {
            String trimmed = name.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.toLowerCase(Locale.ROOT).equals(ALL)) {
                Signal.supportedBy(vendor).stream().filter(signal -> !chosen.contains(signal)).forEach(chosen::add);
                continue;
            }
            Signal signal = Signal.byName(trimmed).orElseThrow(() -> CliException.usage("unknown signal '" + trimmed
                    + "'; the signals are " + names(List.of(Signal.values())) + " (or 'all')"));
            if (!signal.availableOn(vendor)) {
                throw CliException.usage(signal.columnName() + " is not available on " + vendor + " processors; they have "
                        + names(Signal.supportedBy(vendor)));
            }
            if (!chosen.contains(signal)) {
                chosen.add(signal);
            }
        }
        if (chosen.isEmpty()) {
            throw CliException.usage("--show names no signal; the signals are " + names(Signal.supportedBy(vendor)));
        }
        return List.copyOf(chosen);
    }

    /** "Avg_MHz, Busy%, ...". */
    static String names(List<Signal> signals) {
        return signals.stream().map(Signal::columnName).collect(Collectors.joining(", "));
    }
}
