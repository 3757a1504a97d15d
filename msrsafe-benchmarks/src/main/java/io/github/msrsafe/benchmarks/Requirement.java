package io.github.msrsafe.benchmarks;

import java.util.Optional;
import java.util.function.Supplier;

/** Benchmarks that need something the machine may lack; {@link Main} skips them with the reason. */
enum Requirement {
    GCC_FOR_C_BASELINE(FfmVsCBenchmark.class.getName(), NativeBuild::gccProblem),
    BUILT_CLI(CliColdStartBenchmark.class.getName(),
            () -> CliColdStartBenchmark.project().isPresent() ? Optional.empty()
                    : Optional.of(CliColdStartBenchmark.cliMissing()));

    /** JMH include/exclude pattern of the benchmarks that need it. */
    final String benchmarks;
    private final Supplier<Optional<String>> problem;

    Requirement(String benchmarks, Supplier<Optional<String>> problem) {
        this.benchmarks = benchmarks;
        this.problem = problem;
    }

    Optional<String> missing() {
        return problem.get();
    }
}
