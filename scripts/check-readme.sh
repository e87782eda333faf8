#!/bin/sh
# Runs the README's tour as written: every ```sh block after the first (the first holds the
# set-up commands, which CI runs itself), in a scratch folder that sees the repository's
# data/ and build/ (build/w2v must be built: ./scripts/demo.sh or ./scripts/test.sh).
# Blocks marked ```text are examples that need more than this machine (a cluster, an
# install) and are not run.
set -eu
cd "$(dirname "$0")/.."
repo=$(pwd)
[ -x build/w2v ] || { echo "check-readme: build/w2v is not built" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
ln -s "$repo/data" "$tmp/data"
ln -s "$repo/build" "$tmp/build"
# Each block into its own file, numbered.
awk -v dir="$tmp" '
  /^```sh$/ { n++; if (n > 1) { file = sprintf("%s/block%02d.sh", dir, n); inside = 1 }; next }
  /^```/ { inside = 0; next }
  inside { print > file }
' README.md
blocks=$(ls "$tmp"/block*.sh 2>/dev/null | wc -l)
[ "$blocks" -gt 0 ] || { echo "check-readme: no sh block to run" >&2; exit 1; }
for block in "$tmp"/block*.sh; do
  if ! (cd "$tmp" && sh -eu "$block" >"$block.out" 2>&1); then
    echo "check-readme: a README block failed:" >&2
    cat "$block" >&2
    echo "--- its output:" >&2
    tail -20 "$block.out" >&2
    exit 1
  fi
done
echo "check-readme: $blocks README block(s) ran as written"
