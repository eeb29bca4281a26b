# The median of numbers, for the benchmark scripts' rounds: sourced, not run.
#
#   median 3 1 2     # prints 2 (of an even count, the lower middle one)
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
