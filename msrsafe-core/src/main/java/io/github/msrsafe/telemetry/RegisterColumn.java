package io.github.msrsafe.telemetry;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.internal.text.Hex;
import io.github.msrsafe.registers.Register;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Any register as a column of its own, as turbostat's {@code --add} makes one: read on every
 * CPU, on the first CPU of each core or of each package, and shown raw, as the counter's advance
 * over the interval, or as that advance in percent of the TSC's.
 *
 * {@snippet :
 * RegisterColumn smis = RegisterColumn.parse("msr0x34,cpu,u32,delta,SMIs");   // SMIs per interval, per CPU
 * Sampler sampler = Sampler.builder(msr).signals(Signal.BUSY_PERCENT).add(smis).open();
 * }
 *
 * @param name    the column header: 1 to 32 letters, digits and {@code _%.-}
 * @param address the register's address, 0 to 0xFFFFFFFF
 * @param scope   where it is read: every CPU, the first CPU of each core, or of each package
 * @param bits    the counter's width, 32 or 64: deltas are taken modulo 2^bits and raw values
 *                keep the low bits
 * @param format  how the value is shown
 */
public record RegisterColumn(String name, long address, Register.Scope scope, int bits, Format format)
        implements Quantity {

    /** The longest {@code --add} specification {@link #parse} reads. */
    public static final int MAX_SPEC_LENGTH = 200;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_%.\\-]{1,32}");

    /** How a register column's value is computed. */
    public enum Format {
        /** The register's value (its low {@code bits} bits), unsigned. */
        RAW,
        /** How far the counter advanced since the previous sample, modulo 2^bits. */
        DELTA,
        /** 100 × the counter's advance / the TSC's advance on the same CPU (a residency counter's share of time). */
        PERCENT
    }

    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException if the name is not 1 to 32 letters, digits or {@code _%.-},
     *                                  the address is outside 0..0xFFFFFFFF, or bits is not 32 or 64
     * @throws NullPointerException     if a component is null
     */
    public RegisterColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(format, "format");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("column name '" + name
                    + "' must be 1 to 32 letters, digits, '_', '%', '.' or '-'");
        }
        if (address < 0 || address > MsrSafe.MAX_MSR) {
            throw new IllegalArgumentException("register address " + Hex.of(address) + " is outside 0x0..0xFFFFFFFF");
        }
        if (bits != 32 && bits != 64) {
            throw new IllegalArgumentException("counter width must be 32 or 64 bits: " + bits);
        }
    }

    /**
     * Reads a column in turbostat's {@code --add} form: comma-separated fields in any order,
     * {@code msr0xNNN} or {@code msrNNN} (decimal) the register, {@code cpu}/{@code thread},
     * {@code core} or {@code package} the scope (default cpu), {@code u32} or {@code u64} the width
     * (default u64), {@code raw}, {@code delta} or {@code percent} the format (default delta), and
     * any other field the column's name (default the register field as given).
     *
     * @param spec e.g. {@code "msr0x34,cpu,u32,delta,SMI"}; at most {@link #MAX_SPEC_LENGTH} characters
     * @return the column
     * @throws IllegalArgumentException naming the field that is wrong: no register, a repeated kind
     *                                  of field, a bad address or name
     */
    public static RegisterColumn parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        if (spec.length() > MAX_SPEC_LENGTH) {
            throw new IllegalArgumentException("a column specification is at most " + MAX_SPEC_LENGTH
                    + " characters; this one has " + spec.length());
        }
        String register = null;
        Long address = null;
        Register.Scope scope = null;
        Integer bits = null;
        Format format = null;
        String name = null;
        for (String raw : spec.split(",", -1)) {
            String field = raw.strip();
            String lower = field.toLowerCase(Locale.ROOT);
            switch (lower) {
                case "cpu", "thread" -> scope = once(scope, Register.Scope.THREAD, "scope", field);
                case "core" -> scope = once(scope, Register.Scope.CORE, "scope", field);
                case "package" -> scope = once(scope, Register.Scope.PACKAGE, "scope", field);
                case "u32" -> bits = once(bits, 32, "width", field);
                case "u64" -> bits = once(bits, 64, "width", field);
                case "raw" -> format = once(format, Format.RAW, "format", field);
                case "delta" -> format = once(format, Format.DELTA, "format", field);
                case "percent" -> format = once(format, Format.PERCENT, "format", field);
                default -> {
                    if (lower.startsWith("msr")) {
                        address = once(address, parseAddress(field), "register", field);
                        register = field;
                    } else if (field.isEmpty()) {
                        throw new IllegalArgumentException("'" + spec + "' has an empty field");
                    } else {
                        name = once(name, field, "name", field);
                    }
                }
            }
        }
        if (address == null) {
            throw new IllegalArgumentException("'" + spec + "' names no register: give it as msr0xNNN (hex) or msrNNN"
                    + " (decimal), e.g. msr0x34,cpu,u32,delta");
        }
        return new RegisterColumn(name != null ? name : register, address,
                scope != null ? scope : Register.Scope.THREAD, bits != null ? bits : 64,
                format != null ? format : Format.DELTA);
    }

    private static <T> T once(T previous, T value, String kind, String field) {
        if (previous != null) {
            throw new IllegalArgumentException("the " + kind + " is given twice (again as '" + field + "')");
        }
        return value;
    }

    private static long parseAddress(String field) {
        String digits = field.substring(3);
        boolean hex = digits.startsWith("0x") || digits.startsWith("0X");
        String number = hex ? digits.substring(2) : digits;
        if (number.isEmpty() || number.length() > (hex ? 8 : 10)
                || !number.chars().allMatch(c -> hex ? Character.digit(c, 16) >= 0 : c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("'" + field + "' is not a register: write msr0x followed by up to 8 hex"
                    + " digits, or msr followed by a decimal address, e.g. msr0x34 or msr52");
        }
        long address = Long.parseLong(number, hex ? 16 : 10);
        if (address > MsrSafe.MAX_MSR) {
            throw new IllegalArgumentException("'" + field + "' is above the highest address 0xFFFFFFFF");
        }
        return address;
    }

    @Override
    public String columnName() {
        return name;
    }

    @Override
    public Unit unit() {
        return format == Format.PERCENT ? Unit.PERCENT : Unit.COUNT;
    }

    @Override
    public boolean needsInterval() {
        return format != Format.RAW;
    }

    @Override
    public String definition() {
        String register = Msr.describe(address);
        return switch (format) {
            case RAW -> register + " as read, low " + bits + " bits";
            case DELTA -> register + " delta over the interval, modulo 2^" + bits;
            case PERCENT -> "100 x " + register + " delta / TSC delta";
        };
    }

    /** {@return the spec {@link #parse} reads back into this column} */
    public String spec() {
        return "msr" + Hex.of(address) + "," + switch (scope) {
            case THREAD -> "cpu";
            case CORE -> "core";
            case PACKAGE -> "package";
        } + ",u" + bits + "," + format.name().toLowerCase(Locale.ROOT) + "," + name;
    }

    /** Keeps the low {@code bits} bits of a raw value. */
    long mask(long raw) {
        return bits == 64 ? raw : raw & 0xFFFF_FFFFL;
    }
}
