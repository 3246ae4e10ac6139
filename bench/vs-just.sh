#!/usr/bin/env bash
# lrb against `just`, `bash -n` and shellcheck, side by side in one hyperfine run (issue 18):
#   - start-up: `lrb --version` against `just --version`;
#   - a small file (10 steps) and a large one (1,000 steps): `lrb check` of a runbook of N
#     `info: true` checks, `just --summary` of a justfile of N recipes, `bash -n` and
#     shellcheck of a script of N commands;
#   - the cost of one extra step: (median at 1,000 - median at 10) / 990.
# Prints hyperfine's summary, then the medians and lrb's ratio to just.
# `just` comes from PyPI's `rust-just`, installed into a venv (JUST_VENV, default
# /tmp/lrb-bench-just) on first use.
#
# usage: bench/vs-just.sh [RUNS]      (needs `hyperfine`, `jq`, `python3`, `shellcheck`)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100}

source bench/release.sh

venv=${JUST_VENV:-/tmp/lrb-bench-just}
if [[ ! -x $venv/bin/just ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet rust-just
fi
just=$venv/bin/just

# The same N steps in each language: a check that runs `echo I`, a recipe, a command.
generate() {
  local n=$1 i
  {
    echo 'target :host, shell: ".", timeout: 30s'
    echo
    echo 'runbook :synthetic do'
    echo '  title "Synthetic"'
    echo '  severity :low'
    echo '  owner "bench"'
    echo
    for ((i = 1; i <= n; i++)); do
      echo "  check :step_$i, \"step $i\", info: true do"
      echo "    host.run \"echo $i\""
      echo '  end'
    done
    echo 'end'
  } > "$work/steps_$n.rb"
  {
    for ((i = 1; i <= n; i++)); do
      echo "# step $i"
      echo "step_$i:"
      echo "    echo $i"
      echo
    done
  } > "$work/steps_$n.just"
  {
    echo '#!/usr/bin/env bash'
    for ((i = 1; i <= n; i++)); do
      echo "# step $i"
      echo "echo $i"
    done
  } > "$work/steps_$n.sh"
}
generate 10
generate 1000

# Clean inputs, or the timing measures error rendering.
for n in 10 1000; do
  "$work/lrb" check "$work/steps_$n.rb" | tail -1
  "$just" --justfile "$work/steps_$n.just" --summary > /dev/null
  shellcheck "$work/steps_$n.sh"
done

hyperfine -N --warmup 10 --runs "$runs" --export-json "$work/times.json" \
  -n "just --version" "$just --version" \
  -n "lrb --version" "$work/lrb --version" \
  -n "just N=10" "$just --justfile $work/steps_10.just --summary" \
  -n "lrb N=10" "$work/lrb check --color never $work/steps_10.rb" \
  -n "bash -n N=10" "bash -n $work/steps_10.sh" \
  -n "shellcheck N=10" "shellcheck $work/steps_10.sh" \
  -n "just N=1000" "$just --justfile $work/steps_1000.just --summary" \
  -n "lrb N=1000" "$work/lrb check --color never $work/steps_1000.rb" \
  -n "bash -n N=1000" "bash -n $work/steps_1000.sh" \
  -n "shellcheck N=1000" "shellcheck $work/steps_1000.sh"

jq -r '
  (.results | map({key: .command, value: (.median * 1000)}) | from_entries) as $m
  | def row(a; b): "\(a | .[0:14] | . + " " * (14 - length)) \($m[a] * 100 | round / 100) ms   \(b): \($m[b] * 100 | round / 100) ms   ratio \($m[a] / $m[b] * 100 | round / 100)x";
    def step(t): ($m[t + " N=1000"] - $m[t + " N=10"]) / 990 * 1000;
    "medians (ms, ratio lrb / just):",
    row("lrb --version"; "just --version"),
    row("lrb N=10"; "just N=10"),
    row("lrb N=1000"; "just N=1000"),
    "per extra step: lrb \(step("lrb") * 10 | round / 10) us, just \(step("just") * 10 | round / 10) us, bash -n \(step("bash -n") * 10 | round / 10) us, shellcheck \(step("shellcheck") * 10 | round / 10) us"
' "$work/times.json"
