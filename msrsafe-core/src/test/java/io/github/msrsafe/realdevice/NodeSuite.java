package io.github.msrsafe.realdevice;

import io.github.msrsafe.BatchOp;
import io.github.msrsafe.BatchOutcome;
import io.github.msrsafe.CpuUnavailableException;
import io.github.msrsafe.DevicePermissionException;
import io.github.msrsafe.Driver;
import io.github.msrsafe.Errno;
import io.github.msrsafe.FailureKind;
import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrFaultException;
import io.github.msrsafe.MsrNotAllowedException;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistEntry;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The checks of the real-device suite, against any {@link MsrSafe} handle: the loaded module
 * on a node ({@link RealDeviceSuiteTest}), or the simulated device ({@link NodeSuiteTest},
 * which tests this logic where there is no module). Each step passes, fails or is skipped
 * with its reason, and writes one line of the transcript a site can attach to a bug report.
 * Every step that changes the node (allowlist, registers, CPUs online) runs only when
 * {@link Settings#mutate()} is set, and restores what it changed in a {@code finally}.
 */
final class NodeSuite {

    /** Takes a CPU offline and brings it back: sysfs on a node, the simulator's switch in a test. */
    interface Hotplug {
        /** {@return why CPU {@code cpu} cannot be switched, or empty if it can} */
        Optional<String> unavailable(int cpu);

        /** Switches CPU {@code cpu} and returns when the switch has taken effect. */
        void setOnline(int cpu, boolean online) throws IOException;
    }

    /** Opens a fresh handle on the device under test. */
    interface Opener {
        MsrSafe open() throws MsrSafeException;
    }

    /**
     * @param opener     opens the device
     * @param onlineCpus the CPUs the kernel says are online (sysfs), to compare with the handle's; empty if unknown
     * @param mutate     whether the steps that change the node may run (root and an explicit opt-in)
     * @param whyNot     when not mutating, why, for the transcript
     * @param hotplug    takes CPUs offline and back
     */
    record Settings(Opener opener, Optional<List<Integer>> onlineCpus, boolean mutate, String whyNot, Hotplug hotplug) {}

    enum Result { PASS, FAIL, SKIP }

    /** One step's result. */
    record Step(String name, Result result, String detail) {
        String line() {
            return String.format(Locale.ROOT, "%-4s  %-34s %s", result, name, detail);
        }
    }

    /** A step that cannot go on, with why: a skip or a failure. */
    private static final class Stop extends Exception {
        private static final long serialVersionUID = 1L;
        final Result result;

        Stop(Result result, String detail) {
            super(detail, null, false, false);
            this.result = result;
        }
    }

    @FunctionalInterface
    private interface Body {
        String run(MsrSafe msr) throws Exception;
    }

    /** Registers a node is likely to list and implement, tried in order when the allowlist cannot be read. */
    private static final long[] COMMON_READABLE = {0x10, 0xE7, 0xE8, 0x198, 0x199, 0x19C, 0x1A0, 0x606, 0x611};
    /** Registers a node is unlikely to list; the first unlisted one is the "not in the allowlist" probe. */
    private static final long[] UNLIKELY_LISTED = {0x3A, 0x8B, 0x17, 0xFE, 0x1B};
    private static final long PERF_CTL = 0x199;
    private static final long PARTIAL_MASK = 0xFFFF;

    private final Settings settings;
    private final PrintWriter transcript;
    private final List<Step> steps = new ArrayList<>();
    private Optional<Allowlist> allowlist = Optional.empty();
    private long readable = -1;

    NodeSuite(Settings settings, PrintWriter transcript) {
        this.settings = settings;
        this.transcript = transcript;
    }

    /** Runs every step in order; {@return the steps with their results} */
    List<Step> run() throws MsrSafeException {
        try (MsrSafe msr = settings.opener().open()) {
            transcript.println("device: " + msr + (settings.mutate() ? "; steps that change the node: ON"
                    : "; steps that change the node: off (" + settings.whyNot() + ")"));
            step("module version", msr, this::version);
            step("CPU list", msr, this::cpuList);
            step("allowlist read back", msr, this::readAllowlist);
            step("per-CPU reads", msr, this::perCpuReads);
            step("batch of reads on every CPU", msr, this::batchOfReads);
            step("op not in the allowlist", msr, this::unlistedOp);
            step("allowlist install and restore", msr, this::installAndRestore);
            step("writes under a partial mask", msr, this::partialMaskWrites);
            step("CPU offline and back", msr, this::offlineAndBack);
        }
        long passed = steps.stream().filter(s -> s.result() == Result.PASS).count();
        long failed = steps.stream().filter(s -> s.result() == Result.FAIL).count();
        transcript.printf(Locale.ROOT, "summary: %d steps passed, %d failed, %d skipped%n", passed, failed,
                steps.size() - passed - failed);
        transcript.flush();
        return List.copyOf(steps);
    }

    private void step(String name, MsrSafe msr, Body body) {
        Step step;
        try {
            step = new Step(name, Result.PASS, body.run(msr));
        } catch (Stop stop) {
            step = new Step(name, stop.result, stop.getMessage());
        } catch (Exception | AssertionError e) {
            step = new Step(name, Result.FAIL, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        steps.add(step);
        transcript.println(step.line());
        transcript.flush();
    }

    private static Stop skip(String why) {
        return new Stop(Result.SKIP, why);
    }

    private static Stop fail(String why) {
        return new Stop(Result.FAIL, why);
    }

    private static void check(boolean condition, String otherwise) throws Stop {
        if (!condition) {
            throw fail(otherwise);
        }
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value).toUpperCase(Locale.ROOT);
    }

    // ---- the steps ----

    private String version(MsrSafe msr) throws Stop {
        check(msr.driver() == Driver.MSR_SAFE || msr.driver() == Driver.SIMULATED,
                "the handle talks to " + msr.driver() + ", not msr_safe");
        var version = msr.moduleVersion().orElseThrow(() -> fail("no msr_safe_version: msr-safe before 1.6?"));
        return "msr_safe " + version + (version.isCompatible() ? "" : " (this library follows 1.8.x)");
    }

    private String cpuList(MsrSafe msr) throws Stop {
        List<Integer> cpus = msr.cpus();
        check(!cpus.isEmpty(), "no CPU has a device node");
        if (settings.onlineCpus().isPresent()) {
            check(settings.onlineCpus().get().equals(cpus), "the handle sees CPUs " + cpus
                    + " but the kernel says " + settings.onlineCpus().get() + " are online");
            return cpus.size() + " CPUs, the same as the kernel's online list";
        }
        return cpus.size() + " CPUs (the kernel's online list could not be read to compare)";
    }

    private String readAllowlist(MsrSafe msr) throws Exception {
        try {
            Allowlist list = msr.allowlist();
            allowlist = Optional.of(list);
            long writable = list.entries().stream().filter(e -> e.writeMask() != 0).count();
            check(Allowlist.parse(list.toKernelFormat().getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .equals(list), "the list read back does not parse back to itself");
            return list.size() + " entries, " + writable + " writable";
        } catch (DevicePermissionException e) {
            throw skip("this user may not read msr_allowlist (msr-admin group): " + e.reason());
        }
    }

    private String perCpuReads(MsrSafe msr) throws Exception {
        List<Long> candidates = new ArrayList<>();
        allowlist.ifPresent(list -> list.entries().forEach(e -> candidates.add(e.address())));
        for (long address : COMMON_READABLE) {
            if (!candidates.contains(address)) {
                candidates.add(address);
            }
        }
        int first = msr.cpus().getFirst();
        for (long address : candidates) {
            try {
                msr.read(first, address);
            } catch (MsrNotAllowedException | MsrFaultException e) {
                continue;
            }
            for (int cpu : msr.cpus()) {
                msr.read(cpu, address);
            }
            readable = address;
            return "MSR " + hex(address) + " read on each of " + msr.cpus().size() + " CPUs";
        }
        throw fail("no MSR among " + candidates.size() + " candidates could be read on CPU " + first
                + ": is this user's allowlist empty?");
    }

    private String batchOfReads(MsrSafe msr) throws Exception {
        if (readable < 0) {
            throw skip("no readable MSR was found");
        }
        check(!msr.batchEmulated(), "msr_batch is missing or does not answer X86_IOC_MSR_BATCH: batches run as"
                + " per-CPU calls");
        try (MsrBatch batch = msr.newBatch()) {
            for (int cpu : msr.cpus()) {
                batch.addRead(cpu, readable);
            }
            BatchOutcome outcome = batch.execute();
            check(outcome == BatchOutcome.SUCCEEDED, "outcome " + outcome + ": " + batch.failures());
            for (int op = 0; op < batch.size(); op++) {
                batch.value(op);
            }
            return "one ioctl of " + batch.size() + " reads of " + hex(readable) + ": " + outcome;
        }
    }

    private String unlistedOp(MsrSafe msr) throws Exception {
        if (readable < 0) {
            throw skip("no readable MSR was found");
        }
        long unlisted = -1;
        for (long address : UNLIKELY_LISTED) {
            if (allowlist.map(list -> !list.contains(address)).orElse(true)) {
                unlisted = address;
                break;
            }
        }
        if (unlisted < 0) {
            throw skip("the allowlist lists every probe address");
        }
        int first = msr.cpus().getFirst();
        try {
            msr.read(first, unlisted);
            throw allowlist.isPresent()
                    ? fail("MSR " + hex(unlisted) + " is not in the allowlist read back, yet it reads")
                    : skip("MSR " + hex(unlisted) + " can be read here: it is in the allowlist");
        } catch (MsrNotAllowedException e) {
            check(e.errno().equals(Optional.of(Errno.EACCES)), "pread said " + e.errno() + ", not EACCES");
        }
        try (MsrBatch batch = msr.newBatch()) {
            for (int cpu : msr.cpus()) {
                batch.addRead(cpu, readable);
            }
            int bad = batch.addRead(first, unlisted);
            BatchOutcome outcome = batch.execute();
            check(outcome == BatchOutcome.REJECTED, "outcome " + outcome + ", not REJECTED");
            check(batch.error(bad).equals(Optional.of(Errno.EACCES)), "the unlisted op says " + batch.error(bad));
            check(batch.kind(bad).equals(Optional.of(FailureKind.NOT_ALLOWED)), "kind " + batch.kind(bad));
            for (int op = 0; op < bad; op++) {
                check(batch.status(op) == BatchOp.Status.NOT_RUN, "op " + op + " is " + batch.status(op)
                        + ": a rejected batch runs none of its ops");
            }
            BatchOutcome skipping = batch.executeSkippingRejected();
            check(skipping == BatchOutcome.PARTLY_REJECTED, "executeSkippingRejected: " + skipping);
            check(batch.status(0) == BatchOp.Status.SUCCEEDED, "after the rerun op 0 is " + batch.status(0));
            return "MSR " + hex(unlisted) + ": pread EACCES; batch of " + batch.size()
                    + " REJECTED, none ran; the rerun without it ran the others";
        }
    }

    private void requireMutate() throws Stop {
        if (!settings.mutate()) {
            throw skip(settings.whyNot());
        }
    }

    /** The allowlist with IA32_PERF_CTL listed under the partial mask, the rest as it was. */
    private static Allowlist testAllowlist(Allowlist original) {
        List<AllowlistEntry> entries = new ArrayList<>();
        for (AllowlistEntry entry : original.entries()) {
            if (entry.address() != PERF_CTL) {
                entries.add(entry);
            }
        }
        entries.add(new AllowlistEntry(PERF_CTL, PARTIAL_MASK));
        return Allowlist.of(entries);
    }

    private String installAndRestore(MsrSafe msr) throws Exception {
        requireMutate();
        Allowlist original = msr.allowlist();
        Allowlist test = testAllowlist(original);
        try {
            msr.installAllowlist(test);
            check(msr.allowlist().equals(test), "installed " + test.size() + " entries, read back "
                    + msr.allowlist().size() + " that differ");
        } finally {
            msr.installAllowlist(original);
        }
        check(msr.allowlist().equals(original), "the original allowlist did not come back");
        return "installed " + test.size() + " entries (IA32_PERF_CTL mask " + hex(PARTIAL_MASK)
                + "), read back equal; the original " + original.size() + " restored and read back equal";
    }

    private String partialMaskWrites(MsrSafe msr) throws Exception {
        requireMutate();
        Allowlist original = msr.allowlist();
        Allowlist test = testAllowlist(original);
        msr.installAllowlist(test);
        try {
            long[] before = new long[msr.cpus().size()];
            for (int i = 0; i < before.length; i++) {
                try {
                    before[i] = msr.read(msr.cpus().get(i), PERF_CTL);
                } catch (MsrFaultException e) {
                    throw skip("IA32_PERF_CTL (0x199) is not implemented here (an AMD processor?)");
                }
            }
            // Every bit outside the mask set: the module must keep those bits, so the register keeps its value.
            for (int i = 0; i < before.length; i++) {
                int cpu = msr.cpus().get(i);
                msr.write(cpu, PERF_CTL, (before[i] & PARTIAL_MASK) | ~PARTIAL_MASK);
                long after = msr.read(cpu, PERF_CTL);
                check(after == before[i], "CPU " + cpu + ": wrote under mask " + hex(PARTIAL_MASK) + ", read back "
                        + hex(after) + " instead of " + hex(before[i]) + ": bits outside the mask changed");
            }
            try (MsrBatch batch = msr.newBatch()) {
                for (int i = 0; i < before.length; i++) {
                    batch.addWrite(msr.cpus().get(i), PERF_CTL, (before[i] & PARTIAL_MASK) | ~PARTIAL_MASK);
                }
                BatchOutcome outcome = batch.execute();
                check(outcome == BatchOutcome.SUCCEEDED, "batch write: " + outcome + " " + batch.failures());
                for (int i = 0; i < before.length; i++) {
                    check(batch.writeMask(i) == PARTIAL_MASK, "op " + i + " reports mask " + hex(batch.writeMask(i)));
                    long after = msr.read(msr.cpus().get(i), PERF_CTL);
                    check(after == before[i], "batch: CPU " + msr.cpus().get(i) + " reads back " + hex(after));
                }
            }
            return "IA32_PERF_CTL written with every bit outside mask " + hex(PARTIAL_MASK) + " set, per CPU and"
                    + " in one batch, on " + before.length + " CPUs; each read back unchanged";
        } finally {
            msr.installAllowlist(original);
        }
    }

    private String offlineAndBack(MsrSafe msr) throws Exception {
        requireMutate();
        if (readable < 0) {
            throw skip("no readable MSR was found");
        }
        List<Integer> cpus = msr.cpus();
        int cpu = -1;
        String why = "only CPU " + cpus.getFirst() + " is online";
        for (int i = cpus.size() - 1; i > 0; i--) {
            Optional<String> unavailable = settings.hotplug().unavailable(cpus.get(i));
            if (unavailable.isEmpty()) {
                cpu = cpus.get(i);
                break;
            }
            why = unavailable.get();
        }
        if (cpu < 0) {
            throw skip("no CPU can be taken offline: " + why);
        }
        msr.read(cpu, readable); // the handle holds CPU's descriptor open
        settings.hotplug().setOnline(cpu, false);
        try {
            try {
                msr.read(cpu, readable);
                throw fail("CPU " + cpu + " is offline but its open descriptor still reads");
            } catch (CpuUnavailableException expected) {
                check(expected.kind() == FailureKind.CPU_UNAVAILABLE, "kind " + expected.kind());
            }
            try (MsrBatch batch = msr.newBatch()) {
                batch.addRead(cpus.getFirst(), readable);
                int offline = batch.addRead(cpu, readable);
                BatchOutcome outcome = batch.execute();
                check(outcome == BatchOutcome.REJECTED, "a batch naming the offline CPU: " + outcome);
                check(batch.kind(offline).equals(Optional.of(FailureKind.CPU_UNAVAILABLE)),
                        "the offline CPU's op: " + batch.error(offline));
            }
        } finally {
            settings.hotplug().setOnline(cpu, true);
        }
        try (MsrSafe again = settings.opener().open()) {
            check(again.cpus().contains(cpu), "CPU " + cpu + " is back online but has no device node");
            again.read(cpu, readable);
        }
        return "CPU " + cpu + " offline: pread ENXIO, batch REJECTED (CPU_UNAVAILABLE); back online and read again";
    }
}
