package io.github.msrsafe.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CliColdStartBenchmarkTest {

    @Test
    void findsTheCheckoutThreeLevelsAboveTheJar() {
        assertEquals(Optional.of(Path.of("/work/project")),
                CliColdStartBenchmark.checkoutAround(Path.of("/work/project/msrsafe-benchmarks/target/b.jar")));
    }

    // A jar copied to /tmp has no great-grandparent: the benchmarks skip the cold start, not throw.
    @Test
    void aJarNearTheRootHasNoCheckout() {
        assertEquals(Optional.empty(), CliColdStartBenchmark.checkoutAround(Path.of("/tmp/bench.jar")));
        assertEquals(Optional.empty(), CliColdStartBenchmark.checkoutAround(Path.of("/bench.jar")));
    }
}
