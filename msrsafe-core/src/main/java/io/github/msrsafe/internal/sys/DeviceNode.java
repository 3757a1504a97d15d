package io.github.msrsafe.internal.sys;

/**
 * One device file of an msr_safe tree: a CPU's register file, the batch
 * device, the allowlist or the version file.
 *
 * @param kind which file
 * @param cpu  the CPU for {@link Kind#CPU}, otherwise -1
 */
public record DeviceNode(Kind kind, int cpu) {

    /** The kinds of device file. */
    public enum Kind { CPU, BATCH, ALLOWLIST, VERSION }

    public static final DeviceNode BATCH = new DeviceNode(Kind.BATCH, -1);
    public static final DeviceNode ALLOWLIST = new DeviceNode(Kind.ALLOWLIST, -1);
    public static final DeviceNode VERSION = new DeviceNode(Kind.VERSION, -1);

    public DeviceNode {
        if ((kind == Kind.CPU) != (cpu >= 0)) {
            throw new IllegalArgumentException("cpu " + cpu + " does not fit a " + kind + " node");
        }
    }

    public static DeviceNode cpu(int cpu) {
        return new DeviceNode(Kind.CPU, cpu);
    }
}
