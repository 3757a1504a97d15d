/**
 * Saving and restoring a node's MSR state, compatible with msr-safe's msrsave
 * tool: {@link io.github.msrsafe.save.MsrState} saves and restores through the
 * batch device, {@link io.github.msrsafe.save.MsrSnapshot} reads and writes
 * msrsave's raw file byte for byte and a self-describing text form that cannot
 * be applied under the wrong allowlist. See docs/save-restore.md.
 *
 * <p>A restore refuses, before it writes any register, a file that does not fit the node, with
 * a {@link io.github.msrsafe.save.SnapshotException} whose problem says which check failed and
 * what kind of problem it is; per-register failures after that are in the report:
 * {@snippet lang=java :
 * Path state = Path.of("/run/msr-safe/job.msr.txt");
 * try (MsrSafe msr = MsrSafe.open()) {
 *     MsrState.save(msr, state, SaveOptions.defaults().withFormat(SnapshotFormat.TEXT)); // before the job
 *     // ... the job runs ...
 *     try {
 *         RestoreReport report = MsrState.restore(msr, state, RestoreOptions.defaults()); // after it
 *         report.failures().forEach(failure -> System.err.println(failure.describe()));
 *     } catch (SnapshotException refused) {                 // nothing was written
 *         switch (refused.problem().category()) {
 *             case DOES_NOT_FIT -> System.err.println("saved on other CPUs or under another allowlist");
 *             case DAMAGED -> System.err.println("the file is damaged");
 *             case CANNOT_VERIFY -> System.err.println("a raw file without its record: withForce(true) on your word");
 *             case CANNOT_SAVE -> System.err.println(refused.getMessage());
 *         }
 *     }
 * }
 * }
 */
package io.github.msrsafe.save;
