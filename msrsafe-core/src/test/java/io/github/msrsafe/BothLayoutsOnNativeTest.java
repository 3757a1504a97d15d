package io.github.msrsafe;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.BatchOp.Status;
import io.github.msrsafe.internal.nativeio.NativeTestSupport;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The public API over the real native path with both batch layouts: the version file of a
 * temporary device root says 1.8.0 or 2.0.4, and the C double behind LibC's ioctl handle
 * (src/test/c/ioctl_double.c, compiled against native-headers/msr_safe.h and msr_safe_v2.h)
 * plays that module: CPUs 0..3 with 2 offline; allowlist 0x10 (mask 0), 0xE7 (all ones),
 * 0x199 (0xFFFF), 0x611 (mask 0, counts up on every read), 0x620 (faults). The same
 * scenarios as on the simulated device, through real downcalls and real struct layouts.
 */
@Tag(NativeTestSupport.IOCTL_DOUBLE)
class BothLayoutsOnNativeTest {

    private static final long NOT_LISTED = 0x11;

    private static Arena libraryArena;
    private static MethodHandle reset;
    private static MethodHandle setModuleVersion;
    private static MethodHandle lastVersion;
    private static MethodHandle lastNumops;
    private static MethodHandle calls;
    private static MethodHandle register;

    @TempDir
    Path root;

    record Personality(ModuleVersion version, BatchLayout layout) {
        @Override
        public String toString() {
            return "msr-safe " + version;
        }
    }

    static Stream<Personality> personalities() {
        return Stream.of(new Personality(new ModuleVersion(1, 8, 0), BatchLayout.MSR_SAFE_1),
                new Personality(new ModuleVersion(2, 0, 4), BatchLayout.MSR_SAFE_2));
    }

    @BeforeAll
    @SuppressWarnings("restricted")
    static void loadTheDouble() throws Exception {
        if (!NativeTestSupport.gccAvailable() || !NativeTestSupport.ioctlDoubleBound()) {
            return;
        }
        libraryArena = Arena.ofShared();
        SymbolLookup lookup = SymbolLookup.libraryLookup(NativeTestSupport.ioctlDouble(), libraryArena);
        Linker linker = Linker.nativeLinker();
        reset = linker.downcallHandle(lookup.find("msrsafe_double_reset").orElseThrow(), FunctionDescriptor.ofVoid());
        setModuleVersion = linker.downcallHandle(lookup.find("msrsafe_double_set_module_version").orElseThrow(),
                FunctionDescriptor.ofVoid(JAVA_INT));
        lastVersion = linker.downcallHandle(lookup.find("msrsafe_double_last_version").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT));
        lastNumops = linker.downcallHandle(lookup.find("msrsafe_double_last_numops").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT));
        calls = linker.downcallHandle(lookup.find("msrsafe_double_calls").orElseThrow(), FunctionDescriptor.of(JAVA_INT));
        register = linker.downcallHandle(lookup.find("msrsafe_double_register").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT));
    }

    @AfterAll
    static void unloadTheDouble() {
        if (libraryArena != null) {
            libraryArena.close();
        }
    }

    /** A device root whose version file says {@code fileVersion}, and the double playing {@code moduleVersion}. */
    private MsrSafe open(ModuleVersion fileVersion, ModuleVersion moduleVersion) throws Throwable {
        NativeTestSupport.ioctlDouble();
        reset.invokeExact();
        setModuleVersion.invokeExact(moduleVersion.u32());
        for (int cpu : new int[] {0, 1, 3}) {
            NativeTestSupport.sparseNode(root, cpu, "msr_safe");
        }
        if (!Files.exists(root.resolve("msr_batch"))) {
            Files.createFile(root.resolve("msr_batch"));
        }
        Files.write(root.resolve("msr_safe_version"), (fileVersion + "\0").getBytes(StandardCharsets.US_ASCII));
        MsrSafe msr = MsrSafe.open(root);
        assertFalse(msr.batchEmulated(), "the double answers the batch ioctl");
        return msr;
    }

    private static long register(int cpu, long msr) throws Throwable {
        return (long) register.invokeExact(cpu, (int) msr);
    }

    private static long doubleInitial(int cpu, long msr) {
        return ((long) (cpu + 1) << 56) | (msr << 24) | 0x5A5AL;
    }

    @ParameterizedTest
    @MethodSource("personalities")
    void theVersionFileChoosesTheLayoutAndItsVersionIsSent(Personality p) throws Throwable {
        try (MsrSafe msr = open(p.version(), p.version()); MsrBatch batch = msr.newBatch()) {
            assertEquals(p.layout(), msr.batchLayout());
            batch.addRead(0, 0xE7);
            assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
            assertEquals(p.version().u32(), (int) lastVersion.invokeExact());
            assertEquals(register(0, 0xE7), batch.value(0));
        }
    }

    @ParameterizedTest
    @MethodSource("personalities")
    void perCpuReadsAndWritesAreTheSame(Personality p) throws Throwable {
        try (MsrSafe msr = open(p.version(), p.version())) {
            Path cpu3 = root.resolve("3/msr_safe");
            NativeTestSupport.poke(cpu3, 0x199, 0x77);
            assertEquals(0x77, msr.read(3, 0x199));
            msr.write(3, 0x199, 0x1A00);
            assertEquals(0x1A00, NativeTestSupport.peek(cpu3, 0x199));
        }
    }

    @ParameterizedTest
    @MethodSource("personalities")
    void aBatchReadsAndWritesUnderTheMask(Personality p) throws Throwable {
        try (MsrSafe msr = open(p.version(), p.version()); MsrBatch batch = msr.newBatch()) {
            long before = register(1, 0x199);
            int write = batch.addWrite(1, 0x199, 0xAAAA_BBBB_CCCC_DDDDL);
            int read = batch.addRead(1, 0x199);
            int mperf = batch.addWrite(3, 0xE7, 0x1234);
            assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
            long expected = 0xDDDDL | (before & ~0xFFFFL);
            assertEquals(expected, register(1, 0x199), "read-modify-write under mask 0xFFFF");
            assertEquals(expected, batch.value(read));
            assertEquals(0xAAAA_BBBB_CCCC_DDDDL, batch.writeValue(write));
            assertEquals(0xFFFFL, batch.writeMask(write));
            assertEquals(0x1234L, register(3, 0xE7));
            assertEquals(-1L, batch.writeMask(mperf));
        }
    }

    @ParameterizedTest
    @MethodSource("personalities")
    void aRejectedBatchRunsNothingAndAFaultStopsOnlyItsOp(Personality p) throws Throwable {
        try (MsrSafe msr = open(p.version(), p.version()); MsrBatch batch = msr.newBatch()) {
            long before = register(0, 0xE7);
            batch.addWrite(0, 0xE7, 1);      // valid: must not run
            batch.addRead(2, 0x10);          // CPU 2 offline
            batch.addWrite(0, 0x10, 1);      // mask 0
            batch.addRead(0, NOT_LISTED);
            assertEquals(BatchOutcome.REJECTED, batch.execute());
            assertEquals(before, register(0, 0xE7));
            assertEquals(Status.NOT_RUN, batch.status(0));
            assertEquals(Optional.of(Errno.ENXIO), batch.error(1));
            assertEquals(Optional.of(Errno.EROFS), batch.error(2));
            assertEquals(Optional.of(Errno.EACCES), batch.error(3));

            batch.clear();
            batch.addRead(0, 0x620);         // faults on rdmsr
            batch.addRead(0, 0xE7);
            assertEquals(BatchOutcome.OPS_FAILED, batch.execute());
            assertEquals(Optional.of(Errno.EIO), batch.error(0));
            assertEquals(register(0, 0xE7), batch.value(1));
        }
    }

    @ParameterizedTest
    @MethodSource("personalities")
    void aBatchLargerThanOneIoctlIsSplitAtTheLayoutsLimit(Personality p) throws Throwable {
        try (MsrSafe msr = open(p.version(), p.version()); MsrBatch batch = msr.newBatch()) {
            int max = p.layout().maxOpsPerIoctl();
            for (int i = 0; i < max + 10; i++) {
                batch.addRead(i % 2, 0xE7);
            }
            batch.addRead(0, NOT_LISTED);    // rejects the second ioctl only
            int before = (int) calls.invokeExact();
            assertEquals(BatchOutcome.PARTLY_REJECTED, batch.execute());
            assertEquals(before + 2, (int) calls.invokeExact());
            assertEquals(11, (int) lastNumops.invokeExact());
            assertEquals(Status.SUCCEEDED, batch.status(max - 1));
            assertEquals(register(1, 0xE7), batch.value(max - 1));
            assertEquals(Status.NOT_RUN, batch.status(max));
        }
    }

    @Test
    void onTwoXTheModuleRecordsTimestampsAndPolls() throws Throwable {
        ModuleVersion two = new ModuleVersion(2, 0, 4);
        try (MsrSafe msr = open(two, two); MsrBatch batch = msr.newBatch()) {
            long ticking = register(3, 0x611);
            int poll = batch.addPoll(3, 0x611, 10, EnumSet.of(Timestamp.TSC, Timestamp.APERF));
            int read = batch.addRead(1, 0x199, EnumSet.of(Timestamp.PACKAGE_THERM_STATUS));
            assertEquals(2, batch.size());
            assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
            assertEquals(new PollResult(ticking, ticking + 1, true, 1), batch.pollResult(poll));
            assertEquals(register(3, 0x10), batch.timestamp(poll, Timestamp.TSC));
            assertEquals(doubleInitial(3, 0xE8), batch.timestamp(poll, Timestamp.APERF), "0xE8 is not listed: read anyway");
            assertEquals(doubleInitial(1, 0x1B1), batch.timestamp(read, Timestamp.PACKAGE_THERM_STATUS));
        }
    }

    @Test
    void onOneXTimestampsAreReadsTheAllowlistMustPermit() throws Throwable {
        ModuleVersion one = new ModuleVersion(1, 8, 0);
        try (MsrSafe msr = open(one, one); MsrBatch batch = msr.newBatch()) {
            int read = batch.addRead(1, 0x199, EnumSet.of(Timestamp.TSC, Timestamp.MPERF));
            assertEquals(3, batch.size());
            assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
            assertEquals(register(1, 0x10), batch.timestamp(read, Timestamp.TSC));
            assertEquals(register(1, 0xE7), batch.timestamp(read, Timestamp.MPERF));
            assertEquals(3, (int) lastNumops.invokeExact(), "the op and its two timestamp reads, in one ioctl");

            batch.clear();
            int refused = batch.addRead(1, 0x199, EnumSet.of(Timestamp.APERF)); // 0xE8: not listed in the double
            assertEquals(BatchOutcome.REJECTED, batch.execute());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> batch.timestamp(refused, Timestamp.APERF));
            assertTrue(e.getMessage().contains("did not run"), e.getMessage());
            assertEquals(Optional.of(Errno.EACCES), batch.error(refused + 1));
            assertThrows(UnsupportedOperationException.class, () -> batch.addPoll(0, 0x611, 5));
        }
    }

    @Test
    void aTwoXBatchWithAMismatchedMajorIsOneClearException() throws Throwable {
        // The version file says 2.0.4, so the library sends the 2.x layout and 2.0.4; the module
        // behind the ioctl now wants major 3 and refuses it with ENOPROTOOPT.
        try (MsrSafe msr = open(new ModuleVersion(2, 0, 4), new ModuleVersion(3, 0, 0)); MsrBatch batch = msr.newBatch()) {
            assertEquals(BatchLayout.MSR_SAFE_2, msr.batchLayout());
            batch.addRead(0, 0xE7);
            MsrSafeException e = assertThrows(MsrSafeException.class, batch::execute);
            assertEquals(FailureKind.WRONG_ABI, e.kind());
            assertEquals(Optional.of(Errno.ENOPROTOOPT), e.errno());
            assertEquals(0x0002_0004, (int) lastVersion.invokeExact(), "the version field was not left 0");
            String message = e.getMessage();
            assertTrue(message.startsWith("ioctl(X86_IOC_MSR_BATCH) " + root.resolve("msr_batch")
                    + " failed: ENOPROTOOPT: the module (msr-safe 2.0.4) refused the batch (ENOPROTOOPT): this library"
                    + " sent version 2.0.4 with the msr-safe 2.x op layout (88-byte ops); the layout was chosen from "
                    + root.resolve("msr_safe_version") + ", which said 2.0.4 when this handle opened: if the module was"
                    + " reloaded since, open a new handle"), message);
            assertEquals(Status.NOT_EXECUTED, batch.status(0));
        }
    }

    @Test
    void theLayoutsMemoryIsWhatTheKernelGets() throws Throwable {
        // 30,000 ops of each layout come back whole: 0.9 MiB and 2.6 MiB handed to the kernel.
        for (Personality p : personalities().toList()) {
            try (MsrSafe msr = open(p.version(), p.version()); MsrBatch batch = msr.newBatch()) {
                for (int op = 0; op < 30_000; op++) {
                    batch.addRead(new int[] {0, 1, 3}[op % 3], op % 2 == 0 ? 0xE7 : 0x199);
                }
                assertEquals(BatchOutcome.SUCCEEDED, batch.execute(), p.toString());
                assertEquals(register(3, 0x199), batch.value(29_999));
                assertEquals(register(1, 0xE7), batch.value(28_000));
            }
        }
    }
}
