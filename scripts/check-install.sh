#!/bin/sh
# Installs the build in BUILD_DIR (default build/) twice, with `cmake --install` into a
# scratch prefix and as the .deb that `cpack -G DEB` makes there unpacked into a scratch
# root, and checks each: `w2v --version`, `man -w w2v`, the bash completion, and `w2v eval`
# finding the evaluation sets installed beside it. Needs dpkg-dev and man-db
# (scripts/install-deps.sh --test).
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

fail() {
  echo "check-install: $*" >&2
  exit 1
}

# check PREFIX: the installed files work.
check() {
  prefix=$1
  "$prefix/bin/w2v" --version | grep -q '^w2v ' || fail "$prefix/bin/w2v --version"
  man_path=$(MANPATH="$prefix/share/man" man -w w2v) || fail "man -w w2v in $prefix"
  [ "$man_path" = "$prefix/share/man/man1/w2v.1" ] || [ "$man_path" = "$prefix/share/man/man1/w2v.1.gz" ] ||
    fail "man -w w2v gave $man_path"
  MANPATH="$prefix/share/man" MANWIDTH=80 man w2v 2>/dev/null | grep -q 'W2V train' ||
    fail "the man page has no section for w2v train"
  completion="$prefix/share/bash-completion/completions/w2v"
  got=$(bash -c '. "$1"; COMP_WORDS=(w2v tr); COMP_CWORD=1; _w2v; echo "${COMPREPLY[*]}"' _ "$completion")
  [ "$got" = "train" ] || fail "bash completion of 'w2v tr' gave '$got'"
  got=$(bash -c '. "$1"; COMP_WORDS=(w2v train --di); COMP_CWORD=2; _w2v; echo "${COMPREPLY[*]}"' _ "$completion")
  [ "$got" = "--dim" ] || fail "bash completion of 'w2v train --di' gave '$got'"
  [ -s "$prefix/share/zsh/site-functions/_w2v" ] || fail "no zsh completion in $prefix"
  # eval with no sets: the ones installed in share/w2v/eval.
  printf '3 2\nking 0.5 0.25\nqueen 0.5 0.3\nman 0.1 0.9\n' >"$tmp/v.txt"
  "$prefix/bin/w2v" eval "$tmp/v.txt" | grep -q 'EN-WS-353-ALL.txt' ||
    fail "w2v eval without sets did not use the installed ones"
}

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
check "$tmp/prefix"
echo "cmake --install: ok"

rm -f "$build"/w2v_*.deb
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/w2v_*.deb)
depends=$(dpkg-deb -f "$deb" Depends)
echo "$depends" | grep -q 'libgomp1' || fail "the .deb's Depends lacks libgomp1: $depends"
echo "$depends" | grep -q 'libspdlog' || fail "the .deb's Depends lacks spdlog: $depends"
dpkg-deb -x "$deb" "$tmp/root"
check "$tmp/root/usr"
echo "$(basename "$deb"): ok (Depends: $depends)"
