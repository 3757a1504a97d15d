package io.github.msrsafe.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Percentage;
import jdk.jfr.StackTrace;

/** One CPU over one sampling interval. */
@Name(CpuTelemetryEvent.NAME)
@Label("CPU Telemetry")
@Category({"msrsafe", "Telemetry"})
@Description("A logical CPU over one sampling interval of an msrsafe Sampler: its frequency and busy time")
@StackTrace(false)
public final class CpuTelemetryEvent extends Event {

    /** The event's name in recordings. */
    public static final String NAME = "io.github.msrsafe.CpuTelemetry";

    @Label("CPU")
    @Description("The CPU number")
    public int cpu;

    @Label("Average Frequency (MHz)")
    @Description("Average frequency over the interval, halted time included (turbostat Avg_MHz)")
    public double averageMhz;

    @Label("Busy Frequency (MHz)")
    @Description("Average frequency while not halted (turbostat Bzy_MHz)")
    public double busyMhz;

    @Label("Busy")
    @Description("Share of the interval the CPU was not halted, 0 to 1 (turbostat Busy%)")
    @Percentage
    public double busy;
}
