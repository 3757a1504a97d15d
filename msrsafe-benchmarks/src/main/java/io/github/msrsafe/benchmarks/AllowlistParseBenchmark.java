package io.github.msrsafe.benchmarks;

import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Allowlist.parse on the largest text the module takes in one write, 128 KiB: a header
 * comment, then entries in a mix of the forms real allowlists use (upper- and lower-case
 * hex, padded masks, trailing comments, blank lines), generated from a fixed seed and
 * padded with a comment to exactly {@code inputBytes}. Scores are microseconds per parse;
 * the report adds MiB/s.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = Main.NATIVE_ACCESS)
@State(Scope.Thread)
public class AllowlistParseBenchmark {

    @Param({"131072"})
    public int inputBytes;

    private byte[] text;
    private int entries;

    @Setup(Level.Trial)
    public void setUp() throws AllowlistException {
        StringBuilder builder = new StringBuilder("# MSR      Write mask          # comment\n");
        SplittableRandom random = new SplittableRandom(0xA11_0_715L);
        Set<Long> used = new HashSet<>();
        int count = 0;
        while (true) {
            long address;
            do {
                address = random.nextLong(0x1_0000_0000L);
            } while (!used.add(address));
            long mask = switch (random.nextInt(4)) {
                case 0 -> 0L;
                case 1 -> -1L;
                case 2 -> 0xFFFFL;
                default -> random.nextLong();
            };
            String line = switch (random.nextInt(4)) {
                case 0 -> String.format("0x%08X 0x%016X\n", address, mask);
                case 1 -> String.format("0x%x 0x%x\n", address, mask);
                case 2 -> String.format("0x%08X 0x%016X # register %d\n", address, mask, count);
                default -> String.format("\n0x%08x\t0x%016x\n", address, mask);
            };
            // Leave room for the padding comment ("#" and "\n" at least).
            if (builder.length() + line.length() + 2 > inputBytes) {
                break;
            }
            builder.append(line);
            count++;
        }
        builder.append('#');
        while (builder.length() < inputBytes - 1) {
            builder.append('-');
        }
        builder.append('\n');
        text = builder.toString().getBytes(StandardCharsets.US_ASCII);
        entries = count;
        int parsed = Allowlist.parse(text).size();
        if (text.length != inputBytes || parsed != entries) {
            throw new IllegalStateException("generated " + text.length + " bytes with " + entries
                    + " entries, but the parser found " + parsed);
        }
    }

    @Benchmark
    public Allowlist parse() throws AllowlistException {
        return Allowlist.parse(text);
    }
}
