package io.github.msrsafe;

/**
 * The version of the loaded msr_safe module, as /dev/cpu/msr_safe_version
 * reports it (e.g. {@code 1.8.0}).
 *
 * {@snippet lang=java :
 * ModuleVersion version = msr.moduleVersion().orElseThrow(); // empty: stock msr driver, or msr_safe before 1.6
 * if (!version.isCompatible()) {
 *     System.err.println("msr_safe " + version + " is not supported; this library speaks 1.x from 1.6, and 2.x");
 * }
 * }
 *
 * @param major major version, 0..65535
 * @param minor minor version, 0..255
 * @param patch patch level, 0..255
 */
public record ModuleVersion(int major, int minor, int patch) implements Comparable<ModuleVersion> {

    /**
     * The 1.x module version this library was written against and tested to the contract of.
     * It also speaks the 2.x development line ({@link #SUPPORTED_2}); see {@link #isCompatible()}.
     */
    public static final ModuleVersion SUPPORTED = new ModuleVersion(1, 8, 0);

    /** The 2.x module version whose batch ABI this library speaks, as observed on that module. */
    public static final ModuleVersion SUPPORTED_2 = new ModuleVersion(2, 0, 4);

    /**
     * Checks that the version fits the module's u32 encoding.
     *
     * @throws IllegalArgumentException if a part is out of range
     */
    public ModuleVersion {
        if (major < 0 || major > 0xFFFF || minor < 0 || minor > 0xFF || patch < 0 || patch > 0xFF) {
            throw new IllegalArgumentException("version " + major + "." + minor + "." + patch
                    + " does not fit the module's u32 encoding (major <= 65535, minor and patch <= 255)");
        }
    }

    /**
     * Parses the text of /dev/cpu/msr_safe_version: {@code MAJOR.MINOR.PATCH}, optionally
     * followed by a NUL byte or whitespace.
     *
     * @param text the file's content
     * @return the version
     * @throws IllegalArgumentException if the text is not such a version
     */
    public static ModuleVersion parse(String text) {
        int end = text.indexOf('\0');
        String trimmed = (end >= 0 ? text.substring(0, end) : text).strip();
        String[] parts = trimmed.split("\\.", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a MAJOR.MINOR.PATCH version: '" + trimmed + "'");
        }
        try {
            return new ModuleVersion(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a MAJOR.MINOR.PATCH version: '" + trimmed + "'", e);
        }
    }

    /** {@return the u32 the batch ioctl's version field carries: {@code (major << 16) | (minor << 8) | patch}} */
    public int u32() {
        return (major << 16) | (minor << 8) | patch;
    }

    /**
     * Whether this library can talk to the module: the batch ABI is unchanged through the
     * 1.x series (from 1.6, which added the version file), and 2.x has its own, which the
     * library picks for a module of major 2 ({@link MsrSafe#batchLayout()}). A later major
     * gets the 1.x layout and, if it checks the version as 2.x does, refuses it.
     *
     * @return true for 1.6 up to, not including, 2.0, and for 2.x
     */
    public boolean isCompatible() {
        return (major == SUPPORTED.major && compareTo(new ModuleVersion(1, 6, 0)) >= 0) || major == SUPPORTED_2.major;
    }

    @Override
    public int compareTo(ModuleVersion other) {
        return Integer.compareUnsigned(u32(), other.u32());
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
