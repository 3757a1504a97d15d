package io.github.msrsafe.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Percentage;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** One package over one sampling interval: what JDK Mission Control shows beside GC pauses. */
@Name(PackageTelemetryEvent.NAME)
@Label("Package Telemetry")
@Category({"msrsafe", "Telemetry"})
@Description("A processor package over one sampling interval of an msrsafe Sampler: frequency, busy time, power,"
        + " temperature and throttling, from its model-specific registers")
@StackTrace(false)
public final class PackageTelemetryEvent extends Event {

    /** The event's name in recordings. */
    public static final String NAME = "io.github.msrsafe.PackageTelemetry";

    @Label("Package")
    @Description("The physical package (socket) id")
    public int packageId;

    @Label("Interval")
    @Description("The time the rates cover")
    @Timespan(Timespan.NANOSECONDS)
    public long interval;

    @Label("Average Frequency (MHz)")
    @Description("Average frequency of the package's CPUs, halted time included (turbostat Avg_MHz)")
    public double averageMhz;

    @Label("Busy Frequency (MHz)")
    @Description("Average frequency while not halted (turbostat Bzy_MHz)")
    public double busyMhz;

    @Label("Busy")
    @Description("Share of the interval the package's CPUs were not halted, 0 to 1 (turbostat Busy%)")
    @Percentage
    public double busy;

    @Label("Package Power (W)")
    @Description("Package power over the interval, from the RAPL energy counter (turbostat PkgWatt)")
    public double packageWatts;

    @Label("DRAM Power (W)")
    @Description("DRAM power over the interval (turbostat RAMWatt)")
    public double dramWatts;

    @Label("Package Temperature (°C)")
    @Description("Package temperature (turbostat PkgTmp)")
    public double packageCelsius;

    @Label("Hottest Core (°C)")
    @Description("The hottest core's temperature (turbostat CoreTmp of the package)")
    public double coreCelsius;

    @Label("Throttled")
    @Description("Whether the package or any of its cores is throttled now")
    public boolean throttled;

    @Label("Throttle Reasons")
    @Description("Why, as the thermal status registers say: thermal, prochot, critical, power, current, cross-domain")
    public String throttleReasons;
}
