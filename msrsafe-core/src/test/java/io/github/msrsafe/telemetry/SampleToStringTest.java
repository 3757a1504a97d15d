package io.github.msrsafe.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.SimulatedDevice;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Sample.toString: one line, register columns in hex with the register's catalog name. */
class SampleToStringTest {

    @Test
    void printsEachQuantityWithItsUnitAndRegisterColumnsInHexWithTheirNames() throws MsrSafeException {
        AtomicLong nanos = new AtomicLong(5_000_000_000L);
        SimulatedDevice device = SimulatedDevice.builder().cpus(2)
                .registers(SimulatedDevice.standardRegisters()).allowlist(SimulatedDevice.standardAllowlist())
                .clock(nanos::get).build();
        try (MsrSafe msr = device.open();
             Sampler sampler = Sampler.builder(msr).topology(CpuTopology.detect(msr)).clock(nanos::get)
                     .vendor(Vendor.INTEL).signals(Signal.TSC_MHZ)
                     .add(RegisterColumn.parse("msr0x199,package,u64,raw,perf_ctl"))
                     .add(RegisterColumn.parse("msr0xE7,cpu,u64,delta,mperf")).open()) {
            Sample first = sampler.sample();
            assertEquals("Sample #1: TSC_MHz -, perf_ctl (0x199 IA32_PERF_CTL) 0x1C00, mperf (0xE7 IA32_MPERF) -",
                    first.toString());
            nanos.addAndGet(1_000_000_000L);
            String second = sampler.sample().toString();
            assertTrue(second.startsWith("Sample #2 over 1.000 s: TSC_MHz 2400.00 MHz, perf_ctl (0x199 IA32_PERF_CTL) 0x1C00"),
                    second);
        }
    }
}
