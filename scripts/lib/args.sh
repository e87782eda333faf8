# shellcheck shell=bash
# Sourced by the benchmark scripts, after they set USAGE.
# usage_error MESSAGE: the script's name, MESSAGE and the usage on standard error; exit 2.
usage_error() { echo "$(basename "$0"): $*" >&2; echo "$USAGE" >&2; exit 2; }
# count OPTION VALUE: VALUE if it is a whole number of at least 1
count() {
  [[ ${2-} =~ ^[1-9][0-9]*$ ]] || usage_error "$1 takes a whole number of at least 1, got '${2-}'"
  echo "$2"
}
# help_text: the script's header comment, without the '#!' line
help_text() { awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0"; }
# one_corpus CURRENT NEW: NEW, unless a corpus was given already
one_corpus() {
  [ -z "$1" ] || usage_error "one corpus only, got '$1' and '$2'"
  echo "$2"
}
# check_corpus CORPUS: fails unless CORPUS names a file
check_corpus() { [ -f "$1" ] || usage_error "no corpus file${1:+ '$1'}"; }
