#!/usr/bin/env bash
# Times `lrb test` (release build) on the shipped scenarios and on a generated suite of 1,000
# scenarios: the shipped scenario files repeated, each copy's scenarios renamed, against the
# four seed runbooks. Prints hyperfine's summaries, then medians and scenarios per second.
# Goal: the shipped suite in well under a second.
#
# usage: bench/test-scenarios.sh [SCENARIOS]      (needs `hyperfine` and `jq`)
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-1000}

source bench/release.sh

mkdir "$work/suite"
cp runbooks/*.rb "$work/suite/"
shipped=$(cat runbooks/*.test.rb | grep -c '^scenario ')
copies=$(((total + shipped - 1) / shipped))
for tests in runbooks/*.test.rb; do
  out="$work/suite/$(basename "$tests")"
  # The background once, then the scenarios `copies` times, each copy's names made unique.
  sed -n '/^scenario /,$!p' "$tests" > "$out"
  for ((k = 1; k < copies; k++)); do
    sed -n '/^scenario /,$p' "$tests" | sed "s/^scenario \"\\(.*\\)\" do/scenario \"\\1 (copy $k)\" do/" >> "$out"
  done
done
# At least `total`: whole copies of the shipped suite.
generated=$(cat "$work"/suite/*.test.rb | grep -c '^scenario ')

# Both suites must pass, or the timing measures failure reports.
"$work/lrb" test runbooks/ | tail -1
"$work/lrb" test "$work/suite" | tail -1

hyperfine --warmup 3 --runs 30 --export-json "$work/shipped.json" \
  "$work/lrb test --color never runbooks/"
hyperfine --warmup 2 --runs 20 --export-json "$work/suite.json" \
  "$work/lrb test --color never $work/suite"
jq -r '.results[0] | "shipped suite ('"$shipped"' scenarios): median \(.median * 1000 * 10 | round / 10) ms"' "$work/shipped.json"
jq -r '.results[0] | "generated suite ('"$generated"' scenarios): median \(.median * 1000 | round) ms, \('"$generated"' / .median | round) scenarios per second"' "$work/suite.json"
