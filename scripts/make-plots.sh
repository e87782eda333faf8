#!/bin/sh
# Makes the README's pictures (docs/img/) from the demo corpus with build/w2v, and renders
# each to PNG with librsvg (rsvg-convert, the renderer of GNOME's viewers; apt-get install
# librsvg2-bin) into OUTDIR (default: a scratch folder it names), for a person to look at:
# an SVG that a renderer rejects fails the script.
set -eu
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d)}
mkdir -p "$out" docs/img
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
./build/w2v train data/demo-corpus.txt.gz -o "$tmp/v.bin" --threads 1 -q
./build/w2v plot map "$tmp/v.bin" king water gold sheep -o docs/img/map-pca.svg -q
./build/w2v plot map "$tmp/v.bin" king water gold sheep --method tsne -o docs/img/map-tsne.svg -q
for svg in docs/img/*.svg; do
  rsvg-convert "$svg" -o "$out/$(basename "$svg" .svg).png"
done
echo "pictures in docs/img, rendered to $out"
