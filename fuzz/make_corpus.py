#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets: fuzz/corpus/<target>/<name>.

Small hand-made inputs, a few of each shape the parser knows (and a few it refuses), so
that every run starts from the interesting paths. Run from anywhere; rewrites the folder.
"""
import gzip
import os
import shutil
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def binary_record(word, values, newline=True):
    data = word.encode() + b" " + struct.pack("<%df" % len(values), *values)
    return data + (b"\n" if newline else b"")


def binary_file(records, newline=True, header=None):
    dim = len(records[0][1]) if records else 1
    head = header if header is not None else b"%d %d\n" % (len(records), dim)
    return head + b"".join(binary_record(w, v, newline) for w, v in records)


VECTORS_TEXT = {
    "small": b"3 2\nthe 0.1 -0.2\nof 1e-3 2.5\nand -0 3.4028235e+38\n",
    "dim1": b"2 1\na 1\nb -1.5\n",
    "crlf-tabs": b"2 3\r\na\t1 2 3\r\nb 4\t5 6 \r\n",
    "fasttext-header": b"2 2 \nk\xc3\xb6nig 0.5 0.25\n\xe2\x82\xac 1 2\n",
    "duplicate": b"3 2\na 1 2\nb 3 4\na 5 6\n",
    "trailing-data": b"1 2\na 1 2\nb 3 4\n",
    "blank-lines": b"2 2\n\na 1 2\n\n  \nb +3 4e0\n",
    "denormal": b"2 2\nx 1e-45 -1.17549435e-38\ny 1.4e-45 3.4e38\n",
    "no-final-newline": b"1 2\na 1 2",
    "zero-vectors": b"0 4\n",
    "bad-value": b"2 2\na 1 2\nb 1 x2\n",
    "nan": b"1 2\na nan 1\n",
    "short": b"3 2\na 1 2\n",
    "huge-dim": b"1 1000000\na 1 2\n",
}

VECTORS_BINARY = {
    "small": binary_file([("the", [0.1, -0.2, 3.5]), ("of", [1e-3, 2.5, -0.0])]),
    "dim1": binary_file([("a", [1.0]), ("b", [-1.5]), ("c", [2.0 ** -140])]),
    "gensim-no-newline": binary_file([("a", [1.0, 2.0]), ("b", [3.0, 4.0])], newline=False),
    "unicode": binary_file([("k\u00f6nig", [0.5, 0.25]), ("\u20ac", [1.0, 2.0])]),
    "duplicate": binary_file([("a", [1.0, 2.0]), ("b", [3.0, 4.0]), ("a", [5.0, 6.0])]),
    "trailing-data": binary_file([("a", [1.0, 2.0])]) + b"junk\n",
    "digits-both-ways": b"1 1\na 1234\n",
    "short": binary_file([("a", [1.0, 2.0])], header=b"2 2\n"),
    "cut": binary_file([("a", [1.0, 2.0]), ("b", [3.0, 4.0])])[:-5],
    "infinite": binary_file([("a", [float("inf"), 1.0])]),
    "blank-floats": b"1 2\nw \x00\x00\x20\x41 \x00\x80\x3f\n",
}

def gzip_member(data, level=6):
    z = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return z.compress(data) + z.flush()


# fuzz_gzip: byte 0 the mode (even: compress the payload; odd: the payload as the file),
# byte 1 and 2 parameters, then the payload.
TEXT = b"the quick brown fox\njumps over the lazy dog\n" * 3
GZIP = {
    "compress": b"\x00\x06\x10" + TEXT,
    "compress-two-members": b"\x08\x33\x05" + TEXT,
    "compress-zero-padding": b"\x10\x05\x40" + TEXT,
    "compress-big-stored": b"\x36\x02\x80" + TEXT,
    "compress-garbage": b"\xc0\x07\x03" + TEXT,
    "compress-vectors": b"\x00\x06\x81" + VECTORS_TEXT["small"],
    "raw-gzip": b"\x01\x00\x20" + gzip.compress(TEXT, mtime=0),
    "raw-two-members": b"\x01\x00\x05" + gzip_member(b"abc\n") + gzip_member(b"def\n"),
    "raw-zeros": b"\x01\x00\x07" + gzip_member(TEXT) + b"\x00" * 9,
    "raw-garbage": b"\x01\x00\x07" + gzip_member(TEXT) + b"\x00\x00x",
    "raw-truncated": b"\x01\x00\x07" + gzip_member(TEXT)[:-6],
    "raw-plain": b"\x01\x00\x03" + TEXT,
    "raw-magic-only": b"\x01\x00\x03\x1f\x8b",
}

VOCAB = {
    "small": b"the 100\nof 50\nand 50\na 0\n",
    "crlf": b"k\xc3\xb6nig 3\r\n\xe2\x82\xac 2\r\n",
    "max-count": b"big 9223372036854775807\n",
    "overflow": b"a 9223372036854775807\nb 1\n",
    "duplicate": b"a 1\nb 2\na 3\n",
    "blank-lines": b"\nx 1\n\ny 2",
    "bad": b"a -1\n",
    "no-count": b"word\n",
}

ANALOGIES = {
    "small": (b": capital-common-countries\nAthens Greece Baghdad Iraq\n"
              b"Athens Greece Bangkok Thailand\n: gram1-adjective-to-adverb\n"
              b"amazing amazingly apparent apparently\n"),
    "blanks": b":   spaced name \t\r\n\ta\tb  c d \r\n\n: empty\n:\nw x y z\n",
    "question-first": b"a b c d\n",
    "three-words": b": s\na b c\n",
    "bad-utf8": b": s\na b c \xff\n",
}

SIMILARITY = {
    "wordsim": b"# comment\nlove\tsex\t6.77\ntiger\tcat\t7.35\ntiger\ttiger\t10.00\n",
    "spaces": b"New York\tcity\t5\nold  new   -1.5e-3\r\n",
    "exponent": b"a b 1e300\nc\td\t-0\n",
    "bad-score": b"a b inf\n",
    "two-fields": b"a\tb\n",
    "empty-word": b"a\t \t3\n",
}

CONFIG = {
    "basic": b'dim = 300\nmerge = "dot"\ncorpus = ["a.txt", "b.txt"]\noutput = "v.bin"\n',
    "section": b'[train]\nlr = 0.05\nfixed_scale = true\nadd_context = 0.25\nmin_count = 1\n',
    "flags": b"lowercase = true\nmax-word-bytes = 4\nquiet = false\nverbose = 1\n",
    "floats": b"sample = 1e-5\nns_exponent = -0.5\ncos_init = 1e-3\nmax_norm = 0\nscale_lr = 100\n",
    "ints": b"window = 1000\nnegative = 0\nepochs = 1\nthreads = 1024\nseed = 18446744073709551615\n",
    "strings": b'batch_negatives = "off"\ninput_side = "center"\nformat = "text"\n',
    "out-of-range": b"dim = 0\n",
    "unknown": b"dimension = 3\n",
    "other-section": b"[nearest]\nk = 3\n",
    "comments": b"# a comment\n\n  window = 3 # trailing\n",
    "array-scalar": b"dim = [1, 2]\n",
    "add-context": b"add-context = 100\nmax_vocab = 4294967294\n",
}

# fuzz_tokenizer: byte 0 options (bits 0-2 max_word_bytes index, bit 3 lowercase, high
# nibble block slack), byte 1 where to cut, then the text.
TOKENIZER = {
    "plain": b"\x06\x03hello world\nfoo\tbar  baz\r\n",
    "unicode-spaces": b"\x06\x05a\xc2\xa0b\xe2\x80\x80c\xe3\x80\x80d\xe2\x80\xa8e\xc2\x85f\n",
    "controls": b"\x06\x01a\x01b\x7fc\x00d\x1be\n",
    "invalid-utf8": b"\x06\x02ab\xff\xfecd \xc3 \xe2\x82 \xed\xa0\x80\n",
    "long-words": b"\x02\x04" + b"abcdefghijklmnop " + "\u00e9".encode() * 9 + b"\n",
    "lowercase": b"\x0e\x02\xc3\x80BC \xc4\xb0stanbul \xce\x91\xce\x92 \xd0\x90\xd0\x91\n",
    "lowercase-short": b"\x08\x01" + "\u0130\u0130\u0130\u0130\u0130".encode() + b" X\n",
    "long-no-space": b"\x10\x00" + b"x" * 40 + b" y\n",
    "control-only-separators": b"\x00\x00\x00\x00\x00\x00\x00n\x01i\x00\x00\x00\x00\x00\x00zs+\xf6",
}

# fuzz_expression: vocabulary lines, NUL, then the expression (its lines are also the
# command-line arguments).
EXPRESSION = {
    "analogy": b"king\nman\nwoman\nqueen\0king -man +woman",
    "operators": b"a\nb\0a - - b + - a",
    "signed-words": b"-LRB-\nLRB-\nx\0-LRB- +x -y",
    "arguments": b"king\nman\0king\n-man\n+\nqueen\n-\n-\nman",
    "blanks": b"a\0 \ta\r b\t",
    "no-table": b"just some words - +",
}

# Token caches and checkpoints (section_file.hpp), built here from the format itself.
def section_file(magic, version, sections):
    out = bytearray(magic + struct.pack("<II", version, 0))
    table = bytearray()
    for name, data, align in sections:
        out += b"\0" * ((-len(out)) % align)
        table += name.encode().ljust(24, b"\0")
        table += struct.pack("<QQII", len(out), len(data), zlib.crc32(data), 0)
        out += data
    offset = len(out)
    out += table
    out += struct.pack("<QIIII", offset, len(sections), zlib.crc32(table), version, 0)
    return bytes(out + b"W2V-END\0")


def text(s):
    return struct.pack("<Q", len(s)) + s


CACHE_WORDS = [(b"the", 5), (b"of", 3), (b"k\xc3\xb6nig", 2), (b"a", 1)]
CACHE_SECTIONS = [
    ("info", struct.pack("<QIQ", 100, 0, 1) + text(b"/c.txt") + struct.pack("<Qq", 30, 0)
     + struct.pack("<qqqqqqQ", 11, 0, 0, 0, 30, 0, 30000000), 64),
    ("counts", struct.pack("<4q", *[c for _, c in CACHE_WORDS]), 64),
    ("word_ends", struct.pack("<4Q", 3, 5, 11, 12), 64),
    ("words", b"".join(w for w, _ in CACHE_WORDS), 64),
    ("ids", struct.pack("<12I", 0, 1, 0, 0xFFFFFFFF, 2, 0, 1, 0, 0xFFFFFFFF, 3, 2, 1), 4096),
    ("block_ends", struct.pack("<2Q", 4, 12), 64),
]
JOB = [(b"dim", b"2"), (b"epochs", b"1"), (b"merge", b"cos"), (b"output", b"/v.bin")]
CHECKPOINT_SECTIONS = [
    ("job", struct.pack("<Q", len(JOB)) + b"".join(text(n) + text(v) for n, v in JOB), 64),
    ("inputs", struct.pack("<Q", 1) + text(b"/c.txt") + struct.pack("<Qq", 30, 7), 64),
    ("state", struct.pack("<QqQ", 2, 9, 1) + struct.pack("<Qdq", 1, 0.5, 40)
     + struct.pack("<Q", 1) + struct.pack("<QIqqddq", 12345, 0, 6, 40, 20.0, 0.0, 0)
     + struct.pack("<Ifff", 0, 5.0, 0.0, 2.0), 64),
    ("vocab_counts", struct.pack("<2q", 5, 3), 64),
    ("vocab_word_ends", struct.pack("<2Q", 3, 5), 64),
    ("vocab_words", b"theof", 64),
    ("words", struct.pack("<4f", 0.5, -0.25, 1.0, 0.0), 64),
    ("contexts", struct.pack("<4f", 0.1, 0.2, -0.3, 0.4), 64),
]
SEPARATOR = b"\xff\xfeSEC"
SECTIONS = {
    "cache": b"\x00" + section_file(b"W2VCACHE", 1, CACHE_SECTIONS),
    "checkpoint": b"\x01" + section_file(b"W2VCHECK", 1, CHECKPOINT_SECTIONS),
    "cache-sections": b"\x02" + SEPARATOR.join(d for _, d, _ in CACHE_SECTIONS),
    "checkpoint-sections": b"\x03" + SEPARATOR.join(d for _, d, _ in CHECKPOINT_SECTIONS),
    "cache-old-version": b"\x00" + section_file(b"W2VCACHE", 0, CACHE_SECTIONS),
    "not-a-file": b"\x00W2VCACHE",
}

TARGETS = {
    "vectors_text": VECTORS_TEXT,
    "vectors_binary": VECTORS_BINARY,
    "gzip": GZIP,
    "vocab": VOCAB,
    "analogies": ANALOGIES,
    "similarity": SIMILARITY,
    "config": CONFIG,
    "tokenizer": TOKENIZER,
    "expression": EXPRESSION,
    "sections": SECTIONS,
}


def main():
    if os.path.isdir(CORPUS):
        shutil.rmtree(CORPUS)
    for target, seeds in TARGETS.items():
        folder = os.path.join(CORPUS, target)
        os.makedirs(folder)
        for name, data in seeds.items():
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
