package io.github.msrsafe.allowlist;

import io.github.msrsafe.Errno;
import io.github.msrsafe.internal.allowlist.AddressIndex;
import io.github.msrsafe.internal.allowlist.AllowlistFiles;
import io.github.msrsafe.internal.allowlist.AllowlistScanner;
import io.github.msrsafe.internal.allowlist.Kstrtoull;
import io.github.msrsafe.internal.allowlist.LineMap;
import io.github.msrsafe.internal.allowlist.Tokens;
import io.github.msrsafe.internal.allowlist.Verdicts;
import io.github.msrsafe.internal.text.Hex;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongFunction;

/**
 * An allowlist as the msr_safe module holds it: entries in install order,
 * each address once. Immutable.
 *
 * <h2>What the module accepts</h2>
 * {@link #parse(byte[], String)} accepts exactly the bytes a {@code write(2)}
 * to /dev/cpu/msr_allowlist accepts (msr-safe 1.8) and rejects every other
 * input with the errno the module returns:
 * <ul>
 * <li>A write of at most 2 bytes, whatever they are, empties the allowlist
 *     ({@link #EMPTY}); this is how {@code echo > /dev/cpu/msr_allowlist} clears it.</li>
 * <li>More than 131072 bytes (128 KiB): E2BIG.</li>
 * <li>The first NUL byte ends the input; the rest is ignored.</li>
 * <li>Whitespace is the kernel's {@code isspace}: space, \t, \n, \v, \f, \r
 *     and the byte 0xA0. Lines mean nothing of their own.</li>
 * <li>Where an entry can start (at the beginning, or after a complete
 *     entry), whitespace is skipped, and while the next byte is {@code '#'}
 *     everything up to the next \n is skipped, then whitespace again. A
 *     {@code '#'} anywhere else is part of a token.</li>
 * <li>An entry is an address token and a write mask token, each a maximal
 *     run of non-whitespace bytes. A token that runs into the end of input
 *     (no final newline, or a NUL right after it) is EILSEQ, as is an address
 *     with no mask after it.</li>
 * <li>Each token is converted as the kernel's {@code kstrtoull(token, 0)}: one
 *     optional '+'; 0x/0X followed by a hex digit means hex, another leading 0
 *     means octal ({@code "010"} is 8, {@code "08"} and {@code "0x"} are
 *     invalid), else decimal; above 2^64-1: ERANGE; anything else that is not
 *     a whole number of that radix (a '-', a '#' glued to it, a stray letter):
 *     EINVAL. The first bad token in the text decides.</li>
 * <li>No entry at all: ENOMSG. All of the above is the first pass: the
 *     module returns the error and keeps the previous allowlist.</li>
 * <li>The second pass installs the entries in order; an address seen before
 *     is ENOTUNIQ and leaves the module's allowlist EMPTY
 *     ({@link AllowlistException#keepsPreviousAllowlist()} is false).</li>
 * <li>Addresses are 64-bit: an address of 2^32 or more is accepted although
 *     no access can reach it.</li>
 * </ul>
 *
 * <h2>Where the man page and the module differ</h2>
 * <ul>
 * <li>The man page says E2BIG when the count "exceeds MAX_WLIST_BSIZE
 *     (defined as (128 * 1024) + 1)", which reads as 131074 bytes and more;
 *     the module compares {@code count + 1} with that bound, so 131073 bytes
 *     already fail. This class follows the module.</li>
 * <li>The man page calls EILSEQ "Unexpected EOF" and does not say that a
 *     missing final newline is one: the last mask of a file without a final
 *     newline runs into the end of input and the whole write fails.</li>
 * <li>The man page does not mention the at-most-2-bytes clear, that a NUL
 *     byte ends the input, that 0xA0 counts as whitespace, or that a
 *     comment can only start where an entry can: {@code 0x10 # note} makes
 *     {@code #} the write mask (EINVAL), and {@code 0x0#note} is EINVAL.</li>
 * <li>The man page's example read-back header {@code # MSR      Write mask} is
 *     not what the module prints; {@link #KERNEL_HEADER} is.</li>
 * </ul>
 *
 * {@snippet :
 * Allowlist list = Allowlist.load(file);   // reads at most MAX_WRITE_BYTES + 1 bytes
 * OptionalLong mask = list.writeMask(0x199);
 * }
 */
public final class Allowlist {

    /** The header the module prints before the first entry: {@code printf("%-10s %-18s\n", "#MSR", "Write mask")}. */
    public static final String KERNEL_HEADER = String.format("%-10s %-18s", "#MSR", "Write mask") + "\n";

    /** The largest write the module accepts, in bytes; one more is E2BIG. */
    public static final int MAX_WRITE_BYTES = Verdicts.MAX_WRITE_BYTES;

    /** Writes of at most this many bytes clear the allowlist instead of being parsed. */
    public static final int CLEARING_WRITE_BYTES = 2;

    /** The empty allowlist (what a write of at most 2 bytes leaves). */
    public static final Allowlist EMPTY = new Allowlist(new long[0], new long[0], List.of());

    /** The source name used by {@link #parse(byte[])}. */
    private static final String UNNAMED_SOURCE = "<allowlist>";

    private final List<AllowlistEntry> entries;
    /** The entries' addresses and write masks in install order, for lookups through {@link #index}. */
    private final long[] addresses;
    private final long[] masks;
    private final AddressIndex index;

    /** Over these arrays (in install order, each address once, not changed afterwards) and the same entries. */
    private Allowlist(long[] addresses, long[] masks, List<AllowlistEntry> entries) {
        this(addresses, masks, AddressIndex.of(addresses, addresses.length), entries);
    }

    private Allowlist(long[] addresses, long[] masks, AddressIndex index, List<AllowlistEntry> entries) {
        this.addresses = addresses;
        this.masks = masks;
        this.index = index;
        this.entries = entries;
    }

    /**
     * {@return an allowlist of these entries in this order}
     *
     * @param entries the entries, each address once
     * @throws IllegalArgumentException if an address repeats
     */
    public static Allowlist of(List<AllowlistEntry> entries) {
        Objects.requireNonNull(entries, "entries");
        if (entries.isEmpty()) {
            return EMPTY;
        }
        List<AllowlistEntry> copy = List.copyOf(entries);
        long[] addresses = new long[copy.size()];
        long[] masks = new long[copy.size()];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = copy.get(i).address();
            masks[i] = copy.get(i).writeMask();
        }
        AddressIndex index = AddressIndex.of(addresses, addresses.length);
        if (index.repeated() >= 0) {
            throw new IllegalArgumentException("address " + Hex.of(addresses[index.repeated()])
                    + " is listed more than once in " + entries);
        }
        return new Allowlist(addresses, masks, index, copy);
    }

    /**
     * {@return an allowlist of these entries in this order}
     *
     * @param entries the entries, each address once
     * @throws IllegalArgumentException if an address repeats
     */
    public static Allowlist of(AllowlistEntry... entries) {
        return of(List.of(entries));
    }

    /**
     * The allowlist the module would hold after {@code write(2)} of these bytes
     * to /dev/cpu/msr_allowlist: {@link #EMPTY} for a write of at most 2 bytes,
     * else the parsed entries. Same as {@link #parse(byte[], String)} with the
     * source named {@code <allowlist>}.
     *
     * @param written the whole text, as one write would pass it
     * @return the allowlist the module would hold
     * @throws AllowlistException with the errno the module returns and where it failed
     */
    public static Allowlist parse(byte[] written) throws AllowlistException {
        return parse(written, UNNAMED_SOURCE);
    }

    /**
     * The allowlist the module would hold after {@code write(2)} of these bytes
     * (see the class description for the exact grammar).
     *
     * @param written the whole text, as one write would pass it
     * @param source  the file name messages give, e.g. {@code "allowlists/al_06_55"}
     * @return the allowlist the module would hold
     * @throws AllowlistException with the errno the module returns, the line,
     *         column and token, and whether the previous allowlist survives
     */
    public static Allowlist parse(byte[] written, String source) throws AllowlistException {
        Objects.requireNonNull(written, "written");
        Objects.requireNonNull(source, "source");
        if (written.length <= CLEARING_WRITE_BYTES) {
            return EMPTY;
        }
        if (written.length > MAX_WRITE_BYTES) {
            throw tooLarge(written, source, written.length);
        }
        AllowlistScanner scanner = new AllowlistScanner(written);
        long[] value = new long[1];
        // Room for a typical 128 KiB list at once (lines of 32 bytes); a list of shorter lines grows.
        int capacity = Math.max(16, scanner.limit() / 32);
        long[] addresses = new long[capacity];
        long[] masks = new long[capacity];
        int count = 0;
        long address = 0;
        int addressOffset = 0;
        int addressEnd = 0;
        for (AllowlistScanner.Item item = scanner.next(); item != AllowlistScanner.Item.END; item = scanner.next()) {
            switch (item) {
                case COMMENT -> {
                }
                case ADDRESS -> {
                    address = convert(written, source, scanner, false, value);
                    addressOffset = scanner.start();
                    addressEnd = scanner.end();
                }
                case MASK -> {
                    long mask = convert(written, source, scanner, true, value);
                    if (count == addresses.length) {
                        addresses = Arrays.copyOf(addresses, count * 2);
                        masks = Arrays.copyOf(masks, count * 2);
                    }
                    addresses[count] = address;
                    masks[count] = mask;
                    count++;
                }
                case TRUNCATED -> throw truncated(written, source, scanner, addressOffset, addressEnd);
                case END -> throw new AssertionError("END ends the loop");
            }
        }
        if (count == 0) {
            throw located(Errno.ENOMSG, source, new LineMap(written), scanner.limit(), null,
                    Verdicts.noEntries(scanner.limit() < written.length), true);
        }
        AddressIndex index = AddressIndex.of(addresses, count);
        if (index.repeated() >= 0) {
            throw duplicate(written, source, addresses, index.repeated(), index.firstOfRepeated());
        }
        if (count < addresses.length) {
            addresses = Arrays.copyOf(addresses, count);
            masks = Arrays.copyOf(masks, count);
        }
        AllowlistEntry[] parsed = new AllowlistEntry[count];
        for (int i = 0; i < count; i++) {
            parsed[i] = new AllowlistEntry(addresses[i], masks[i]);
        }
        return new Allowlist(addresses, masks, index, List.of(parsed));
    }

    /**
     * Reads and {@linkplain #parse(byte[], String) parses} a file, named in
     * messages as given. At most {@link #MAX_WRITE_BYTES} + 1 bytes are read,
     * which decides E2BIG: a huge file, a device or an endless pipe costs no
     * more than a file just too large, and its E2BIG names its size when it is
     * a regular file.
     *
     * @param file the allowlist file
     * @return the allowlist the module would hold after the file is written to it
     * @throws AllowlistException if the module would reject the text
     * @throws IOException if the file cannot be read
     */
    public static Allowlist load(Path file) throws IOException {
        // At most one byte more than the module accepts is read: a huge file or a device costs no more.
        AllowlistFiles.Text text = AllowlistFiles.read(file);
        if (text.tooLarge()) {
            throw tooLarge(text.bytes(), file.toString(), text.size());
        }
        return parse(text.bytes(), file.toString());
    }

    /** E2BIG, located at the first byte beyond the limit; {@code size} is -1 when unknown. */
    private static AllowlistException tooLarge(byte[] written, String source, long size) {
        LineMap lines = new LineMap(written, MAX_WRITE_BYTES + 1);
        return located(Errno.E2BIG, source, lines, MAX_WRITE_BYTES, null, Verdicts.tooLarge(size), true);
    }

    private static long convert(byte[] text, String source, AllowlistScanner scanner, boolean mask, long[] value)
            throws AllowlistException {
        if (scanner.hexValueKnown()) {
            return scanner.hexValue();
        }
        int start = scanner.start();
        int end = scanner.end();
        int errno = Kstrtoull.convert(text, start, end, value);
        if (errno == 0) {
            return value[0];
        }
        LineMap lines = new LineMap(text);
        throw located(Errno.of(errno).orElseThrow(), source, lines, start, Tokens.text(text, start, end),
                Verdicts.notANumber(text, start, end, mask, errno, lines), true);
    }

    private static AllowlistException truncated(byte[] text, String source, AllowlistScanner scanner,
            int addressStart, int addressEnd) {
        LineMap lines = new LineMap(text);
        int start = scanner.start();
        int end = scanner.end();
        String description = Verdicts.truncated(text, start, end, scanner.expectingMask(), lines, addressStart,
                addressEnd);
        return start == end
                ? located(Errno.EILSEQ, source, lines, addressStart, Tokens.text(text, addressStart, addressEnd),
                        description, true)
                : located(Errno.EILSEQ, source, lines, start, Tokens.text(text, start, end), description, true);
    }

    /** ENOTUNIQ for entry {@code repeated}, whose address entry {@code first} already has. */
    private static AllowlistException duplicate(byte[] text, String source, long[] addresses, int repeated,
            int first) {
        // Only now are the entries' places needed: scan again (the text passed the first pass).
        int firstAt = -1;
        AllowlistScanner scanner = new AllowlistScanner(text);
        for (int entry = 0; entry <= repeated; ) {
            AllowlistScanner.Item item = scanner.next();
            if (item == AllowlistScanner.Item.END) {
                throw new AssertionError("entry " + repeated + " not found again");
            }
            if (item == AllowlistScanner.Item.ADDRESS) {
                if (entry == first) {
                    firstAt = scanner.start();
                }
                entry++;
            }
        }
        int at = scanner.start();
        int end = scanner.end();
        LineMap lines = new LineMap(text);
        return located(Errno.ENOTUNIQ, source, lines, at, Tokens.text(text, at, end),
                Verdicts.duplicate(Tokens.printable(text, at, end), addresses[repeated],
                        lines.line(firstAt), lines.column(firstAt)),
                false);
    }

    private static AllowlistException located(Errno errno, String source, LineMap lines, int offset, String token,
            String description, boolean keepsPrevious) {
        return new AllowlistException(errno, source, lines.line(offset), lines.column(offset), token, description,
                keepsPrevious);
    }

    /** {@return the entries in install order (the order the module reads them back)} */
    public List<AllowlistEntry> entries() {
        return entries;
    }

    /** {@return the number of entries} */
    public int size() {
        return entries.size();
    }

    /** {@return true for {@link #EMPTY} and any other list without entries} */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * {@return true if {@code address} is listed (readable)}
     *
     * @param address the MSR address
     */
    public boolean contains(long address) {
        return index.find(address) >= 0;
    }

    /**
     * {@return the write mask of {@code address}, or empty if the address is not listed} O(1).
     *
     * @param address the MSR address
     */
    public OptionalLong writeMask(long address) {
        int position = index.find(address);
        return position >= 0 ? OptionalLong.of(masks[position]) : OptionalLong.empty();
    }

    /**
     * The whole text reading /dev/cpu/msr_allowlist returns for this list ("" if empty):
     * {@link #KERNEL_HEADER}, then one {@link AllowlistEntry#kernelLine()} per entry.
     * Parsing it gives an equal allowlist (the header is a comment).
     *
     * @return the read-back text
     */
    public String toKernelFormat() {
        if (entries.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(KERNEL_HEADER.length() + 30 * entries.size()).append(KERNEL_HEADER);
        for (AllowlistEntry entry : entries) {
            entry.appendKernelLine(text);
        }
        return text.toString();
    }

    /**
     * Canonical source text: one {@link AllowlistEntry#canonicalLine(String) line}
     * per entry, in order, each with the comment {@code commentFor} gives for its
     * address (typically the register name), e.g.
     * {@code 0x00000010 0x0000000000000000 # IA32_TIME_STAMP_COUNTER}.
     * "" if the list is empty (a write of 0 bytes clears the module's list).
     *
     * @param commentFor the comment for an address, or empty for none
     * @return the text, one line per entry
     */
    public String toCanonicalText(LongFunction<Optional<String>> commentFor) {
        Objects.requireNonNull(commentFor, "commentFor");
        StringBuilder text = new StringBuilder(48 * entries.size());
        for (AllowlistEntry entry : entries) {
            text.append(entry.canonicalLine(commentFor.apply(entry.address()).orElse(null)));
        }
        return text.toString();
    }

    /** {@return canonical source text without comments: the kernel format without its header} */
    public String toCanonicalText() {
        return toCanonicalText(address -> Optional.empty());
    }

    /** Equal if the same entries are in the same order (order is what the module reads back). */
    @Override
    public boolean equals(Object other) {
        return other instanceof Allowlist that && entries.equals(that.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    /** {@code Allowlist[3 entries: 0x10/0x0, 0x199/0xFFFF, ...]}, at most 8 entries shown. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Allowlist[").append(entries.size()).append(" entries");
        for (int i = 0; i < entries.size() && i < 8; i++) {
            AllowlistEntry entry = entries.get(i);
            text.append(i == 0 ? ": " : ", ").append(Hex.of(entry.address())).append('/').append(Hex.of(entry.writeMask()));
        }
        return text.append(entries.size() > 8 ? ", ...]" : "]").toString();
    }

}
