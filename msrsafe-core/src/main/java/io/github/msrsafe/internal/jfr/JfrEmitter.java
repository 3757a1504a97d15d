package io.github.msrsafe.internal.jfr;

import io.github.msrsafe.telemetry.Sample;
import io.github.msrsafe.telemetry.Signal;
import io.github.msrsafe.telemetry.ThrottleReason;
import java.util.List;
import jdk.jfr.FlightRecorder;

/**
 * Turns each sample into JFR events: one {@link PackageTelemetryEvent} per package and one
 * {@link CpuTelemetryEvent} per CPU, committed only while a recording has them enabled. A signal
 * the sampler does not derive is NaN in the events.
 */
public final class JfrEmitter {

    private static final double NANOS_PER_SECOND = 1e9;

    /** Loads the event classes, so that a recording started later knows them. */
    public JfrEmitter() {
        FlightRecorder.register(PackageTelemetryEvent.class);
        FlightRecorder.register(CpuTelemetryEvent.class);
    }

    /** Commits the events of {@code sample}, which must have an interval (its rates known). */
    public void emit(Sample sample) {
        if (!sample.hasInterval()) {
            return;
        }
        PackageTelemetryEvent probe = new PackageTelemetryEvent();
        if (probe.isEnabled()) {
            for (int packageId : sample.topology().packageIds()) {
                PackageTelemetryEvent event = new PackageTelemetryEvent();
                event.packageId = packageId;
                event.interval = Math.round(sample.intervalSeconds() * NANOS_PER_SECOND);
                event.averageMhz = packageValue(sample, Signal.AVG_MHZ, packageId);
                event.busyMhz = packageValue(sample, Signal.BZY_MHZ, packageId);
                event.busy = packageValue(sample, Signal.BUSY_PERCENT, packageId) / 100;
                event.packageWatts = packageValue(sample, Signal.PACKAGE_WATTS, packageId);
                event.dramWatts = packageValue(sample, Signal.DRAM_WATTS, packageId);
                event.packageCelsius = packageValue(sample, Signal.PACKAGE_TEMPERATURE, packageId);
                event.coreCelsius = packageValue(sample, Signal.CORE_TEMPERATURE, packageId);
                int reasons = flags(sample, Signal.CORE_THROTTLE, packageId) | flags(sample, Signal.PACKAGE_THROTTLE,
                        packageId);
                event.throttled = reasons != 0;
                event.throttleReasons = ThrottleReason.describe(reasons);
                event.commit();
            }
        }
        CpuTelemetryEvent cpuProbe = new CpuTelemetryEvent();
        if (cpuProbe.isEnabled()) {
            List<Integer> cpus = sample.topology().cpuNumbers();
            for (int cpu : cpus) {
                CpuTelemetryEvent event = new CpuTelemetryEvent();
                event.cpu = cpu;
                event.averageMhz = cpuValue(sample, Signal.AVG_MHZ, cpu);
                event.busyMhz = cpuValue(sample, Signal.BZY_MHZ, cpu);
                event.busy = cpuValue(sample, Signal.BUSY_PERCENT, cpu) / 100;
                event.commit();
            }
        }
    }

    private static double packageValue(Sample sample, Signal signal, int packageId) {
        return sample.signals().contains(signal) ? sample.packageValue(signal, packageId) : Double.NaN;
    }

    private static double cpuValue(Sample sample, Signal signal, int cpu) {
        return sample.signals().contains(signal) ? sample.cpuValue(signal, cpu) : Double.NaN;
    }

    private static int flags(Sample sample, Signal signal, int packageId) {
        double value = packageValue(sample, signal, packageId);
        return Double.isNaN(value) ? 0 : (int) value;
    }
}
