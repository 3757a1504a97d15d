package io.github.msrsafe.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.SimulatedDevice;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sampler with JFR events on, on SamplerTest's machine (2 packages x 2 cores x 2 threads, busy
 * 25%, fake clock): a recording made meanwhile holds one PackageTelemetry event per package and one
 * CpuTelemetry event per CPU for every sample after the first, with the sample's values, as
 * jdk.jfr.consumer reads them back from the file.
 */
class JfrEventsTest {

    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path directory;

    @Test
    void aRecordingHoldsEachSamplesEventsWithItsValues() throws MsrSafeException, IOException {
        AtomicLong nanos = new AtomicLong(SECOND);
        SimulatedDevice device = SimulatedDevice.builder().cpus(8).packages(2).threadsPerCore(2)
                .registers(SimulatedDevice.standardRegisters(0.25)).allowlist(SimulatedDevice.standardAllowlist())
                .clock(nanos::get).build();
        device.poke(4, 0x1B1, 0x8837_0401L); // package 1: thermal and power-limit throttling now
        Path file = directory.resolve("telemetry.jfr");
        try (MsrSafe msr = device.open();
             Sampler sampler = Sampler.builder(msr).clock(nanos::get).jfrEvents().open();
             Recording recording = new Recording()) {
            recording.enable("io.github.msrsafe.PackageTelemetry");
            recording.enable("io.github.msrsafe.CpuTelemetry");
            recording.start();
            sampler.sample(); // the baseline: no rates, no events
            for (int i = 0; i < 3; i++) {
                nanos.addAndGet(2 * SECOND);
                sampler.sample();
            }
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        List<RecordedEvent> packages = events.stream()
                .filter(e -> e.getEventType().getName().equals("io.github.msrsafe.PackageTelemetry"))
                .sorted(Comparator.comparing(RecordedEvent::getStartTime)).toList();
        List<RecordedEvent> cpus = events.stream()
                .filter(e -> e.getEventType().getName().equals("io.github.msrsafe.CpuTelemetry")).toList();
        assertEquals(3 * 2, packages.size());
        assertEquals(3 * 8, cpus.size());
        for (RecordedEvent event : packages) {
            int pkg = event.getInt("packageId");
            assertEquals(Duration.ofSeconds(2), event.getDuration("interval"));
            assertEquals(700.0, event.getDouble("averageMhz"), 1e-6);
            assertEquals(2800.0, event.getDouble("busyMhz"), 1e-6);
            assertEquals(0.25, event.getDouble("busy"), 1e-12);
            assertEquals(27.5, event.getDouble("packageWatts"), 1e-9);
            assertEquals(2.75, event.getDouble("dramWatts"), 1e-9);
            assertEquals(45.0, event.getDouble("packageCelsius"));
            assertEquals(43.0, event.getDouble("coreCelsius"));
            assertEquals(pkg == 1, event.getBoolean("throttled"));
            assertEquals(pkg == 1 ? "thermal+power" : "none", event.getString("throttleReasons"));
        }
        assertTrue(cpus.stream().allMatch(e -> Math.abs(e.getDouble("busy") - 0.25) < 1e-12
                && Math.abs(e.getDouble("averageMhz") - 700) < 1e-6), cpus.toString());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), cpus.stream().map(e -> e.getInt("cpu")).distinct().sorted().toList());
    }

    @Test
    void withoutJfrEventsNoEventIsRecorded() throws MsrSafeException, IOException {
        Path file = directory.resolve("none.jfr");
        try (MsrSafe msr = SimulatedDevice.standard(2).open();
             Sampler sampler = Sampler.builder(msr).signals(Signal.AVG_MHZ).open();
             Recording recording = new Recording()) {
            recording.enable("io.github.msrsafe.PackageTelemetry");
            recording.start();
            sampler.sample();
            sampler.sample();
            recording.stop();
            recording.dump(file);
        }
        assertTrue(RecordingFile.readAllEvents(file).stream()
                .noneMatch(e -> e.getEventType().getName().startsWith("io.github.msrsafe")));
    }
}
