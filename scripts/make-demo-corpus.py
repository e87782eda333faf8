#!/usr/bin/env python3
"""Regenerates data/demo-corpus.txt.gz, the small corpus the README's demo trains on.

Source: the public-domain World English Bible as Debian packages it (sword-text-web, a
SWORD zText module). Markup and footnotes are dropped, text is lowercased and split into
words of letters; one verse per line. Because the text is changed, the result is not
"the World English Bible" (eBible.org asks that changed texts not carry the name).

Usage: scripts/make-demo-corpus.py [OUT]   (needs apt-get download; run as root)
"""
import glob
import gzip
import html
import os
import re
import struct
import subprocess
import sys
import tempfile
import zlib


def verses(module_dir):
    for testament in ("ot", "nt"):
        index = open(os.path.join(module_dir, testament + ".bzs"), "rb").read()
        data = open(os.path.join(module_dir, testament + ".bzz"), "rb").read()
        entries = open(os.path.join(module_dir, testament + ".bzv"), "rb").read()
        blocks = [struct.unpack_from("<III", index, i) for i in range(0, len(index) - 11, 12)]
        cache = {}
        for i in range(0, len(entries) - 9, 10):
            block, offset, size = struct.unpack_from("<IIH", entries, i)
            if size == 0 or block >= len(blocks):
                continue
            if block not in cache:
                start, length, _ = blocks[block]
                cache = {block: zlib.decompress(data[start:start + length])}
            yield cache[block][offset:offset + size].decode("utf-8", "replace")


def clean(verse):
    verse = re.sub(r"<note\b.*?</note>", " ", verse, flags=re.S)
    verse = re.sub(r"<[^>]*>", " ", verse)
    verse = html.unescape(verse).lower().replace("\u2019", "'")
    words = re.findall(r"[a-z]+(?:'[a-z]+)?", verse)
    return " ".join(words)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "data", "demo-corpus.txt.gz")
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(["apt-get", "download", "-qq", "sword-text-web"], cwd=work, check=True)
        deb = glob.glob(os.path.join(work, "*.deb"))[0]
        subprocess.run(["dpkg", "-x", deb, os.path.join(work, "x")], check=True)
        module = glob.glob(os.path.join(work, "x", "usr/share/sword/modules/texts/ztext/*"))[0]
        lines = [line for line in (clean(v) for v in verses(module)) if line]
    # mtime 0 keeps the archive byte-identical from run to run.
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(("\n".join(lines) + "\n").encode())
    print(f"{out}: {len(lines)} lines, {sum(len(l.split()) for l in lines)} words")


if __name__ == "__main__":
    main()
