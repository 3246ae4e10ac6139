#!/usr/bin/env bash
# Times `lrb check` (release build) on a generated corpus of 1,000 runbooks, the same corpus as
# `benches/check.rs`: 250 renamed copies of each runbook in `runbooks/`. Prints hyperfine's
# summary, then the median and the peak memory (the most of 5 runs' maximum resident set).
# Goals: under 0.25 s on 2 cores, under 64 MiB.
#
# usage: bench/check-corpus.sh [FILES]      (needs `hyperfine`, `jq` and GNU time)
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-1000}

source bench/release.sh

seeds=()
for f in runbooks/*.rb; do [[ $f == *.test.rb ]] || seeds+=("$f"); done
mapfile -t ids < <(sed -n 's/^runbook :\([A-Za-z0-9_]*\) do.*/\1/p' "${seeds[@]}")
mkdir "$work/corpus"
for ((n = 0; n < files; n++)); do
  seed=${seeds[n % ${#seeds[@]}]}
  copy=$((n / ${#seeds[@]}))
  rename=()
  for id in "${ids[@]}"; do
    rename+=(-e "s/:$id\\b/:${id}_$copy/g")
  done
  sed "${rename[@]}" "$seed" > "$work/corpus/$(printf %04d "$copy")_$(basename "$seed")"
done

# The corpus must be clean, or the timing measures error rendering.
"$work/lrb" check "$work/corpus" | tail -1

hyperfine --warmup 3 --runs 30 --export-json "$work/times.json" \
  "$work/lrb check --color never $work/corpus"
jq -r '.results[0] | "median: \(.median * 1000 * 10 | round / 10) ms for '"$files"' files"' "$work/times.json"
for _ in 1 2 3 4 5; do
  /usr/bin/time -f %M "$work/lrb" check --color never "$work/corpus" 2>&1 >/dev/null | tail -1
done | sort -n | tail -1 | awk '{ printf "peak memory: %.1f MiB for '"$files"' files\n", $1 / 1024 }'
