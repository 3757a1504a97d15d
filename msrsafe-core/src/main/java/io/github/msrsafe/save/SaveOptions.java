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

    /** {@return the defaults: raw msrsave format, the installed allowlist} */
    public static SaveOptions defaults() {
        return new SaveOptions(SnapshotFormat.RAW, Optional.empty());
    }

    /**
     * {@return these options with another format}
     *
     * @param newFormat RAW or TEXT
     * @throws IllegalArgumentException for AUTO
     */
    public SaveOptions withFormat(SnapshotFormat newFormat) {
        return new SaveOptions(newFormat, allowlist);
    }

    /**
     * {@return these options saving under {@code newAllowlist} instead of reading the installed one}
     *
     * @param newAllowlist the allowlist to save under
     */
    public SaveOptions withAllowlist(Allowlist newAllowlist) {
        return new SaveOptions(format, Optional.of(Objects.requireNonNull(newAllowlist, "newAllowlist")));
    }
}
