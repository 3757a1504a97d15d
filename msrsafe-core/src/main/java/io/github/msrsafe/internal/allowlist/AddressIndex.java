package io.github.msrsafe.internal.allowlist;

import java.util.Objects;

/**
 * An allowlist's addresses hashed for lookup: an open-addressing table (linear
 * probing, at most half full) of positions into the caller's address array, built
 * in one pass that also finds the first address listed twice. It replaces a sort:
 * building it costs a multiply and a probe or two per entry, and a lookup is O(1).
 * Immutable once built; it reads the address array it was built over, which the
 * caller must not change.
 */
public final class AddressIndex {

    /** Fibonacci hashing: the golden-ratio multiplier spreads nearby MSR addresses over the table. */
    private static final long SPREAD = 0x9E37_79B9_7F4A_7C15L;

    /** The most addresses an index holds: its table must stay an array. */
    public static final int MAX_COUNT = 1 << 29;

    private final long[] addresses;
    /** Slot to position + 1 in {@link #addresses}; 0 is an empty slot. The length is a power of two. */
    private final int[] slots;
    private final int shift;
    private final int repeated;
    private final int firstOfRepeated;

    private AddressIndex(long[] addresses, int[] slots, int shift, int repeated, int firstOfRepeated) {
        this.addresses = addresses;
        this.slots = slots;
        this.shift = shift;
        this.repeated = repeated;
        this.firstOfRepeated = firstOfRepeated;
    }

    /**
     * Indexes {@code addresses[0, count)}. If an address repeats, indexing stops there:
     * {@link #repeated()} is its position and {@link #firstOfRepeated()} the earlier one.
     */
    public static AddressIndex of(long[] addresses, int count) {
        // More than any list in memory could hold (2^29 entries are over 12 GB of records): an invariant.
        Objects.checkIndex(count, MAX_COUNT + 1);
        // At least twice as many slots as addresses: short probe runs, also for misses.
        int bits = 64 - Long.numberOfLeadingZeros(Math.max(1L, 2L * count - 1));
        int[] slots = new int[1 << bits];
        int shift = 64 - bits;
        int mask = slots.length - 1;
        for (int i = 0; i < count; i++) {
            long address = addresses[i];
            int slot = (int) ((address * SPREAD) >>> shift);
            while (slots[slot] != 0) {
                int earlier = slots[slot] - 1;
                if (addresses[earlier] == address) {
                    return new AddressIndex(addresses, slots, shift, i, earlier);
                }
                slot = (slot + 1) & mask;
            }
            slots[slot] = i + 1;
        }
        return new AddressIndex(addresses, slots, shift, -1, -1);
    }

    /** {@return the position of {@code address}, or -1 if it is not indexed} */
    public int find(long address) {
        int mask = slots.length - 1;
        int slot = (int) ((address * SPREAD) >>> shift);
        for (int entry = slots[slot]; entry != 0; entry = slots[slot]) {
            if (addresses[entry - 1] == address) {
                return entry - 1;
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    /** {@return the position of the first address that repeats an earlier one, or -1 if none does} */
    public int repeated() {
        return repeated;
    }

    /** {@return the position of the earlier copy of the {@link #repeated()} address, or -1} */
    public int firstOfRepeated() {
        return firstOfRepeated;
    }
}
