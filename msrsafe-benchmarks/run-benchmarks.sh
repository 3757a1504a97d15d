#!/bin/sh
# Runs the benchmarks in a short, documented configuration and regenerates
# docs/benchmarks.md and its charts (docs/benchmarks/*.svg) from the results.
#
#   msrsafe-benchmarks/run-benchmarks.sh              build, run (about 6 minutes on 2 CPUs), report
#   msrsafe-benchmarks/run-benchmarks.sh --no-build   reuse msrsafe-benchmarks/target/msrsafe-benchmarks.jar
#   msrsafe-benchmarks/run-benchmarks.sh --report-only   rewrite the report from the last run's results
#   msrsafe-benchmarks/run-benchmarks.sh -f 3 -i 10   more JMH options, appended to the main run's
#
# The configuration, chosen to finish in about 6 minutes on a small shared machine:
#   main run: every benchmark but the CLI's and the sampler's, 1 fork, 4 warm-up iterations of 500 ms
#             and 8 measured iterations of 250 ms (more, shorter iterations give a
#             tighter 99.9% interval for the same time), with JMH's gc profiler (bytes/op);
#             serial vs batch at 1 and 60 CPUs x 1, 16 and 500 MSRs per CPU
#             (1 to 30,000 ops per round);
#   telemetry run: SamplerStepBenchmark with its own parameters (its cpus=256 is not
#             the serial-vs-batch cpus), otherwise as the main run;
#   CLI run:  CliColdStartBenchmark, 2 forks, 3 warm-up shots and 20 timed shots,
#             each shot one fresh process: java -version, `msrsafe --device sim
#             version` and `msrsafe allowlist lint allowlists/` by the checkout's
#             launcher, the distribution's and plain java.
# Results stay in msrsafe-benchmarks/target/benchmark-results/ (JMH JSON and logs).
set -eu
. "$(dirname "$0")/bench-java.sh"

timing="-f 1 -wi 4 -w 500ms -i 8 -r 250ms -prof gc"
main_options="$timing -p cpus=1,60 -p msrsPerCpu=1,16,500"
cli_options="-f 2 -wi 3 -i 20"
results="$project/msrsafe-benchmarks/target/benchmark-results"
build=yes
run=yes
case "${1:-}" in
    --no-build) build=no; shift ;;
    --report-only) build=no; run=no; shift ;;
esac

if [ "$build" = yes ]; then
    "$project/mvnw" -B -q -f "$project/pom.xml" -DskipTests -pl msrsafe-benchmarks -am package
fi

if [ "$run" = yes ]; then
    rm -rf "$results"
    mkdir -p "$results"
    cut -d' ' -f1-3 /proc/loadavg > "$results/load-before"
    start=$(date +%s)
    # shellcheck disable=SC2086 # the option strings hold several options
    { "$java" $java_opts -jar "$jar" $main_options -e CliColdStartBenchmark -e SamplerStepBenchmark "$@" \
        -rf json -rff "$results/main.json"; echo $? > "$results/main.status"; } 2>&1 | tee "$results/main.log"
    # shellcheck disable=SC2086
    { "$java" $java_opts -jar "$jar" $timing SamplerStepBenchmark \
        -rf json -rff "$results/telemetry.json"; echo $? > "$results/telemetry.status"; } 2>&1 \
        | tee "$results/telemetry.log"
    # shellcheck disable=SC2086
    { "$java" $java_opts -jar "$jar" $cli_options CliColdStartBenchmark \
        -rf json -rff "$results/cli.json"; echo $? > "$results/cli.status"; } 2>&1 | tee "$results/cli.log"
    echo $(( $(date +%s) - start )) > "$results/seconds"
    cut -d' ' -f1-3 /proc/loadavg > "$results/load-after"
    printf '%s\n' "$*" > "$results/extra-options"
fi

if [ ! -f "$results/seconds" ]; then
    echo "run-benchmarks.sh: no results in $results; run without --report-only first" >&2
    exit 1
fi
for run_name in main telemetry cli; do
    status=$(cat "$results/$run_name.status" 2>/dev/null || echo missing)
    if [ "$status" != 0 ]; then
        echo "run-benchmarks.sh: the $run_name run failed (exit status $status); see $results/$run_name.log" >&2
        exit 1
    fi
    if grep -q '<failure>' "$results/$run_name.log"; then
        echo "run-benchmarks.sh: warning: some benchmarks of the $run_name run failed and are missing from the" \
            "report; see $results/$run_name.log" >&2
    fi
done

extra=$(cat "$results/extra-options" 2>/dev/null || true)
set --
for file in "$results/main.json" "$results/telemetry.json" "$results/cli.json"; do
    # A run skipped or failed as a whole leaves an empty or missing file.
    if [ -s "$file" ]; then
        set -- "$@" --results "$file"
    fi
done
# shellcheck disable=SC2086
"$java" $java_opts -cp "$jar" io.github.msrsafe.benchmarks.report.Report "$@" \
    --markdown "$project/docs/benchmarks.md" --charts "$project/docs/benchmarks" \
    --command "msrsafe-benchmarks/run-benchmarks.sh${extra:+ $extra}" \
    --jmh-options "main run: $main_options${extra:+ $extra}; telemetry: $timing; CLI cold start: $cli_options" \
    --load-before "$(cat "$results/load-before")" --load-after "$(cat "$results/load-after")" \
    --seconds "$(cat "$results/seconds")"
