/**
 * MSR access through LLNL's msr-safe kernel module: the device handle, batches,
 * the module version and the one error model: every failure classified by its
 * call and errno ({@link io.github.msrsafe.FailureKind}).
 *
 * <h2>Reading and writing</h2>
 * {@link io.github.msrsafe.MsrSafe#open()} opens /dev/cpu: msr_safe if it is loaded, else the
 * stock msr driver ({@link io.github.msrsafe.MsrSafe#driver()} says which). Single reads and
 * writes go through the per-CPU device; a write changes only the bits of the allowlist's write
 * mask.
 * {@snippet lang=java :
 * try (MsrSafe msr = MsrSafe.open()) {
 *     long perfCtl = msr.read(0, 0x199);                 // IA32_PERF_CTL on CPU 0
 *     msr.write(0, 0x199, (perfCtl & ~0xFFFFL) | 0x1A00); // target ratio 26
 * }
 * }
 *
 * <h2>Batches</h2>
 * An {@link io.github.msrsafe.MsrBatch} carries any number of reads and writes for any CPUs
 * to the module in one ioctl. Per-op errors do not throw; the outcome names every case
 * ({@link io.github.msrsafe.BatchOutcome}), each op has a status, and the value of a read
 * that did not succeed cannot be read by accident: {@code value(op)} throws for it. A batch
 * is reusable and, once built, executes without allocating on the Java heap.
 * {@snippet lang=java :
 * try (MsrSafe msr = MsrSafe.open(); MsrBatch batch = msr.newBatch()) {
 *     for (int cpu : msr.cpus()) {
 *         batch.addRead(cpu, 0xE7);                      // IA32_MPERF
 *         batch.addRead(cpu, 0xE8);                      // IA32_APERF
 *     }
 *     for (int round = 0; round < 3; round++) {
 *         if (batch.execute() != BatchOutcome.SUCCEEDED) {
 *             batch.throwIfFailed();                     // or inspect batch.failures()
 *         }
 *         for (int op = 0; op < batch.size(); op += 2) {
 *             System.out.printf("CPU %d: MPERF %d, APERF %d%n", batch.cpu(op), batch.value(op), batch.value(op + 1));
 *         }
 *     }
 * }
 * }
 *
 * <p>msr_safe runs none of an ioctl when it refuses one op of it (an MSR not in the allowlist,
 * an offline CPU): the outcome is {@link io.github.msrsafe.BatchOutcome#REJECTED}, the refused
 * op is {@link io.github.msrsafe.BatchOp.Status#REJECTED} and the others
 * {@link io.github.msrsafe.BatchOp.Status#NOT_RUN}.
 * {@link io.github.msrsafe.MsrBatch#executeSkippingRejected()} runs the others again without
 * it, and the outcome is then {@link io.github.msrsafe.BatchOutcome#PARTLY_REJECTED}.
 *
 * <h2>Registers by name</h2>
 * Reads, writes and batch ops take an address, a name of the register catalog (any case, with
 * or without {@code IA32_}/{@code MSR_}), a catalog entry, or a constant of
 * {@link io.github.msrsafe.registers.Msrs}; ops print in hex with the register's name.
 * {@snippet lang=java :
 * try (MsrSafe msr = MsrSafe.open(); MsrBatch batch = msr.newBatch()) {
 *     msr.write(0, "perf_ctl", 0x1A00);                  // IA32_PERF_CTL, 0x199
 *     batch.addRead(0, Msrs.IA32_MPERF);                  // io.github.msrsafe.registers.Msrs
 *     batch.addRead(0, "pkg_energy_status");             // MSR_PKG_ENERGY_STATUS
 *     batch.execute();
 *     System.out.println(batch.op(1));                   // #1 read CPU 0 0x611 MSR_PKG_ENERGY_STATUS = 0x...
 * }
 * }
 *
 * <h2>Errors</h2>
 * Every failure of a device call is an {@link io.github.msrsafe.MsrSafeException} that names
 * the call, the device, the CPU and the MSR, the errno, and in plain words what causes it, and
 * says why as a {@link io.github.msrsafe.FailureKind}: the one classification of a call and
 * its errno, which failed batch ops carry too. The family is sealed, and the subclasses are
 * the cases callers handle: {@link io.github.msrsafe.MsrNotAllowedException}
 * (the allowlist), {@link io.github.msrsafe.CpuUnavailableException} (offline CPU),
 * {@link io.github.msrsafe.MsrFaultException} (the processor refused),
 * {@link io.github.msrsafe.DevicePermissionException} (file permissions) and
 * {@link io.github.msrsafe.DeviceNotFoundException} (no driver loaded). Mistakes in arguments,
 * such as an MSR address above 2^32-1, are {@link java.lang.IllegalArgumentException}s thrown
 * before any system call.
 *
 * <h2>Without the kernel module</h2>
 * {@link io.github.msrsafe.SimulatedDevice} follows the module's documented behaviour in
 * memory, behind the same {@link io.github.msrsafe.MsrSafe} API: for tests, demos and jshell.
 * {@snippet lang=java :
 * try (MsrSafe msr = SimulatedDevice.standard().open()) {
 *     msr.read(0, 0x3A);                                 // throws MsrNotAllowedException: not allowlisted
 * }
 * }
 *
 * <p>The real devices need native access: run with
 * {@code --enable-native-access=io.github.msrsafe} on the module path, or
 * {@code --enable-native-access=ALL-UNNAMED} on the class path.
 */
package io.github.msrsafe;
