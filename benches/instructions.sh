#!/usr/bin/env bash
# Instructions per call, counted by callgrind in the client process only (the canned
# server of benches/compare.rs runs in another process), for the four clients and four
# request kinds of `cargo bench --bench compare`. Instruction counts repeat from run
# to run, unlike CPU time on a shared machine. Needs valgrind.
#
#   bash benches/instructions.sh [CALLS]
#       the table: instructions per call, and the ratios the targets are about
#   bash benches/instructions.sh --profile CLIENT KIND [CALLS] [IN_FLIGHT]
#       where the instructions of one client go: callgrind_annotate, inclusive
#       (PROFILE_SELF=1: self), per call, start-up subtracted (CLIENT: raw-hyper hand-reqwest mgc-hyper mgc-reqwest;
#       KIND: get list create start)
set -euo pipefail
cd "$(dirname "$0")/.."
exe=$(cargo bench --bench compare --no-run 2>&1 | grep -o 'target/release/deps/compare-[0-9a-f]*' | head -1)
addr_file=$(mktemp)
"$exe" --serve > "$addr_file" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$addr_file"' EXIT
for _ in $(seq 1 100); do [ -s "$addr_file" ] && break; sleep 0.1; done
addr=$(head -1 "$addr_file")

if [ "${1:-}" = "--profile" ]; then
  client=$2 kind=$3 calls=${4:-3000} in_flight=${5:-1}
  # PROFILE_SELF=1: each function's own instructions, without its callees'.
  inclusive=yes what=inclusive
  [ "${PROFILE_SELF:-0}" = 1 ] && inclusive=no what=self
  # Two profiles, with CALLS calls and with none; the difference, divided by CALLS,
  # is what one call costs, without the start-up (TLS roots, runtime, connect).
  inclusive() { # calls -> "instructions<TAB>function" lines
    local out
    out=$(mktemp)
    valgrind --tool=callgrind --dump-instr=no --callgrind-out-file="$out" \
      "$exe" --only "$client" "$kind" "$1" "$addr" "$in_flight" > /dev/null 2>&1
    callgrind_annotate --inclusive="$inclusive" --threshold=100 "$out" 2>/dev/null | awk '
      /^ *[0-9,]+ / { n = $1; gsub(",", "", n); line = $0
                      sub(/^ *[0-9,]+ *(\([ 0-9.]+%\))? */, "", line)
                      sub(/ \[[^]]*\]$/, "", line); sub(/^\?\?\?:/, "", line)
                      print n "\t" line }'
    rm -f "$out"
  }
  base=$(mktemp)
  inclusive 0 > "$base"
  echo "callgrind, $client $kind, $in_flight in flight: $what instructions per call (a run of $calls calls minus a run of none)"
  inclusive "$calls" | awk -F'\t' -v calls="$calls" '
    FNR == NR { before[$2] += $1; next }
    { per = ($1 - before[$2]) / calls; if (per >= 100) printf "%10.0f  %s\n", per, $2 }' "$base" - \
    | sort -rn | head -"${PROFILE_LINES:-80}"
  rm -f "$base"
  exit 0
fi

calls=${1:-2000}
count() { # client kind calls -> total instructions
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$exe" --only "$1" "$2" "$3" "$addr" 2>&1 \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
for kind in get list create start; do
  n=$calls
  [ "$kind" = list ] && n=$(( calls / 10 ))
  for client in raw-hyper hand-reqwest mgc-hyper mgc-reqwest; do
    base=$(count "$client" "$kind" 0)
    total=$(count "$client" "$kind" "$n")
    echo "$kind $client $(( (total - base) / n ))"
  done
done | awk '
  { per[$1, $2] = $3; if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
  END {
    printf "Instructions per call (callgrind, client process only, sequential):\n\n"
    printf "| request | raw hyper | hand reqwest | mgc hyper leaf (default) | mgc reqwest leaf | default leaf / hand reqwest (<= 1.10x) | hyper leaf / raw hyper (<= 1.15x) | reqwest leaf / hand reqwest |\n"
    printf "|---|---:|---:|---:|---:|---:|---:|---:|\n"
    for (i = 1; i <= k; i++) {
      q = order[i]
      printf "| %s | %d | %d | %d | %d | %.3fx | %.3fx | %.3fx |\n", q,
        per[q, "raw-hyper"], per[q, "hand-reqwest"], per[q, "mgc-hyper"], per[q, "mgc-reqwest"],
        per[q, "mgc-hyper"] / per[q, "hand-reqwest"], per[q, "mgc-hyper"] / per[q, "raw-hyper"],
        per[q, "mgc-reqwest"] / per[q, "hand-reqwest"]
    }
  }'
