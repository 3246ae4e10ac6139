#!/usr/bin/env bash
# Diagnosis benchmark: runs benches/diagnosis.rs and prints
#   - the median wall time of 20 HTTP checks against a server answering after 200 ms,
#     and its ratio to one 200 ms probe (1.0 would be perfect concurrency, 20 fully serial);
#   - the median per-action cost of 200 checks against a server answering at once.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
target="${CARGO_TARGET_DIR:-target}"
cargo bench --bench diagnosis -- "$@"
median_ns() { jq '.median.point_estimate' "$target/criterion/diagnosis/$1/new/estimates.json"; }
slow=$(median_ns 20_checks_200ms)
fast=$(median_ns 200_checks_instant)
awk -v s="$slow" -v f="$fast" 'BEGIN {
  printf "20 checks x 200 ms: median %.1f ms, %.2fx the slowest probe (serial would be 20x)\n", s / 1e6, s / 2e8
  printf "200 checks, instant server: median %.1f ms, %.0f us per action\n", f / 1e6, f / 200 / 1e3
}'
