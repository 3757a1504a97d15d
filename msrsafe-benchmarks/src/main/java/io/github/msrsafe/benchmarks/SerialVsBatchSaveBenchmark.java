package io.github.msrsafe.benchmarks;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.save.MsrSnapshot;
import io.github.msrsafe.save.MsrState;
import io.github.msrsafe.save.SaveResult;
import io.github.msrsafe.save.StateCapture;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Saving the state of {@code cpus} CPUs times {@code msrsPerCpu} allowlisted registers
 * (all writable, all-ones masks): msrsave's way, one pread per register per CPU through
 * {@code /dev/cpu/N/msr_safe} into msrsave's slot array ({@code serialSave}); a
 * {@link StateCapture} read again, one batch ioctl that refreshes its slots in place, as a
 * daemon that saves on a schedule does ({@code batchSave}, the one that must allocate
 * nothing per register once warm); and {@link MsrState#capture}, which builds the batch and
 * the snapshot each time, as one {@code msrsafe save} does ({@code batchSaveOnce}). One
 * benchmark op is one whole save, without the file (writing and fsyncing it costs all the
 * same). Never on real hardware: save needs the allowlist the module enforces, and the
 * benchmarks do not read the installed one.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = Main.NATIVE_ACCESS)
@State(Scope.Thread)
public class SerialVsBatchSaveBenchmark {

    @Param({"sim", "native"})
    public String backend;

    @Param({"4", "64", "256"})
    public int cpus;

    @Param({"8", "64"})
    public int msrsPerCpu;

    private Workload workload;
    private MsrSafe msr;
    private Allowlist allowlist;
    private int[] onlineCpus;
    private long[] addresses;
    private long[] writeMasks;
    private StateCapture capture;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Backend chosen = Backend.byId(backend);
        if (chosen == Backend.REAL) {
            throw new IllegalStateException("the save benchmark runs on sim and native only: on real hardware it"
                    + " would need the installed allowlist, which only msr-admin may read");
        }
        workload = Workload.open(chosen, cpus, msrsPerCpu);
        msr = workload.msr();
        List<AllowlistEntry> entries = new ArrayList<>(msrsPerCpu);
        for (int m = 0; m < msrsPerCpu; m++) {
            // Both devices let every bit of every benchmark register be written (the C stand-in reports ~0).
            entries.add(new AllowlistEntry(Workload.address(m), -1L));
        }
        allowlist = Allowlist.of(entries);
        onlineCpus = msr.cpus().stream().mapToInt(Integer::intValue).toArray();
        addresses = entries.stream().mapToLong(AllowlistEntry::address).toArray();
        writeMasks = entries.stream().mapToLong(AllowlistEntry::writeMask).toArray();
        capture = StateCapture.of(msr, allowlist);
        checkBothSaveTheRegisters();
    }

    /** Both ways must save every register's value, in msrsave's slot order, before either is timed. */
    private void checkBothSaveTheRegisters() throws IOException {
        if (onlineCpus.length != cpus) {
            throw new IllegalStateException(cpus + " CPUs asked for, " + onlineCpus.length + " online");
        }
        long[] serial = msrsaveSerial();
        SaveResult batched = MsrState.capture(msr, allowlist);
        if (!batched.failedReads().isEmpty() || capture.read() != 0) {
            throw new IllegalStateException("the batched save failed to read: " + batched.failedReads());
        }
        long[] slots = batched.snapshot().slots();
        long[] captured = new long[capture.slotCount()];
        capture.copySlots(captured);
        if (!Arrays.equals(slots, captured)) {
            throw new IllegalStateException("StateCapture read other values than MsrState.capture");
        }
        // The workload is CPU-major with register m of each CPU at address(m): the slot order exactly.
        for (int i = 0; i < workload.size(); i++) {
            long expected = workload.initialValue[i];
            if (serial[i] != expected || slots[i] != expected) {
                throw new IllegalStateException("slot " + i + " (CPU " + workload.cpuOf[i] + ", MSR 0x"
                        + Long.toHexString(workload.msrOf[i]) + "): serial saved 0x" + Long.toHexString(serial[i])
                        + ", batched 0x" + Long.toHexString(slots[i]) + ", the register holds 0x"
                        + Long.toHexString(expected));
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        capture.close();
        workload.close();
    }

    /**
     * msrsave's method: for each online CPU, for each allowlist entry, one pread; the value
     * ANDed with the write mask, or the failed-read marker, into a new slot array.
     */
    @Benchmark
    public long[] serialSave() {
        return msrsaveSerial();
    }

    /** The library's repeated save: the capture's one batch run again, its slots refreshed in place. */
    @Benchmark
    public StateCapture batchSave() throws IOException {
        capture.read();
        return capture;
    }

    /** The library's one-off save: a new batch for every register of every CPU, then the snapshot. */
    @Benchmark
    public SaveResult batchSaveOnce() throws IOException {
        return MsrState.capture(msr, allowlist);
    }

    private long[] msrsaveSerial() {
        int entryCount = addresses.length;
        long[] slots = new long[onlineCpus.length * entryCount];
        int slot = 0;
        for (int cpu : onlineCpus) {
            for (int e = 0; e < entryCount; e++) {
                long mask = writeMasks[e];
                try {
                    slots[slot] = msr.read(cpu, addresses[e]) & mask;
                } catch (MsrSafeException failed) {
                    slots[slot] = MsrSnapshot.failedReadMarker(mask);
                }
                slot++;
            }
        }
        return slots;
    }
}
