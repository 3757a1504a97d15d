/**
 * Java access to the msr-safe kernel module through java.lang.foreign:
 * per-CPU and batch MSR access, allowlists, and a simulated device.
 * Needs {@code --enable-native-access=io.github.msrsafe} for the native device.
 */
module io.github.msrsafe {
    exports io.github.msrsafe;
    exports io.github.msrsafe.allowlist;
    exports io.github.msrsafe.allowlist.lint;
    exports io.github.msrsafe.registers;
    exports io.github.msrsafe.save;
    exports io.github.msrsafe.telemetry;

    // Java Flight Recorder events of the telemetry sampler (Sampler.Builder.jfrEvents()). Static:
    // the library has no runtime dependency, and jdk.jfr is read only when the application puts it
    // in the module graph (every class-path application has it). Only internal.jfr uses it, and
    // nothing loads that package unless events are turned on.
    requires static jdk.jfr;

    // Not API: the hex and JSON text forms the command shares with the library. The benchmarks,
    // which run on the class path, need no export.
    exports io.github.msrsafe.internal.text to io.github.msrsafe.cli;
}
