package io.github.msrsafe.allowlist;

import io.github.msrsafe.Errno;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A second, deliberately naive model of msr_safe's allowlist write, written
 * the way the C code walks a NUL-terminated copy of the buffer (a char array
 * one longer than the write, zero-filled) and converting numbers with
 * BigInteger. The tests check that {@link Allowlist#parse} agrees with it.
 */
final class KernelModel {

    /** The outcome: entries, or the errno. */
    record Outcome(List<AllowlistEntry> entries, Errno errno) {
    }

    private static final BigInteger MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private KernelModel() {
    }

    static Outcome write(byte[] user) {
        int count = user.length;
        if (count <= 2) {
            return new Outcome(List.of(), null);
        }
        if (count + 1 > 128 * 1024 + 1) {
            return new Outcome(null, Errno.E2BIG);
        }
        int[] buf = new int[count + 1]; // kzalloc(count + 1): the trailing 0 terminates
        for (int i = 0; i < count; i++) {
            buf[i] = user[i] & 0xFF;
        }
        List<long[]> parsed = new ArrayList<>();
        int[] cursor = {0};
        while (true) {
            Object result = nextEntry(buf, cursor);
            if (result instanceof Errno errno) {
                return new Outcome(null, errno);
            }
            if (result == null) {
                break;
            }
            parsed.add((long[]) result);
        }
        if (parsed.isEmpty()) {
            return new Outcome(null, Errno.ENOMSG);
        }
        Set<Long> seen = new HashSet<>();
        List<AllowlistEntry> entries = new ArrayList<>();
        for (long[] entry : parsed) {
            if (!seen.add(entry[0])) {
                return new Outcome(null, Errno.ENOTUNIQ);
            }
            entries.add(new AllowlistEntry(entry[0], entry[1]));
        }
        return new Outcome(entries, null);
    }

    private static boolean isspace(int c) {
        return c == 32 || c == 9 || c == 10 || c == 11 || c == 12 || c == 13 || c == 160;
    }

    /** null at the end, an Errno, or {address, mask}. */
    private static Object nextEntry(int[] buf, int[] cursor) {
        int s = cursor[0];
        while (isspace(buf[s])) {
            s++;
        }
        while (buf[s] == '#') {
            for (s = s + 1; buf[s] != 0 && buf[s] != '\n'; s++) {
                // the comment
            }
            while (isspace(buf[s])) {
                s++;
            }
        }
        if (buf[s] == 0) {
            return null;
        }
        long[] data = new long[2];
        for (int i = 0; i < 2; i++) {
            int word = s;
            while (!isspace(buf[s])) {
                if (buf[s] == 0) {
                    return Errno.EILSEQ;
                }
                s++;
            }
            StringBuilder token = new StringBuilder();
            for (int k = word; k < s; k++) {
                token.append((char) buf[k]);
            }
            Object value = kstrtoull(token.toString());
            if (value instanceof Errno errno) {
                return errno;
            }
            data[i] = (Long) value;
            while (isspace(buf[s])) {
                s++;
            }
        }
        cursor[0] = s;
        return data;
    }

    /** kstrtoull(s, 0): a Long or an Errno. */
    static Object kstrtoull(String s) {
        if (s.startsWith("+")) {
            s = s.substring(1);
        }
        int radix;
        String digits;
        if (s.matches("(?s)0[xX][0-9a-fA-F].*")) {
            radix = 16;
            digits = s.substring(2);
        } else if (s.startsWith("0")) {
            radix = 8;
            digits = s;
        } else {
            radix = 10;
            digits = s;
        }
        int n = 0;
        while (n < digits.length() && Character.digit(digits.charAt(n), radix) >= 0
                && digits.charAt(n) < 128) {
            n++;
        }
        if (n > 0 && new BigInteger(digits.substring(0, n), radix).compareTo(MAX) > 0) {
            return Errno.ERANGE;
        }
        String rest = digits.substring(n);
        if (n == 0 || !(rest.isEmpty() || rest.equals("\n"))) {
            return Errno.EINVAL;
        }
        return new BigInteger(digits.substring(0, n), radix).longValue();
    }
}
