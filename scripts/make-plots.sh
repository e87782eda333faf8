#!/bin/sh
# Makes the README's pictures (docs/img/) from the demo corpus with build/w2v, and renders
# each to PNG into OUTDIR (default: a scratch folder it names) for a person to look at:
# with headless Chromium (apt-get install chromium), a real browser, and with librsvg
# (apt-get install librsvg2-bin), GNOME's renderer, whichever are installed (at least
# one). A renderer that fails on a picture fails the script.
set -eu
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d)}
mkdir -p "$out" docs/img
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
./build/w2v train data/demo-corpus.txt.gz -o "$tmp/v.bin" --threads 1 --metrics "$tmp/m.json" -q
./build/w2v plot map "$tmp/v.bin" king water gold sheep -o docs/img/map-pca.svg -q
./build/w2v plot map "$tmp/v.bin" king water gold sheep --method tsne -o docs/img/map-tsne.svg -q
./build/w2v plot training "$tmp/m.json" -o docs/img/training.svg -q
renderers=0
for svg in docs/img/*.svg; do
  name=$(basename "$svg" .svg)
  if command -v chromium >/dev/null; then
    renderers=1
    timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
      --window-size=960,760 --screenshot="$out/$name.chromium.png" "file://$PWD/$svg" \
      >/dev/null 2>&1
    [ -s "$out/$name.chromium.png" ] || { echo "make-plots: chromium failed on $svg" >&2; exit 1; }
  fi
  if command -v rsvg-convert >/dev/null; then
    renderers=1
    rsvg-convert "$svg" -o "$out/$name.rsvg.png"
  fi
done
[ "$renderers" = 1 ] || { echo "make-plots: install chromium or librsvg2-bin" >&2; exit 1; }
echo "pictures in docs/img, rendered to $out"
