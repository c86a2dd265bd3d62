#!/usr/bin/env bash
# Runs the cargo-fuzz targets one at a time, each until it has done
# RUNS executions (10 million) or used BUDGET seconds of CPU (1800), whichever
# comes first, and prints one line per target: executions, CPU seconds, wall
# seconds, crashes. CPU time, not wall time, so a run niced behind other work
# on the machine still gets its full budget.
#
#   scripts/fuzz.sh                       # every target, 30 CPU-minutes each
#   BUDGET=60 scripts/fuzz.sh dates       # one target, one minute
#   NO_BUILD=1 scripts/fuzz.sh            # the binaries already built
#
# Needs a nightly toolchain and `cargo install cargo-fuzz`. Logs go to
# fuzz/logs/<target>.log; crashing inputs to fuzz/artifacts/<target>/.
set -euo pipefail

BUDGET=${BUDGET:-1800}
RUNS=${RUNS:-10000000}
NICE=${NICE:-19}
cd "$(dirname "$0")/../fuzz"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(canonical_url dates config sanitize extract)
fi

# NO_BUILD=1: run the binaries already built.
[ "${NO_BUILD:-0}" = 1 ] || cargo +nightly fuzz build
bin=target/x86_64-unknown-linux-gnu/release
mkdir -p logs
ticks=$(getconf CLK_TCK)

printf '%-14s %12s %8s %8s %8s\n' target executions cpu_s wall_s crashes
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    log="logs/$t.log"
    start=$(date +%s)
    nice -n "$NICE" "$bin/$t" "corpus/$t" -runs="$RUNS" -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="artifacts/$t/" >"$log" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        # utime + stime of the fuzzer (fields 14 and 15 of /proc/PID/stat).
        if stat=$(cat "/proc/$pid/stat" 2>/dev/null); then
            # After the ")" of the command name, utime and stime are the
            # 12th and 13th fields.
            used=$(awk -v t="$ticks" '{ print int(($12 + $13) / t) }' <<<"${stat##*) }")
            if [ "$used" -ge "$BUDGET" ]; then
                kill -INT "$pid" 2>/dev/null || true
                break
            fi
        fi
        sleep 5
    done
    wait "$pid" 2>/dev/null || true
    wall=$(($(date +%s) - start))
    execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{ print $2 }' | tail -1 || true)
    # Crashes, leaks, timeouts and out-of-memory inputs; not the "slow-unit"
    # files libFuzzer also writes (a unit over 10 s, as when paused).
    crashes=$(find "artifacts/$t" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
    printf '%-14s %12s %8s %8s %8s\n' "$t" "${execs:-?}" "${used:-?}" "$wall" "$crashes"
done
