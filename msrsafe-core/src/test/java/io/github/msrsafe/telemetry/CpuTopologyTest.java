package io.github.msrsafe.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.SimulatedDevice;
import io.github.msrsafe.telemetry.CpuTopology.Placement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuTopologyTest {

    @Test
    void simulatedDeviceLayout() throws MsrSafeException {
        SimulatedDevice device = SimulatedDevice.builder().cpus(8).packages(2).threadsPerCore(2).build();
        CpuTopology topology;
        try (MsrSafe msr = device.open()) {
            topology = CpuTopology.detect(msr);
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), topology.cpuNumbers());
        assertEquals(List.of(0, 1), topology.packageIds());
        assertEquals(List.of(4, 5, 6, 7), topology.cpusOf(1));
        assertEquals(4, topology.coreCount());
        assertEquals(new Placement(5, 1, 0), topology.placement(5));
        assertEquals(List.of(0, 2, 4, 6), topology.coreLeaders().stream().map(Placement::cpu).toList());
        assertEquals(List.of(0, 4), topology.packageLeaders().stream().map(Placement::cpu).toList());
    }

    @Test
    void sysfsLayoutWithSparseCpusAndInterleavedPackages(@TempDir Path sys) throws IOException {
        // Two sockets with CPUs interleaved, as many BIOSes number them; CPU 2 offline.
        write(sys, 0, 0, 0);
        write(sys, 1, 1, 0);
        write(sys, 3, 1, 1);
        write(sys, 4, 0, 0); // hyperthread sibling of CPU 0
        CpuTopology topology = CpuTopology.fromSysfs(sys, List.of(4, 0, 3, 1));
        assertEquals(List.of(0, 1, 3, 4), topology.cpuNumbers());
        assertEquals(List.of(0, 4), topology.cpusOf(0));
        assertEquals(3, topology.coreCount());
        assertEquals(List.of(0, 1), topology.packageLeaders().stream().map(Placement::cpu).toList());
    }

    @Test
    void missingSysfsFilesMeanOnePackage(@TempDir Path sys) throws IOException {
        write(sys, 0, 1, 0);
        CpuTopology topology = CpuTopology.fromSysfs(sys, List.of(0, 1));
        assertEquals(CpuTopology.singlePackage(List.of(0, 1)), topology);
        assertEquals(List.of(0), topology.packageIds());
    }

    @Test
    void detectOnASimulatedHandleFindsTheDevicesLayout() throws MsrSafeException {
        try (MsrSafe msr = SimulatedDevice.standard(3).open()) {
            assertEquals(CpuTopology.singlePackage(List.of(0, 1, 2)), CpuTopology.detect(msr));
        }
        SimulatedDevice device = SimulatedDevice.builder().cpus(8).packages(2).threadsPerCore(2).offline(1).build();
        try (MsrSafe msr = device.open()) {
            CpuTopology topology = CpuTopology.detect(msr);
            assertEquals(List.of(0, 2, 3, 4, 5, 6, 7), topology.cpuNumbers());
            assertEquals(List.of(0, 1), topology.packageIds());
            assertEquals(new Placement(3, 0, 1), topology.placement(3));
            assertEquals(new Placement(7, 1, 1), topology.placement(7));
        }
    }

    @Test
    void refusesUnorderedOrRepeatedCpus() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CpuTopology(List.of(new Placement(1, 0, 0), new Placement(1, 0, 1))));
        assertEquals("CPUs must be listed once each in ascending order: CPU 1 follows CPU 1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CpuTopology(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Placement(0, -1, 0));
    }

    private static void write(Path sys, int cpu, int packageId, int coreId) throws IOException {
        Path dir = Files.createDirectories(sys.resolve("cpu" + cpu).resolve("topology"));
        Files.writeString(dir.resolve("physical_package_id"), packageId + "\n");
        Files.writeString(dir.resolve("core_id"), coreId + "\n");
    }
}
