package io.github.msrsafe.save;

import io.github.msrsafe.allowlist.Allowlist;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link MsrState#save} saves.
 *
 * @param format    {@link SnapshotFormat#RAW} (msrsave's file, the default) or {@link SnapshotFormat#TEXT}
 * @param allowlist the allowlist to save under; empty (the default) reads the installed one from
 *                  the device, which needs read access to msr_allowlist (group msr-admin)
 */
public record SaveOptions(SnapshotFormat format, Optional<Allowlist> allowlist) {

    /** Checks the format: AUTO is for reading only. */
    public SaveOptions {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(allowlist, "allowlist");
        if (format == SnapshotFormat.AUTO) {
            throw new IllegalArgumentException("format AUTO is for reading; save needs RAW or TEXT");
        }
    }

    /** Raw msrsave format, the installed allowlist. */
    public static SaveOptions defaults() {
        return new SaveOptions(SnapshotFormat.RAW, Optional.empty());
    }

    /** These options with another format. */
    public SaveOptions withFormat(SnapshotFormat newFormat) {
        return new SaveOptions(newFormat, allowlist);
    }

    /** These options saving under {@code newAllowlist} instead of reading the installed one. */
    public SaveOptions withAllowlist(Allowlist newAllowlist) {
        return new SaveOptions(format, Optional.of(newAllowlist));
    }
}
