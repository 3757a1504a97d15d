package io.github.msrsafe;

/**
 * What a poll op saw: the value it read first and, when the register changed within the
 * tries allowed, the value it changed to. See {@link MsrBatch#addPoll(int, long, int)}.
 *
 * @param first   the value read first
 * @param last    the changed value; {@code first} if it did not change
 * @param changed whether the register changed within the tries allowed
 * @param tries   how many times the register was read again after the first read
 */
public record PollResult(long first, long last, boolean changed, int tries) {

    /**
     * Checks the values agree: an unchanged poll's last value is its first, a changed one's
     * differs, and it took at least one try.
     *
     * @throws IllegalArgumentException if they do not
     */
    public PollResult {
        if (tries < 0) {
            throw new IllegalArgumentException("tries " + tries + " is negative");
        }
        if (changed ? first == last || tries == 0 : first != last) {
            throw new IllegalArgumentException("a poll that " + (changed ? "changed" : "did not change")
                    + " from 0x" + Long.toHexString(first) + " to 0x" + Long.toHexString(last) + " in " + tries + " tries");
        }
    }
}
