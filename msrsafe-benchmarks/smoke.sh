#!/bin/sh
# CI smoke run of the benchmarks, so they never rot: every benchmark runs once,
# briefly (no warm-up, one 100 ms iteration, in the launching JVM, smallest
# parameters, with the thread CPU time profiler), failing on the first error;
# then the report generator runs on those results into target/smoke/ (docs/ is
# left alone). About half a minute.
# The numbers mean nothing. Needs the benchmarks jar: run after ./mvnw verify.
#
#   msrsafe-benchmarks/smoke.sh [more JMH options, e.g. a benchmark regexp]
set -eu
. "$(dirname "$0")/bench-java.sh"

if [ ! -f "$jar" ]; then
    echo "smoke.sh: $jar is missing; build it first (./mvnw -B verify)" >&2
    exit 1
fi
out="$project/msrsafe-benchmarks/target/smoke"
rm -rf "$out"
mkdir -p "$out"

# JMH takes a machine-wide lock (/tmp/jmh.lock) so that two measurements do not disturb
# each other; the smoke run measures nothing, so it must not fail because another runs.
# shellcheck disable=SC2086 # java_opts holds several options
"$java" $java_opts -Djmh.ignoreLock=true -jar "$jar" \
    -f 0 -wi 0 -i 1 -w 100ms -r 100ms -foe true -prof io.github.msrsafe.benchmarks.ThreadCpuProfiler \
    -p cpus=1 -p msrsPerCpu=1 -p batchOps=1 "$@" \
    -rf json -rff "$out/results.json"

# shellcheck disable=SC2086
"$java" $java_opts -cp "$jar" io.github.msrsafe.benchmarks.report.Report \
    --results "$out/results.json" --markdown "$out/benchmarks.md" --charts "$out/charts" \
    --command "msrsafe-benchmarks/smoke.sh"
