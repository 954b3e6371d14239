#!/usr/bin/env bash
# Room fan-out with history on beside the same fan-out with --no-history, in one run: the
# release server pinned to CPU 0 (its history thread too), linechat-bench on CPU 1, the two
# settings interleaved, RUNS times each; prints deliveries per second and the median ratio.
#   RUNS=3 Benchmarks/history-fanout.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
PORT=${PORT:-36500}
run() {  # clients messages [server flags]
    local clients=$1 messages=$2; shift 2
    local data
    data=$(mktemp -d)
    taskset -c 0 .build/release/linechat-server --host 127.0.0.1 --port "$PORT" --no-console --log-level off \
        --max-per-ip 100000 --flood-burst 10000000 --flood-rate 100000000 --data-dir "$data/d" "$@" &
    local server=$!
    for _ in $(seq 1 100); do nc -z 127.0.0.1 "$PORT" 2>/dev/null && break; sleep 0.05; done
    taskset -c 1 .build/release/linechat-bench fanout --port "$PORT" --clients "$clients" --senders 10 \
        --messages "$messages" --json --no-progress | sed -nE 's/.*"deliveries_per_second":([0-9.e+]+).*/\1/p'
    kill -TERM $server; wait $server || true
    rm -rf "$data"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for scenario in "100 1000" "1000 200"; do
    set -- $scenario
    on=(); off=()
    for _ in $(seq 1 "$RUNS"); do
        off+=("$(run "$1" "$2" --no-history)")
        on+=("$(run "$1" "$2")")
    done
    m_off=$(printf '%s\n' "${off[@]}" | median)
    m_on=$(printf '%s\n' "${on[@]}" | median)
    awk -v c="$1" -v a="$m_on" -v b="$m_off" -v on="${on[*]}" -v off="${off[*]}" 'BEGIN {
        printf "fanout %d clients: history on %.2f M/s, --no-history %.2f M/s, ratio %.2fx (runs on: %s; off: %s)\n",
            c, a / 1e6, b / 1e6, a / b, on, off }'
done
