#!/bin/sh
# Prints the msrsafe session of docs/cli.md: each command, then what it printed
# (stdout and stderr, as a terminal shows them) and its exit status if not 0.
# Run from the repository root: sh docs/examples/cli-session.sh
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
run bin/msrsafe --device sim cpus
run bin/msrsafe --device sim version
run bin/msrsafe --device sim:2.0.4 version
# Batches emulated by per-CPU calls: sparse files standing in for the stock msr driver's nodes
run "mkdir -p /tmp/msrsafe-stock/0 /tmp/msrsafe-stock/1 && truncate -s 4G /tmp/msrsafe-stock/0/msr /tmp/msrsafe-stock/1/msr"
run bin/msrsafe --device /tmp/msrsafe-stock cpus
run bin/msrsafe --device /tmp/msrsafe-stock version --json
rm -rf /tmp/msrsafe-stock
run bin/msrsafe --device sim read IA32_TIME_STAMP_COUNTER
run bin/msrsafe --device sim read -a -u -f 15:8 MSR_PLATFORM_INFO
run bin/msrsafe --device sim read -p 0-1 -c -0 IA32_PERF_CTL
run bin/msrsafe --device sim read --json -p 2 -f 12:8 MSR_RAPL_POWER_UNIT
run bin/msrsafe --device sim write -a IA32_PERF_CTL 0x1A00
run bin/msrsafe --device sim write MSR_PLATFORM_INFO 0
run bin/msrsafe --device sim read 0x1A4
run bin/msrsafe --device sim read IA32_MPREF
run bin/msrsafe --device sim write IA32_MPERF 0x1_0000_0000_0000_0000
run bin/msrsafe --device sim read -p 2-5 0x10
run cat docs/examples/mperf.batch
run bin/msrsafe --device sim batch docs/examples/mperf.batch
run bin/msrsafe --device sim batch docs/examples/rejected.batch
run bin/msrsafe --device sim batch --skip-rejected docs/examples/rejected.batch
run bin/msrsafe --device sim batch docs/examples/typo.batch
run "echo 'read 0-1 IA32_MPERF' | bin/msrsafe --device sim batch --json -"
run "bin/msrsafe --device sim allowlist show | head -4"
run "bin/msrsafe --device sim allowlist show --names | head -3"
run bin/msrsafe --device sim allowlist install docs/examples/mperf.allowlist
run bin/msrsafe --device sim allowlist install docs/examples/duplicate.allowlist
run bin/msrsafe --device sim allowlist clear
run bin/msrsafe allowlist lint allowlists
run bin/msrsafe allowlist lint docs/examples/duplicate.allowlist
run bin/msrsafe allowlist select -D allowlists --cpu 06_8F
run bin/msrsafe --device sim allowlist select -D allowlists --cpu 06_8F --install
run bin/msrsafe --device sim:32 latency
run bin/msrsafe --device sim save /tmp/msrsafe-state.msr
run bin/msrsafe --device sim restore --dry-run /tmp/msrsafe-state.msr
run bin/msrsafe --device sim restore /tmp/msrsafe-state.msr
run bin/msrsafe --device sim:1 save /tmp/msrsafe-1cpu.msr
run bin/msrsafe --device sim:1 restore --verify /tmp/msrsafe-1cpu.msr
run bin/msrsafe --device sim:2 restore /tmp/msrsafe-state.msr
run "rm /tmp/msrsafe-state.msr.fingerprint    # as msrsave leaves its files: values only"
run bin/msrsafe --device sim restore /tmp/msrsafe-state.msr
run bin/msrsafe --device sim save --format text /tmp/msrsafe-state.txt
run "grep -v '^#' /tmp/msrsafe-state.txt | head -8"
run "bin/msrsafe completion > msrsafe.bash && head -3 msrsafe.bash && rm msrsafe.bash"
run bin/msrsafe cpus
run bin/msrsafe --device /tmp/no-such-dir read 0x10
run bin/msrsafe --device /etc/passwd read 0x10
rm -f /tmp/msrsafe-state.msr /tmp/msrsafe-state.msr.fingerprint /tmp/msrsafe-1cpu.msr /tmp/msrsafe-1cpu.msr.fingerprint /tmp/msrsafe-state.txt
