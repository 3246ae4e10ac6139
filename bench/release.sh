# Sourced by the bench scripts: builds the release binary and copies it to "$work/lrb", in a
# temporary "$work" removed on exit, so a concurrent build into a shared target dir cannot
# swap the binary mid-run.
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "${CARGO_TARGET_DIR:-target}/release/lrb" "$work/lrb"
