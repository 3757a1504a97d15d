package io.github.msrsafe.internal.sim;

import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistEntry;
import java.util.Arrays;
import java.util.List;

/**
 * The installed allowlist with a lookup that allocates nothing (unlike
 * {@link Allowlist#writeMask}, which returns an OptionalLong). Immutable; the
 * kernel swaps in a new table on every install.
 */
final class AllowlistTable {

    static final AllowlistTable EMPTY = new AllowlistTable(Allowlist.EMPTY);

    private final Allowlist list;
    private final long[] sortedAddresses;
    private final long[] masksBySortedAddress;

    AllowlistTable(Allowlist list) {
        this.list = list;
        AllowlistEntry[] entries = list.entries().toArray(AllowlistEntry[]::new);
        Arrays.sort(entries, (a, b) -> Long.compare(a.address(), b.address()));
        sortedAddresses = new long[entries.length];
        masksBySortedAddress = new long[entries.length];
        for (int i = 0; i < entries.length; i++) {
            sortedAddresses[i] = entries[i].address();
            masksBySortedAddress[i] = entries[i].writeMask();
        }
    }

    Allowlist list() {
        return list;
    }

    List<AllowlistEntry> entries() {
        return list.entries();
    }

    /** A handle for {@link #writeMask(int)}, or -1 if {@code msr} is not listed. */
    int find(long msr) {
        int index = Arrays.binarySearch(sortedAddresses, msr);
        return index >= 0 ? index : -1;
    }

    /** The write mask of the entry {@link #find} returned. */
    long writeMask(int found) {
        return masksBySortedAddress[found];
    }
}
