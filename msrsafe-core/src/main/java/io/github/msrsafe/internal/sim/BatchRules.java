package io.github.msrsafe.internal.sim;

import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_APERF;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_MPERF;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_POLL;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_PTHERM;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_READ;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_THERM;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_TSC;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_WRITE;

import io.github.msrsafe.Errno;
import io.github.msrsafe.internal.abi.BatchAbi;
import io.github.msrsafe.internal.abi.MsrStructs;
import java.lang.foreign.MemorySegment;

/**
 * How one release of the module runs a batch once the array itself is known to be
 * usable: msr-safe 1.8 ({@link #V1}) and the 2.x development line ({@link #V2}), step by
 * step as docs/module-behaviour.md describes them. The two share the validation pass and
 * differ in the header checks, the op layout and what an op does.
 *
 * <p>Stateless; the simulated kernel supplies its machine and calls under its lock.
 * Nothing here allocates.
 */
abstract sealed class BatchRules permits BatchRules.OneEight, BatchRules.Two {

    /** msr-safe 1.8: 32-byte ops, the version field ignored. */
    static final BatchRules V1 = new OneEight();

    /** msr-safe 2.x (2.0.4): 88-byte ops, the version's major checked, op flags, polls, timestamps. */
    static final BatchRules V2 = new Two();

    static final int EINVAL = Errno.EINVAL.number();
    static final int E2BIG = Errno.E2BIG.number();
    static final int ENOPROTOOPT = Errno.ENOPROTOOPT.number();
    static final int ENXIO = Errno.ENXIO.number();
    static final int EACCES = Errno.EACCES.number();
    static final int EROFS = Errno.EROFS.number();
    static final int EIO = Errno.EIO.number();

    /** The simulated machine as a batch sees it; every call is made under the kernel's lock. */
    interface Machine {
        /** Whether {@code cpu} exists and is online. */
        boolean cpuUp(int cpu);

        /** The allowlist entry of {@code msr}, or -1 if it is not listed. */
        int allowlistEntry(long msr);

        /** The write mask of an entry {@link #allowlistEntry} returned. */
        long writeMask(int entry);

        /** The processor's register at {@code msr}, or -1: rdmsr and wrmsr on it fault. */
        int register(long msr);

        /** rdmsr of a register {@link #register} returned, on {@code cpu}, at clock reading {@code now}. */
        long read(int register, int cpu, long now);

        /** wrmsr; false when the processor refuses the value. */
        boolean write(int register, int cpu, long value, long now);

        /** The clock, in nanoseconds. */
        long now();
    }

    private final BatchAbi abi;

    private BatchRules(BatchAbi abi) {
        this.abi = abi;
    }

    /** {@return the op layout this release reads} */
    final BatchAbi abi() {
        return abi;
    }

    /**
     * The checks after the array was copied in and before any op is read, in the
     * module's order.
     *
     * @return 0, or {@code -errno}
     */
    abstract int checkHeader(long numops, int versionWord);

    /** Whether op {@code i} counts as a write for validation (a write under mask 0 is EROFS). */
    abstract boolean writes(MemorySegment ops, long i);

    /** Runs the ops that passed validation; returns the first failing op's error, or 0. */
    abstract int execute(Machine machine, MemorySegment ops, long numops);

    /**
     * Validation of every op, then, only if all passed, execution.
     *
     * @return 0, the last failing op's error when validation refused the batch, or the
     *         first failing op's error when it ran
     */
    final int run(Machine machine, MemorySegment ops, long numops) {
        int rejected = validate(machine, ops, numops);
        return rejected != 0 ? rejected : execute(machine, ops, numops);
    }

    /** Every op checked before any runs: CPU, allowlist, write mask; the LAST failing op's error, or 0. */
    final int validate(Machine machine, MemorySegment ops, long numops) {
        int result = 0;
        for (long i = 0; i < numops; i++) {
            abi.setErr(ops, i, 0);
            if (!machine.cpuUp(abi.cpu(ops, i))) {
                result = -ENXIO;
                abi.setErr(ops, i, result);
                continue;
            }
            int entry = machine.allowlistEntry(abi.msr(ops, i));
            if (entry < 0) {
                result = -EACCES;
                abi.setErr(ops, i, result);
                continue;
            }
            long writeMask = machine.writeMask(entry);
            abi.setWmask(ops, i, writeMask);
            if (writeMask == 0 && writes(ops, i)) {
                result = -EROFS;
                abi.setErr(ops, i, result);
            }
        }
        return result;
    }

    /** 1.8: isrdmsr non-zero reads, zero writes; every op reads the register first. */
    static final class OneEight extends BatchRules {
        OneEight() {
            super(BatchAbi.V1);
        }

        @Override
        int checkHeader(long numops, int versionWord) {
            if (numops == 0) {
                return -EINVAL;
            }
            return numops > BatchAbi.V1.maxOpsPerIoctl() ? -E2BIG : 0;
        }

        @Override
        boolean writes(MemorySegment ops, long i) {
            return BatchAbi.V1.opWord(ops, i) == 0;
        }

        /** The whole batch runs at one reading of the clock, so counters read together agree. */
        @Override
        int execute(Machine machine, MemorySegment ops, long numops) {
            BatchAbi abi = BatchAbi.V1;
            long now = machine.now();
            int result = 0;
            for (long i = 0; i < numops; i++) {
                int cpu = abi.cpu(ops, i);
                int register = machine.register(abi.msr(ops, i));
                int err = 0;
                if (register < 0) {
                    err = -EIO; // rdmsr faults; a read op's msrdata stays as it was
                } else {
                    long old = machine.read(register, cpu, now);
                    if (abi.opWord(ops, i) != 0) {
                        abi.setMsrdata(ops, i, old);
                    } else {
                        long writeMask = abi.wmask(ops, i);
                        long value = (abi.msrdata(ops, i) & writeMask) | (old & ~writeMask);
                        if (!machine.write(register, cpu, value, now)) {
                            err = -EIO;
                        }
                    }
                }
                abi.setErr(ops, i, err);
                if (result == 0) {
                    result = err;
                }
            }
            return result;
        }
    }

    /**
     * 2.x: the op word's flags, none of them checked. The batch runs at one reading of the
     * clock except that each poll attempt reads the clock again (the module spins on real
     * time), and what follows a poll runs at the time the poll ended.
     */
    static final class Two extends BatchRules {
        Two() {
            super(BatchAbi.V2);
        }

        @Override
        int checkHeader(long numops, int versionWord) {
            if (numops == 0) {
                return -EINVAL; // before the version
            }
            if (BatchAbi.majorOf(versionWord) != BatchAbi.V2_MAJOR) {
                return -ENOPROTOOPT; // before any op is read
            }
            return numops > BatchAbi.V2.maxOpsPerIoctl() ? -E2BIG : 0;
        }

        @Override
        boolean writes(MemorySegment ops, long i) {
            return (BatchAbi.V2.opWord(ops, i) & OP_FLAG_WRITE) != 0;
        }

        @Override
        int execute(Machine machine, MemorySegment ops, long numops) {
            long now = machine.now();
            int result = 0;
            for (long i = 0; i < numops; i++) {
                now = runOp(machine, ops, i, now);
                int err = BatchAbi.V2.err(ops, i);
                if (result == 0) {
                    result = err;
                }
            }
            return result;
        }

        /** One op at clock reading {@code now}: sets its err and outputs, returns the clock reading it ended at. */
        private static long runOp(Machine machine, MemorySegment ops, long i, long now) {
            BatchAbi abi = BatchAbi.V2;
            int flags = abi.opWord(ops, i);
            int cpu = abi.cpu(ops, i);
            if ((flags & (OP_FLAG_READ | OP_FLAG_WRITE | OP_FLAG_POLL)) != 0) {
                int register = machine.register(abi.msr(ops, i));
                if (register < 0) {
                    abi.setErr(ops, i, -EIO); // a faulting op gets no timestamps
                    return now;
                }
                long old = machine.read(register, cpu, now);
                if ((flags & (OP_FLAG_READ | OP_FLAG_POLL)) != 0) {
                    abi.setMsrdata(ops, i, old); // with WRITE too: the old value is what gets written back
                }
                if ((flags & OP_FLAG_POLL) != 0) {
                    now = poll(machine, ops, i, register, cpu, old, now);
                }
                if ((flags & OP_FLAG_WRITE) != 0) {
                    long writeMask = abi.wmask(ops, i);
                    long current = machine.read(register, cpu, now);
                    long value = (abi.msrdata(ops, i) & writeMask) | (current & ~writeMask);
                    if (!machine.write(register, cpu, value, now)) {
                        abi.setErr(ops, i, -EIO);
                        return now;
                    }
                }
            }
            stamp(machine, ops, i, cpu, flags, now);
            abi.setErr(ops, i, 0);
            return now;
        }

        /**
         * Re-reads until the value differs from {@code first} or poll_max is used up, counting
         * poll_max down; the changed value goes to msrdata2. At an unchanged clock reading no
         * simulated register can change, so the remaining attempts are counted off at once.
         */
        private static long poll(Machine machine, MemorySegment ops, long i, int register, int cpu, long first,
                long now) {
            long left = Integer.toUnsignedLong((int) MsrStructs.OP2_POLL_MAX.get(ops, 0L, i));
            long time = now;
            while (left > 0) {
                left--;
                long next = Math.max(time, machine.now());
                if (next == time) {
                    left = 0; // the same instant reads the same value, however often
                    break;
                }
                time = next;
                long value = machine.read(register, cpu, time);
                if (value != first) {
                    MsrStructs.OP2_MSRDATA2.set(ops, 0L, i, value);
                    break;
                }
            }
            MsrStructs.OP2_POLL_MAX.set(ops, 0L, i, (int) left);
            return time;
        }

        /** The timestamp fields the flags ask for, read on {@code cpu} right after the op, allowlisted or not. */
        private static void stamp(Machine machine, MemorySegment ops, long i, int cpu, int flags, long now) {
            if ((flags & OP_FLAG_TSC) != 0) {
                MsrStructs.OP2_TSC.set(ops, 0L, i, timestamp(machine, MsrStructs.TSC_MSR, cpu, now));
            }
            if ((flags & OP_FLAG_MPERF) != 0) {
                MsrStructs.OP2_MPERF.set(ops, 0L, i, timestamp(machine, MsrStructs.MPERF_MSR, cpu, now));
            }
            if ((flags & OP_FLAG_APERF) != 0) {
                MsrStructs.OP2_APERF.set(ops, 0L, i, timestamp(machine, MsrStructs.APERF_MSR, cpu, now));
            }
            if ((flags & OP_FLAG_THERM) != 0) {
                MsrStructs.OP2_THERM.set(ops, 0L, i, timestamp(machine, MsrStructs.THERM_MSR, cpu, now));
            }
            if ((flags & OP_FLAG_PTHERM) != 0) {
                MsrStructs.OP2_PTHERM.set(ops, 0L, i, timestamp(machine, MsrStructs.PTHERM_MSR, cpu, now));
            }
        }

        /** A timestamp register's value; 0 when the simulated processor lacks it (a real one has all five). */
        private static long timestamp(Machine machine, int msr, int cpu, long now) {
            int register = machine.register(msr);
            return register < 0 ? 0 : machine.read(register, cpu, now);
        }
    }
}
