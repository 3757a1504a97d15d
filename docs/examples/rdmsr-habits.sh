#!/bin/sh
# Prints the rdmsr/wrmsr examples of docs/cli.md ("rdmsr and wrmsr habits").
# Run from the repository root: sh docs/examples/rdmsr-habits.sh
set -u
run() {
    echo "\$ $*"
    sh -c "$*" 2>&1
    status=$?
    [ "$status" -eq 0 ] || echo "[exit status $status]"
    echo
}
run bin/msrsafe --device sim read --all --values-only --unsigned --bitfield 15:8 MSR_PLATFORM_INFO
run bin/msrsafe --device sim read --processor 2 --capital-hexadecimal --zero-fill --c-language MSR_PLATFORM_INFO
run bin/msrsafe --device sim read -d -0 -f 7:0 MSR_RAPL_POWER_UNIT
run bin/msrsafe --device sim read -o -c -f 12:8 MSR_RAPL_POWER_UNIT
run bin/msrsafe --device sim read -u -c -f 12:8 MSR_RAPL_POWER_UNIT
run "bin/msrsafe --device sim read -a -r MSR_RAPL_POWER_UNIT | od -An -tx8 -v"
run bin/msrsafe --device sim read -r -c MSR_RAPL_POWER_UNIT
run bin/msrsafe --device sim write -a IA32_PERF_CTL 0x1A00 0x1C00
run bin/msrsafe --device sim read -p 0 -p 2 IA32_PERF_CTL
