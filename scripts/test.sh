#!/usr/bin/env bash
# Full check: start the test lab, then fmt, clippy and the tests against it.
# Used by .ci/run (as root, CI=true, no stdin) and by developers alike.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/lab.sh up
eval "$(scripts/lab.sh env)"

echo "== cargo fmt --check" >&2
cargo fmt --check
echo "== cargo clippy --all-targets -- -D warnings" >&2
cargo clippy --all-targets -- -D warnings
echo "== cargo test --all-targets" >&2
cargo test --all-targets
echo "== lrb test --require-coverage runbooks/" >&2
cargo run --quiet -- test --require-coverage runbooks/
