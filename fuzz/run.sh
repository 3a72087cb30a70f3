#!/usr/bin/env bash
# Runs fuzz targets one after the other, each for a given time, and prints libFuzzer's
# final statistics and the CPU time used. Fails when a target finds a crash.
#   fuzz/run.sh SECONDS [TARGET...]      (default: every target; run from anywhere)
# Needs the nightly toolchain and cargo-fuzz (make fuzz installs cargo-fuzz). Inputs
# that crash land in fuzz/artifacts/TARGET/; new coverage is added to fuzz/corpus/TARGET/.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:?usage: run.sh SECONDS [TARGET...]}
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi
cargo +nightly fuzz build -a >&2
bin=target/x86_64-unknown-linux-gnu/release
mkdir -p logs
failed=()
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    log="logs/$t-$(date +%Y%m%d-%H%M%S).log"
    echo "== $t: ${seconds}s" >&2
    start=$(date +%s)
    if ! /usr/bin/time -f "cpu_seconds %U %S" -a -o "$log.time" \
        "$bin/$t" "corpus/$t" -max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 \
            -detect_leaks=1 -print_final_stats=1 -artifact_prefix="artifacts/$t/" \
            > "$log" 2>&1; then
        failed+=("$t")
        grep -E "ERROR|panicked|SUMMARY" "$log" | head -5 >&2 || true
    fi
    grep -E "^#[0-9]+.*DONE|stat::number_of_executed_units|cov:" "$log" | tail -1 >&2 || true
    echo "   wall $(( $(date +%s) - start ))s, $(tail -1 "$log.time")" >&2
    mkdir -p "corpus/$t"
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: crashes in: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
    exit 1
fi
