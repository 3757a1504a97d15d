package io.github.msrsafe.save;

import io.github.msrsafe.allowlist.Allowlist;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link MsrState#restore} restores.
 *
 * @param dryRun            compute and report what would be written, write nothing
 * @param format            the file's format; {@link SnapshotFormat#AUTO} (the default) detects it
 * @param allowlist         the allowlist in force; empty (the default) reads the installed one
 *                          from the device (group msr-admin)
 * @param allowlistModified when the allowlist was last installed, for msrsave's rule that a raw
 *                          file older than the allowlist is refused. Empty (the default) takes
 *                          the modification time of {@code msr_allowlist} under the device root
 *                          if that file exists, else skips the check (the report says so).
 *                          Sites that install the allowlist from a file (e.g. in a boot script)
 *                          should pass that file's modification time: the kernel does not
 *                          promise to update a device node's time when it is written.
 * @param verify            after writing, read the written registers back and report any whose
 *                          masked value is not the saved one (one more batch). Off by default, as
 *                          msrsave does not check: a counter that keeps counting (a PMC in use, the
 *                          NMI watchdog's, APERF/MPERF) never reads back what was written, so a
 *                          verified restore of one always reports it
 * @param force             restore a raw file that cannot show which allowlist it was saved under
 *                          (no record beside it, as msrsave writes none, or a record of other
 *                          contents), on the caller's word that it was saved under the installed
 *                          allowlist on these CPUs. Off by default: such a file is refused
 *                          ({@link SnapshotException.Problem#UNVERIFIED}), since the same entries in
 *                          another order would put each saved value into another register. The
 *                          size and age checks still apply, and a record that shows another
 *                          allowlist or other CPUs is refused whatever this says.
 */
public record RestoreOptions(boolean dryRun, SnapshotFormat format, Optional<Allowlist> allowlist,
                             Optional<Instant> allowlistModified, boolean verify, boolean force) {

    /** Checks for nulls. */
    public RestoreOptions {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(allowlist, "allowlist");
        Objects.requireNonNull(allowlistModified, "allowlistModified");
    }

    /**
     * {@return the defaults: write, detect the format, read the installed allowlist and its time; no read-back, as
     * msrsave; refuse a raw file without its record}
     */
    public static RestoreOptions defaults() {
        return new RestoreOptions(false, SnapshotFormat.AUTO, Optional.empty(), Optional.empty(), false, false);
    }

    /**
     * {@return these options as a dry run (or not)}
     *
     * @param newDryRun true to write nothing
     */
    public RestoreOptions withDryRun(boolean newDryRun) {
        return new RestoreOptions(newDryRun, format, allowlist, allowlistModified, verify, force);
    }

    /**
     * {@return these options with the file's format given}
     *
     * @param newFormat the format
     */
    public RestoreOptions withFormat(SnapshotFormat newFormat) {
        return new RestoreOptions(dryRun, newFormat, allowlist, allowlistModified, verify, force);
    }

    /**
     * {@return these options with the allowlist given instead of read from the device}
     *
     * @param newAllowlist the allowlist in force
     */
    public RestoreOptions withAllowlist(Allowlist newAllowlist) {
        return new RestoreOptions(dryRun, format, Optional.of(Objects.requireNonNull(newAllowlist, "newAllowlist")), allowlistModified, verify, force);
    }

    /**
     * {@return these options with the allowlist's installation time given}
     *
     * @param newAllowlistModified when the allowlist was installed
     */
    public RestoreOptions withAllowlistModified(Instant newAllowlistModified) {
        return new RestoreOptions(dryRun, format, allowlist, Optional.of(Objects.requireNonNull(newAllowlistModified, "newAllowlistModified")), verify, force);
    }

    /**
     * {@return these options with read-back verification on or off}
     *
     * @param newVerify true to read the written registers back
     */
    public RestoreOptions withVerify(boolean newVerify) {
        return new RestoreOptions(dryRun, format, allowlist, allowlistModified, newVerify, force);
    }

    /**
     * {@return these options restoring (or not) a raw file that cannot show which allowlist it was saved under}
     *
     * @param newForce true to restore such a file on the caller's word; see {@link #force()}
     */
    public RestoreOptions withForce(boolean newForce) {
        return new RestoreOptions(dryRun, format, allowlist, allowlistModified, verify, newForce);
    }
}
