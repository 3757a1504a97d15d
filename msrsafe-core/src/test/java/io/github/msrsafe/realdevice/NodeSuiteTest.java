package io.github.msrsafe.realdevice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.SimulatedDevice;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.realdevice.NodeSuite.Result;
import io.github.msrsafe.realdevice.NodeSuite.Step;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real-device suite's own logic, on the simulated device (no module here): every step
 * passes against a device that behaves as msr-safe does, the steps that change the node put
 * everything back, a device that disagrees with the kernel fails, and the suite skips with
 * its reason where it cannot run.
 */
class NodeSuiteTest {

    @TempDir
    Path dir;

    private final SimulatedDevice device = SimulatedDevice.standard(4);
    private final StringWriter transcript = new StringWriter();

    private NodeSuite.Hotplug simulatedHotplug() {
        return new NodeSuite.Hotplug() {
            @Override
            public Optional<String> unavailable(int cpu) {
                return Optional.empty();
            }

            @Override
            public void setOnline(int cpu, boolean online) {
                device.setOnline(cpu, online);
            }
        };
    }

    private List<Step> run(boolean mutate, Optional<List<Integer>> kernelOnline) throws Exception {
        return new NodeSuite(new NodeSuite.Settings(device::open, kernelOnline, mutate, "not asked for",
                simulatedHotplug()), new PrintWriter(transcript)).run();
    }

    @Test
    void everyStepPassesOnADeviceThatBehavesAsTheModuleDoesAndEverythingIsRestored() throws Exception {
        List<AllowlistEntry> before = device.allowlist();
        List<Step> steps = run(true, Optional.of(List.of(0, 1, 2, 3)));
        assertEquals(9, steps.size(), transcript.toString());
        for (Step step : steps) {
            assertEquals(Result.PASS, step.result(), step.line() + "\n" + transcript);
        }
        assertEquals(before, device.allowlist(), "the allowlist is back as it was");
        for (int cpu = 0; cpu < 4; cpu++) {
            assertTrue(device.isOnline(cpu), "CPU " + cpu + " is back online");
        }
        String text = transcript.toString();
        assertTrue(text.startsWith("device: MsrSafe[SIMULATED"), text);
        assertTrue(text.contains("PASS  op not in the allowlist"), text);
        assertTrue(text.contains("summary: 9 steps passed, 0 failed, 0 skipped"), text);
    }

    @Test
    void withoutTheOptInTheStepsThatChangeTheNodeAreSkippedAndSaySo() throws Exception {
        device.poke(1, 0x199, 0x1C00);
        List<Step> steps = run(false, Optional.empty());
        List<String> skipped = steps.stream().filter(s -> s.result() == Result.SKIP).map(Step::name).toList();
        assertEquals(List.of("allowlist install and restore", "writes under a partial mask", "CPU offline and back"),
                skipped, transcript.toString());
        assertTrue(steps.stream().noneMatch(s -> s.result() == Result.FAIL), transcript.toString());
        assertTrue(transcript.toString().contains("SKIP  CPU offline and back"), transcript.toString());
        assertEquals(0x1C00, device.peek(1, 0x199), "nothing was written");
    }

    @Test
    void aDeviceThatDisagreesWithTheKernelFailsThatStepAndTheOthersStillRun() throws Exception {
        List<Step> steps = run(false, Optional.of(List.of(0, 1, 2, 3, 4)));
        assertEquals(Result.FAIL, steps.get(1).result(), transcript.toString());
        assertTrue(steps.get(1).detail().contains("the kernel says [0, 1, 2, 3, 4]"), steps.get(1).detail());
        assertEquals(Result.PASS, steps.get(4).result(), transcript.toString());
    }

    @Test
    void anAllowlistThatListsTheProbeSkipsThatStep() throws Exception {
        List<AllowlistEntry> entries = new java.util.ArrayList<>(device.allowlist());
        for (long address : new long[] {0x3A, 0x8B, 0x17, 0xFE, 0x1B}) {
            entries.add(new AllowlistEntry(address, 0));
        }
        device.installAllowlist(entries);
        Step unlisted = run(false, Optional.empty()).get(5);
        assertEquals(Result.SKIP, unlisted.result(), transcript.toString());
    }

    @Test
    void theSuiteSkipsWithAReasonWhereItCannotRun() throws Exception {
        String optIn = RealDeviceSuiteTest.skipReason(false, Path.of("/dev/cpu")).orElseThrow();
        assertTrue(optIn.contains("-Preal-device"), optIn);
        String noModule = RealDeviceSuiteTest.skipReason(true, dir).orElseThrow();
        assertTrue(noModule.contains(dir.resolve("msr_batch") + ": the msr-safe module is not loaded"), noModule);
        Files.createFile(dir.resolve("msr_batch"));
        assertEquals(Optional.empty(), RealDeviceSuiteTest.skipReason(true, dir));
    }
}
