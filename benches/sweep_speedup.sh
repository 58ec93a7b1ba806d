#!/usr/bin/env bash
# Whole-process timing of `sre-sim sweep` on the 8-point example grid with --jobs 1 and
# --jobs 2: prints both wall-clock times and their ratio. Checks that the two runs'
# merged tables are the same bytes. Not part of CI; see benches/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked --release -q -p sre-sim --bin sre-sim
bin=target/release/sre-sim
grid=sre-sim/scenarios/sweep_grid.toml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Seconds of wall-clock time of one sweep, to the millisecond.
elapsed() {
  local t0 t1
  t0=$(date +%s%N)
  "$bin" sweep "$grid" --out "$1" --jobs "$2" >/dev/null
  t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'
}

t1=$(elapsed "$tmp/j1" 1)
t2=$(elapsed "$tmp/j2" 2)
"$bin" merge "$tmp/j1" --out "$tmp/j1/table" >/dev/null
"$bin" merge "$tmp/j2" --out "$tmp/j2/table" >/dev/null
cmp "$tmp/j1/table.csv" "$tmp/j2/table.csv"
cmp "$tmp/j1/table.json" "$tmp/j2/table.json"
echo "sweep of $(ls "$tmp/j1/points" | wc -l) points ($grid), $(nproc) cores"
echo "--jobs 1: ${t1} s"
echo "--jobs 2: ${t2} s"
awk -v a="$t1" -v b="$t2" 'BEGIN { printf "speed-up: %.2fx\n", a / b }'
