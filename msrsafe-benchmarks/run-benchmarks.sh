#!/bin/sh
# Runs the benchmarks in a short, documented configuration and regenerates
# docs/benchmarks.md and its charts (docs/benchmarks/*.svg) from the results.
#
#   msrsafe-benchmarks/run-benchmarks.sh              build, run (about 22 minutes on 2 CPUs), report
#   msrsafe-benchmarks/run-benchmarks.sh --no-build   reuse msrsafe-benchmarks/target/msrsafe-benchmarks.jar
#   msrsafe-benchmarks/run-benchmarks.sh --report-only   rewrite the report from the last run's results
#   msrsafe-benchmarks/run-benchmarks.sh -f 3 -i 10   more JMH options, appended to the main and FFM runs'
#
# The configuration, chosen to finish in about 22 minutes on a small shared machine. Every
# JMH run uses the gc profiler (bytes/op) and ThreadCpuProfiler (thread CPU time per op),
# and at least 2 forks, so that JIT decisions that differ between JVMs show in the error:
#   main run: serial vs batch reads, writes and saves, allowlist parsing and the batch layouts
#             (BatchLayoutBenchmark: 1.x against 2.x ops at 1 to 30,000 ops), 2 forks, 3
#             warm-up iterations of 500 ms and 5 measured iterations of 300 ms each; serial
#             vs batch at 1 and 60 CPUs x 1, 16 and 500 MSRs per CPU (1 to 30,000 ops per round);
#   FFM run:  FfmVsCBenchmark, Java and C side by side (the goals' ratios), 3 forks, 4 warm-up
#             iterations of 500 ms and 6 measured iterations of 300 ms;
#   telemetry run: SamplerStepBenchmark with its own parameters (its cpus=256 is not
#             the serial-vs-batch cpus), otherwise as the main run;
#   CLI run:  CliColdStartBenchmark, 2 forks, 3 warm-up shots and 20 timed shots,
#             each shot one fresh process: java -version, `msrsafe --device sim
#             version` and `msrsafe allowlist lint allowlists/` by the checkout's
#             launcher, the distribution's and plain java.
# The 1-minute load average is sampled every 10 s during the run and reported. The report
# compares its figures with the committed docs/benchmarks/figures.tsv (from git, or the file
# as it was before the run) and flags each one that got worse by more than its error.
# Results stay in msrsafe-benchmarks/target/benchmark-results/ (JMH JSON and logs).
set -eu
. "$(dirname "$0")/bench-java.sh"

profilers="-prof gc -prof io.github.msrsafe.benchmarks.ThreadCpuProfiler"
timing="-f 2 -wi 3 -w 500ms -i 5 -r 300ms $profilers"
main_options="$timing -p cpus=1,60 -p msrsPerCpu=1,16,500"
ffm_options="-f 3 -wi 4 -w 500ms -i 6 -r 300ms $profilers"
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
    # The load during the run, every 10 s, stopped (by its own process id) when the runs end.
    ( while :; do cut -d' ' -f1 /proc/loadavg; sleep 10; done ) > "$results/load-samples" &
    load_sampler=$!
    trap 'kill "$load_sampler" 2>/dev/null || true' EXIT
    start=$(date +%s)
    # shellcheck disable=SC2086 # the option strings hold several options
    { "$java" $java_opts -jar "$jar" $main_options -e CliColdStartBenchmark -e SamplerStepBenchmark \
        -e FfmVsCBenchmark "$@" -rf json -rff "$results/main.json"; echo $? > "$results/main.status"; } 2>&1 \
        | tee "$results/main.log"
    # shellcheck disable=SC2086
    { "$java" $java_opts -jar "$jar" $ffm_options "$@" FfmVsCBenchmark \
        -rf json -rff "$results/ffm.json"; echo $? > "$results/ffm.status"; } 2>&1 | tee "$results/ffm.log"
    # shellcheck disable=SC2086
    { "$java" $java_opts -jar "$jar" $timing SamplerStepBenchmark \
        -rf json -rff "$results/telemetry.json"; echo $? > "$results/telemetry.status"; } 2>&1 \
        | tee "$results/telemetry.log"
    # shellcheck disable=SC2086
    { "$java" $java_opts -jar "$jar" $cli_options CliColdStartBenchmark \
        -rf json -rff "$results/cli.json"; echo $? > "$results/cli.status"; } 2>&1 | tee "$results/cli.log"
    echo $(( $(date +%s) - start )) > "$results/seconds"
    cut -d' ' -f1-3 /proc/loadavg > "$results/load-after"
    kill "$load_sampler" 2>/dev/null || true
    printf '%s\n' "$*" > "$results/extra-options"
fi

if [ ! -f "$results/seconds" ]; then
    echo "run-benchmarks.sh: no results in $results; run without --report-only first" >&2
    exit 1
fi
for run_name in main ffm telemetry cli; do
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
for file in "$results/main.json" "$results/ffm.json" "$results/telemetry.json" "$results/cli.json"; do
    # A run skipped or failed as a whole leaves an empty or missing file.
    if [ -s "$file" ]; then
        set -- "$@" --results "$file"
    fi
done
# The committed figures to compare with: from git when this is a checkout, else the file as it is.
baseline="$results/baseline-figures.tsv"
if ! git -C "$project" show HEAD:docs/benchmarks/figures.tsv > "$baseline" 2>/dev/null; then
    cp "$project/docs/benchmarks/figures.tsv" "$baseline" 2>/dev/null || : > "$baseline"
fi
# shellcheck disable=SC2086
"$java" $java_opts -cp "$jar" io.github.msrsafe.benchmarks.report.Report "$@" \
    --markdown "$project/docs/benchmarks.md" --charts "$project/docs/benchmarks" --baseline "$baseline" \
    --command "msrsafe-benchmarks/run-benchmarks.sh${extra:+ $extra}" \
    --jmh-options "main run: $main_options${extra:+ $extra}; FFM against C: $ffm_options${extra:+ $extra}; telemetry: $timing; CLI cold start: $cli_options" \
    --load-before "$(cat "$results/load-before")" --load-after "$(cat "$results/load-after")" \
    --load-samples "$results/load-samples" --seconds "$(cat "$results/seconds")"
