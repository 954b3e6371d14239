#!/usr/bin/env bash
# Instructions per delivery of room fan-out, counted by callgrind (stable on a busy machine):
# the release server under valgrind with one event loop, driven by `linechat-bench fanout
# --clients 100 --senders 10` with M1 and then M2 messages per sender; the difference of the two
# totals over the extra deliveries is the marginal cost of one delivery (start-up cancels out).
#   Benchmarks/callgrind-delivery.sh [server flags...]     e.g. --no-history
#   ADAPTER=irc Benchmarks/callgrind-delivery.sh          the bench's irc adapter (NICK+USER, PRIVMSG #bench)
#   CG_OUT=dir keeps each run's callgrind.out there (callgrind_annotate to see where the cost is)
# Needs valgrind and a release build (swift build -c release). valgrind 3.19 cannot read the DWARF 5
# debug information of a Swift 6.3 release build, so it runs a copy without it (symbols stay).
set -euo pipefail
cd "$(dirname "$0")/.."
SERVER=$(mktemp -d)/linechat-server
objcopy --strip-debug .build/release/linechat-server "$SERVER"
trap 'rm -rf "$(dirname "$SERVER")"' EXIT
M1=${M1:-100}
M2=${M2:-400}
ADAPTER=${ADAPTER:-linechat}
PORT=${PORT:-36400}
CLIENTS=100
SENDERS=10
total() {
    local messages=$1; shift
    local out
    out=$(mktemp -d)
    valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" "$SERVER" \
        --host 127.0.0.1 --port "$PORT" --no-console --event-loops 1 --log-level off --max-per-ip 100000 \
        --flood-burst 10000000 --flood-rate 100000000 --data-dir "$out/data" "$@" > "$out/log" 2>&1 &
    local server=$!
    for _ in $(seq 1 300); do nc -z 127.0.0.1 "$PORT" 2>/dev/null && break; sleep 0.1; done
    .build/release/linechat-bench fanout --port "$PORT" --clients $CLIENTS --senders $SENDERS \
        --messages "$messages" --adapter "$ADAPTER" --json --no-progress > "$out/bench.json"
    kill -TERM $server
    wait $server || true
    grep -E "^summary:|^totals:" "$out/cg.out" | head -1 | awk '{print $2}'
    if [ -n "${CG_OUT:-}" ]; then mkdir -p "$CG_OUT"; cp "$out/cg.out" "$CG_OUT/callgrind.out.$messages"; fi
    rm -rf "$out"
}
first=$(total "$M1" "$@")
second=$(total "$M2" "$@")
deliveries=$(( (M2 - M1) * SENDERS * (CLIENTS - 1) ))
awk -v a="$first" -v b="$second" -v d="$deliveries" \
    'BEGIN { printf "instructions per delivery: %.1f (%d - %d over %d deliveries)\n", (b - a) / d, b, a, d }'
