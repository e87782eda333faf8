# Sourced by the benchmark scripts, after they set USAGE.
# usage_error MESSAGE: the script's name, MESSAGE and the usage on standard error; exit 2.
usage_error() { echo "$(basename "$0"): $*" >&2; echo "$USAGE" >&2; exit 2; }
# count OPTION VALUE: VALUE if it is a whole number of at least 1
count() {
  [[ ${2-} =~ ^[1-9][0-9]*$ ]] || usage_error "$1 takes a whole number of at least 1, got '${2-}'"
  echo "$2"
}
