package io.github.msrsafe.registers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which x86 processor this is, as /proc/cpuinfo reports it: the CPUID vendor
 * string and the display family and model (extended fields already folded in,
 * so Sapphire Rapids is family 0x6 model 0x8F and Zen 4 Genoa is family 0x19
 * model 0x11).
 *
 * {@snippet :
 * CpuIdentity cpu = CpuIdentity.current();          // reads /proc/cpuinfo
 * List<Register> known = RegisterCatalog.builtIn().registersFor(cpu);
 * }
 *
 * @param vendor the {@code vendor_id} of /proc/cpuinfo, e.g. {@value #INTEL} or {@value #AMD}
 * @param family the display family, 0 to 0xFF ({@code cpu family} in /proc/cpuinfo, printed in decimal)
 * @param model  the display model, 0 to 0xFF ({@code model} in /proc/cpuinfo, printed in decimal)
 */
public record CpuIdentity(String vendor, int family, int model) {

    /** The vendor string of Intel processors. */
    public static final String INTEL = "GenuineIntel";
    /** The vendor string of AMD processors. */
    public static final String AMD = "AuthenticAMD";

    private static final Path PROC_CPUINFO = Path.of("/proc/cpuinfo");

    /**
     * The most of a cpuinfo file that is read: 64 MiB, some 16,000 processor blocks of 4 KiB
     * (a block of a current server part is under 2 KiB). /proc files report size 0, so the
     * bound is on the bytes read, which also ends a read of /dev/zero.
     */
    public static final int MAX_CPUINFO_BYTES = 64 << 20;

    /**
     * Checks the identity.
     *
     * @throws IllegalArgumentException if the vendor is not one word, or family or model is outside 0..0xFF
     */
    public CpuIdentity {
        Objects.requireNonNull(vendor, "vendor");
        if (vendor.isEmpty() || containsWhitespace(vendor)) {
            throw new IllegalArgumentException("CPU vendor '" + vendor + "' is not a single word such as " + INTEL);
        }
        if (family < 0 || family > 0xFF) {
            throw new IllegalArgumentException("CPU family " + family + " is outside 0..0xFF");
        }
        if (model < 0 || model > 0xFF) {
            throw new IllegalArgumentException("CPU model " + model + " is outside 0..0xFF");
        }
    }

    private static boolean containsWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@return the processor this JVM runs on, from /proc/cpuinfo}
     *
     * @throws IOException if /proc/cpuinfo cannot be read
     * @throws IllegalArgumentException if it does not describe one x86 processor model
     */
    public static CpuIdentity current() throws IOException {
        return fromCpuinfo(PROC_CPUINFO);
    }

    /**
     * Reads a /proc/cpuinfo-format file; see {@link #fromCpuinfo(String)}.
     *
     * @param cpuinfo the file
     * @return the processor it describes
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it does not describe one x86 processor model, or is larger
     *         than {@link #MAX_CPUINFO_BYTES}; the message names the file
     */
    public static CpuIdentity fromCpuinfo(Path cpuinfo) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(cpuinfo)) {
            bytes = in.readNBytes(MAX_CPUINFO_BYTES + 1);
        }
        if (bytes.length > MAX_CPUINFO_BYTES) {
            throw new IllegalArgumentException(cpuinfo + ": more than " + MAX_CPUINFO_BYTES + " bytes (64 MiB), larger"
                    + " than the /proc/cpuinfo of any machine; name a copy of /proc/cpuinfo");
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        try {
            return fromCpuinfo(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(cpuinfo + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses the text of /proc/cpuinfo: the {@code vendor_id}, {@code cpu family}
     * and {@code model} of every processor block. All blocks must agree, since an
     * allowlist is installed for the whole machine.
     *
     * @param cpuinfoText the text of /proc/cpuinfo
     * @return the processor it describes
     * @throws IllegalArgumentException if the text has no x86 processor block, a block
     *         lacks one of the three lines or has a non-numeric family or model, or two
     *         blocks describe different processors
     */
    public static CpuIdentity fromCpuinfo(String cpuinfoText) {
        Objects.requireNonNull(cpuinfoText, "cpuinfoText");
        List<Block> blocks = new ArrayList<>();
        Block block = new Block();
        for (String line : cpuinfoText.split("\n", -1)) {
            if (line.isBlank()) {
                if (block.hasContent()) {
                    blocks.add(block);
                    block = new Block();
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (key.equals("processor") && block.hasContent()) {
                // Blocks that run together without a blank line: "processor" starts the next one.
                blocks.add(block);
                block = new Block();
            }
            block.put(key, value);
        }
        if (block.hasContent()) {
            blocks.add(block);
        }
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException(
                    "not an x86 /proc/cpuinfo: no processor block with vendor_id, cpu family and model lines");
        }
        CpuIdentity first = blocks.getFirst().identity();
        for (Block other : blocks.subList(1, blocks.size())) {
            CpuIdentity cpu = other.identity();
            if (!cpu.equals(first)) {
                throw new IllegalArgumentException(
                        "cpuinfo describes different processors: processor %s is %s, processor %s is %s"
                                .formatted(blocks.getFirst().processor, first, other.processor, cpu));
            }
        }
        return first;
    }

    // equals and hashCode written out: the catalog keys maps by CpuIdentity while it
    // loads, and the generated record methods cost ~15 ms of bootstrap on a cold JVM
    // (measured), which a command-line lint would pay on every run.
    @Override
    public boolean equals(Object other) {
        return other instanceof CpuIdentity cpu
                && cpu.family == family && cpu.model == model && cpu.vendor.equals(vendor);
    }

    @Override
    public int hashCode() {
        return (vendor.hashCode() * 31 + family) * 31 + model;
    }

    /** {@code GenuineIntel family 0x6 model 0x55}. */
    @Override
    public String toString() {
        return "%s family 0x%X model 0x%X".formatted(vendor, family, model);
    }

    /** The fields of one processor block that identify the CPU; other keys are ignored. */
    private static final class Block {
        String processor = "?";
        String vendor;
        String family;
        String model;
        boolean any;

        void put(String key, String value) {
            switch (key) {
                case "processor" -> processor = value;
                case "vendor_id" -> vendor = value;
                case "cpu family" -> family = value;
                case "model" -> model = value;
                default -> { }
            }
            any = true;
        }

        boolean hasContent() {
            return any;
        }

        CpuIdentity identity() {
            if (vendor == null && family == null && model == null) {
                throw new IllegalArgumentException("not an x86 /proc/cpuinfo: processor " + processor
                        + " has no vendor_id, cpu family or model line");
            }
            require(vendor, "vendor_id");
            return new CpuIdentity(vendor, number(require(family, "cpu family"), "cpu family"),
                    number(require(model, "model"), "model"));
        }

        private String require(String value, String key) {
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException("processor " + processor + " has no '" + key + "' line");
            }
            return value;
        }

        private int number(String value, String key) {
            // The kernel prints family and model with %u: plain decimal.
            if (!value.chars().allMatch(c -> c >= '0' && c <= '9') || value.length() > 9) {
                throw new IllegalArgumentException("processor " + processor + " has " + key + " '" + value
                        + "', not a decimal number");
            }
            return Integer.parseInt(value);
        }
    }
}
