#!/usr/bin/env bash
# Instructions per call of client.send(GetInstance) and of a hand-written reqwest +
# serde_json call, counted by callgrind in the client process only (the server runs
# in another process). Instruction counts repeat from run to run, unlike CPU time
# on a shared machine. Needs valgrind. Usage: bash benches/instructions.sh [CALLS]
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${1:-2000}
exe=$(cargo bench --bench overhead --no-run 2>&1 | grep -o 'target/release/deps/overhead-[0-9a-f]*' | head -1)
"$exe" --serve > /tmp/mgc-overhead-server.addr &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do [ -s /tmp/mgc-overhead-server.addr ] && break; sleep 0.1; done
addr=$(head -1 /tmp/mgc-overhead-server.addr)

count() { # kind calls -> total instructions
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$exe" --only "$1" "$2" "$addr" 2>&1 \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
for kind in hand ours ours-warn; do
  base=$(count "$kind" 0)
  total=$(count "$kind" "$calls")
  echo "$kind $(( (total - base) / calls ))"
done | awk '{ per[$1] = $2 } END {
  printf "instructions per call (callgrind, client process only):\n"
  printf "  hand-written reqwest + serde_json: %d\n", per["hand"]
  printf "  mgc client.send(GetInstance):      %d\n", per["ours"]
  printf "  ratio %.3fx\n", per["ours"] / per["hand"]
  printf "  mgc under a subscriber at WARN:     %d (spans off)\n", per["ours-warn"] }'
