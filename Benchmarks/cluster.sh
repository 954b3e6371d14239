#!/usr/bin/env bash
# LineChat as one node and as a cluster of three nodes sharing one Redis, in one run: the
# servers (and Redis) pinned to CPU 0, linechat-bench on CPU 1, fresh servers for each run,
# RUNS runs of each; prints deliveries per second, p99 latency and, for the cluster, the Redis
# commands per message: INFO commandstats before and after each run, less what a run of one
# message per sender costs (connecting, registering, joining), over the messages sent.
#   RUNS=3 Benchmarks/cluster.sh
# Needs redis-server (apt-get install redis-server). On a 2-core machine this shows what the
# cluster costs, not how it scales: every node and Redis share one core.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
BASE=${BASE:-36600}
CLIENTS=${CLIENTS:-100}
MESSAGES=${MESSAGES:-1000}
RATE=${RATE:-0}
swift build -c release --scratch-path .build-bench >&2
BIN=.build-bench/release
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"; pkill -P $$ 2>/dev/null || true' EXIT

wait_port() { for _ in $(seq 1 200); do nc -z 127.0.0.1 "$1" 2>/dev/null && return; sleep 0.05; done; echo "no server on $1" >&2; exit 1; }

start_node() {  # port [cluster flags]
    local port=$1; shift
    taskset -c 0 "$BIN/linechat-server" --host 127.0.0.1 --port "$port" --no-console --log-level warning \
        --max-per-ip 100000 --flood-burst 10000000 --flood-rate 100000000 --http-port none --metrics-port none \
        --data-dir "$WORK/data-$port" "$@" >"$WORK/node-$port.log" 2>&1 &
    echo $!
}

bench() {  # ports
    local rate=()
    [[ $RATE != 0 ]] && rate=(--rate "$RATE")
    taskset -c 1 "$BIN/linechat-bench" fanout --ports "$1" --clients "$CLIENTS" --senders 10 \
        --messages "${2:-$MESSAGES}" "${rate[@]}" --json --no-progress
}

field() { sed -nE "s/.*\"$1\":([0-9.e+-]+).*/\1/p"; }
calls() { redis-cli -p "$1" INFO commandstats | sed -nE 's/^cmdstat_[a-z|]+:calls=([0-9]+).*/\1/p' | paste -sd+ | bc; }

single() {
    local port=$((BASE + 1))
    rm -rf "$WORK"/data-*
    local pid; pid=$(start_node "$port")
    wait_port "$port"
    local out; out=$(bench "$port")
    kill -TERM "$pid"; wait "$pid" || true
    echo "$(echo "$out" | field deliveries_per_second) $(echo "$out" | field latency_p99_us) 0"
}

cluster() {  # nodes [messages]
    local nodes=$1 messages=${2:-$MESSAGES} redis=$((BASE + 9))
    rm -rf "$WORK"/data-*
    taskset -c 0 redis-server --port "$redis" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
        --logfile "$WORK/redis.log" &
    local redis_pid=$!
    wait_port "$redis"
    local pids=() ports=()
    for n in $(seq 1 "$nodes"); do
        local port=$((BASE + n))
        pids+=("$(start_node "$port" --cluster "redis://127.0.0.1:$redis" --node-name "n$n")")
        ports+=("$port")
    done
    for port in "${ports[@]}"; do wait_port "$port"; done
    local before; before=$(calls "$redis")
    local out; out=$(bench "$(IFS=,; echo "${ports[*]}")" "$messages")
    local after; after=$(calls "$redis")
    redis-cli -p "$redis" INFO commandstats | grep -E 'cmdstat_(xadd|xread|set|exists|hgetall)' >"$WORK/commandstats-$nodes"
    for pid in "${pids[@]}"; do kill -TERM "$pid"; done
    for pid in "${pids[@]}"; do while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done; done
    kill -TERM "$redis_pid"; wait "$redis_pid" || true
    local sent; sent=$(echo "$out" | field sent)
    echo "$(echo "$out" | field deliveries_per_second) $(echo "$out" | field latency_p99_us) $(( (after - before) )) $sent"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A rate p99 per base_calls base_sent
# What a run costs Redis besides its messages: a run of one message per sender.
for nodes in 1 3; do
    read -r _ _ x s <<<"$(cluster "$nodes" 1)"
    base_calls[$nodes]=$x
    base_sent[$nodes]=$s
done
for setup in single cluster1 cluster3; do
    r=(); l=(); c=()
    for _ in $(seq 1 "$RUNS"); do
        case $setup in
        single) read -r d p x <<<"$(single)"; n=0 ;;
        cluster1) read -r d p x s <<<"$(cluster 1)"; n=1 ;;
        cluster3) read -r d p x s <<<"$(cluster 3)"; n=3 ;;
        esac
        if [[ $n == 0 ]]; then
            c+=(0)
        else
            c+=("$(awk -v x="$x" -v s="$s" -v bx="${base_calls[$n]}" -v bs="${base_sent[$n]}" \
                'BEGIN { printf "%.2f", (x - bx) / (s - bs) }')")
        fi
        r+=("$d"); l+=("$p")
    done
    rate[$setup]=$(printf '%s\n' "${r[@]}" | median)
    p99[$setup]=$(printf '%s\n' "${l[@]}" | median)
    per[$setup]=$(printf '%s\n' "${c[@]}" | median)
    echo "$setup: deliveries/s ${r[*]}; p99 us ${l[*]}; Redis commands per message ${c[*]}" >&2
done
echo
echo "| setup ($CLIENTS clients, 10 senders x $MESSAGES messages, rate ${RATE:-0}) | deliveries/s | p99 latency | Redis commands per message |"
echo "|---|---|---|---|"
for setup in single cluster1 cluster3; do
    awk -v n="$setup" -v d="${rate[$setup]}" -v p="${p99[$setup]}" -v c="${per[$setup]}" 'BEGIN {
        label = (n == "single") ? "one server, no cluster" : (n == "cluster1") ? "cluster of 1 node" : "cluster of 3 nodes, clients spread"
        printf "| %s | %.2f M | %.1f ms | %s |\n", label, d / 1e6, p / 1000, (n == "single") ? "-" : c }'
done
echo
echo "Medians of $RUNS runs. Commands per message: every Redis command of a run (XADD, XREAD, the"
echo "lease and its checks) less those of a run of one message per sender, over the extra messages."
echo "Command counts of the last 3-node run:"
cat "$WORK/commandstats-3"
