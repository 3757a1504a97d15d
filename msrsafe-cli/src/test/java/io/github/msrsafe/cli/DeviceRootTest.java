package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command on device roots other than the simulator: directories of plain files laid
 * out like /dev/cpu, reached through the native layer (open, pread, pwrite on the files),
 * and directories with no device at all.
 */
class DeviceRootTest {

    @TempDir
    Path root;

    /** A file standing in for a per-CPU device: pread at offset MSR reads the 8 bytes there. */
    private void cpuNode(int cpu, String name, long tscValue) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(0x20).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(0x10, tscValue);
        Files.createDirectories(root.resolve(String.valueOf(cpu)));
        Files.write(root.resolve(cpu + "/" + name), bytes.array());
    }

    private long fileValue(int cpu, String name, int offset) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(root.resolve(cpu + "/" + name))).order(ByteOrder.LITTLE_ENDIAN).getLong(offset);
    }

    private Cli.Result run(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--device";
        all[1] = root.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return Cli.tool(all);
    }

    @Test
    void aMissingDeviceDirectoryIsNamed() {
        Path missing = root.resolve("nowhere");
        String error = Cli.tool("--device", missing.toString(), "read", "0x10").failure(ExitCode.DEVICE_MISSING);
        assertTrue(error.contains(missing.toString()) && error.contains("ENOENT"), error);
        assertTrue(!error.contains("--device sim"), "the user chose the device; no hint about the default: " + error);
    }

    @Test
    void aFileGivenAsTheDeviceIsNamedAsAFileNotAsMissing() throws IOException {
        // --device /etc/passwd said ENOENT, "does not exist", for a file that exists.
        Path file = Files.writeString(root.resolve("passwd"), "root:x:0:0::/root:/bin/sh\n");
        assertEquals("open " + file + " failed: ENOTDIR: " + file + " is a file, not a directory; the device root is the"
                + " directory that holds N/msr_safe, msr_batch and msr_allowlist (/dev/cpu)",
                Cli.tool("--device", file.toString(), "read", "0x10").failure(ExitCode.DEVICE_MISSING));
    }

    @Test
    void theRootDirectoryIsNamedWithoutADoubleSlash() {
        // --device / printed //N/msr_safe.
        assumeFalse(Files.isDirectory(Path.of("/0")) || Files.exists(Path.of("/msr_batch")), "/ looks like a device root here");
        String error = Cli.tool("--device", "/", "read", "0x10").failure(ExitCode.DEVICE_MISSING);
        assertTrue(error.contains("neither msr_safe (/N/msr_safe) nor the stock msr driver (/N/msr) was found under /;"), error);
    }

    @Test
    void aDirectoryWithoutDevicesIsMissingTooForEveryCommand() {
        for (List<String> command : List.of(List.of("read", "0x10"), List.of("write", "0x10", "0"), List.of("cpus"),
                List.of("latency"), List.of("allowlist", "show"), List.of("allowlist", "clear"))) {
            String error = run(command.toArray(String[]::new)).failure(ExitCode.DEVICE_MISSING);
            assertTrue(error.contains("neither msr_safe"), command + ": " + error);
        }
    }

    @Test
    void versionStillPrintsTheLibraryWhenTheDeviceIsMissing() {
        Cli.Result result = run("version");
        assertEquals(ExitCode.DEVICE_MISSING.status(), result.status());
        assertTrue(result.out().startsWith("msrsafe " + System.getProperty("msrsafe.version")), result.out());
        assertTrue(result.errorLine().contains("neither msr_safe"), result.err());
    }

    @Test
    void theDefaultDeviceSuggestsTheSimulatorWhenItIsMissing() {
        assumeFalse(Files.exists(Path.of("/dev/cpu/0/msr_safe")) || Files.exists(Path.of("/dev/cpu/0/msr")),
                "this machine has an MSR driver");
        String error = Cli.tool("cpus").failure(ExitCode.DEVICE_MISSING);
        assertTrue(error.endsWith("(with msrsafe: --device sim)"), error);
    }

    @Test
    void readsAndWritesThroughPerCpuFiles() throws IOException {
        cpuNode(0, "msr_safe", 0x1111);
        cpuNode(1, "msr_safe", 0xABCDEF);
        Files.write(root.resolve("msr_safe_version"), "1.8.0\0".getBytes());
        // No msr_batch here: batches are emulated by per-CPU calls, and the command says so.
        assertEquals(List.of("driver: msr_safe at " + root, "online CPUs: 0-1 (2 CPUs)",
                "batches: emulated by per-CPU calls, one pread or pwrite per op, no validation pass (no msr_batch device that answers the batch ioctl)"), run("cpus").ok().lines());
        assertEquals(List.of("module: msr_safe 1.8.0 at " + root + ": compatible, batches in the msr-safe 1.x (32-byte ops) layout",
                "batches: emulated by per-CPU calls, one pread or pwrite per op, no validation pass (no msr_batch device that answers the batch ioctl)"), run("version").ok().lines().subList(1, 3));
        assertTrue(run("cpus", "--json").ok().out().contains("\"batchEmulated\": true"));
        assertTrue(run("version", "--json").ok().out().contains("\"batchEmulated\": true"));
        assertEquals("abcdef\n", run("read", "-p", "1", "IA32_TIME_STAMP_COUNTER").ok().out());
        run("write", "-p", "0", "0x10", "0x5555").ok();
        assertEquals(0x5555, fileValue(0, "msr_safe", 0x10));
        assertEquals(0xABCDEF, fileValue(1, "msr_safe", 0x10));
    }

    @Test
    void aTwoXModuleGetsTheTwoXLayoutAndALaterMajorIsFlagged() throws IOException {
        cpuNode(0, "msr_safe", 0);
        Files.write(root.resolve("msr_safe_version"), "2.0.4\0".getBytes());
        assertEquals("module: msr_safe 2.0.4 at " + root + ": compatible, batches in the msr-safe 2.x (88-byte ops) layout",
                run("version").ok().lines().get(1));
        Files.write(root.resolve("msr_safe_version"), "3.0.0\0".getBytes());
        assertEquals("module: msr_safe 3.0.0 at " + root + ": NOT compatible (this library speaks the msr_safe 1.x batch"
                + " ABI from 1.6, and 2.x's; batches go in the msr-safe 1.x (32-byte ops) layout)",
                run("version").ok().lines().get(1));
    }

    @Test
    void aBatchDeviceThatIsNotMsrSafesRunsBatchesAsPerCpuCalls() throws IOException {
        // A plain msr_batch (as in msrsave's test directories) answers ENOTTY: batches run per CPU.
        cpuNode(0, "msr_safe", 1);
        cpuNode(1, "msr_safe", 2);
        Files.write(root.resolve("msr_batch"), new byte[0]);
        assertEquals("batches: emulated by per-CPU calls, one pread or pwrite per op, no validation pass (no msr_batch device that answers the batch ioctl)", run("cpus").ok().lines().get(2));
        assertEquals(List.of("0: 1", "1: 2"), run("read", "-a", "0x10").ok().lines());
        run("write", "-a", "0x10", "0x5").ok();
        assertEquals(List.of(5L, 5L), List.of(fileValue(0, "msr_safe", 0x10), fileValue(1, "msr_safe", 0x10)));
    }

    @Test
    void theStockMsrDriverWorksWithEmulatedBatches() throws IOException {
        cpuNode(0, "msr", 0x10);
        cpuNode(1, "msr", 0x20);
        cpuNode(2, "msr", 0x30);
        assertEquals(List.of("driver: msr (stock driver) at " + root, "online CPUs: 0-2 (3 CPUs)", "batches: emulated by per-CPU calls, one pread or pwrite per op, no validation pass (the stock msr driver has no msr_batch)"),
                run("cpus").ok().lines());
        assertEquals(List.of("0: 10", "1: 20", "2: 30"), run("read", "-a", "0x10").ok().lines());
        run("write", "-p", "1", "0x10", "0x99").ok();
        run("write", "-p", "0,2", "0x10", "0x77").ok();
        assertEquals(List.of(0x77L, 0x99L, 0x77L), List.of(fileValue(0, "msr", 0x10), fileValue(1, "msr", 0x10), fileValue(2, "msr", 0x10)));
        assertEquals(List.of("driver: the stock msr driver at " + root + " (msr_safe is not loaded: no allowlist)", "batches: emulated by per-CPU calls, one pread or pwrite per op, no validation pass (the stock msr driver has no msr_batch)"),
                run("version").ok().lines().subList(1, 3));
    }

    @Test
    void latencyOnTheStockDriverSaysItsBatchesAreEmulated() throws IOException {
        cpuNode(0, "msr", 0);
        cpuNode(1, "msr", 0);
        List<String> lines = run("latency", "--warmup-limit", "0", "-n", "3").ok().lines();
        assertEquals("Device: msr (stock driver) at " + root + ".", lines.get(0));
        assertTrue(lines.get(3).startsWith("  serial  4 calls (2 pwrite, 2 pread)"), lines.get(3));
        assertTrue(lines.get(4).startsWith("  batch   2 batches of 2 (emulated: 4 calls)"), lines.get(4));
        assertTrue(lines.get(5).matches("A batch (saves|costs) \\S+ us (more )?per round \\(\\d+%\\)( here)?\\."), lines.get(5));
    }

    @Test
    void aShortReadIsReportedNotGuessed() throws IOException {
        cpuNode(0, "msr_safe", 0);
        // The file ends at 0x20: an MSR beyond it reads 0 bytes.
        String error = run("read", "0x100").failure(ExitCode.DEVICE_ERROR);
        assertTrue(error.contains("transferred 0 bytes instead of 8"), error);
    }
}
