#!/usr/bin/env bash
# Runs LineChat, the C reference relay and whichever anchors are installed (ngIRCd, InspIRCd,
# SwiftNIO's NIOChatServer) through the same linechat-bench scenarios and prints one table of
# medians. `linechat-irc` is LineChat driven like the IRC anchors (the `irc` adapter: NICK + USER,
# JOIN #bench, PRIVMSG #bench), so that it and they do the same work. Each server is pinned to CPU 0 and the load generator to CPU 1 with taskset, each run
# gets a freshly started server, and every figure is the median of $RUNS runs.
#
# It installs nothing. A missing anchor is skipped with the command that would install it.
#
#   Benchmarks/compare.sh                       # everything, medians of 3 (about 25 minutes)
#   RUNS=1 SCENARIOS="fanout100 latency" Benchmarks/compare.sh
#   SERVERS="linechat relay" Benchmarks/compare.sh
#   SERVERS="linechat-irc relay ngircd inspircd" SCENARIOS="fanout100 fanout1000" Benchmarks/compare.sh
#
# Environment: RUNS (3), SCENARIOS (fanout100 fanout1000 fanout100w4 efficiency latency idle connect; also
# joinstorm: 10,000 users in rooms of 10 and one room of everyone, storm time and RSS after it),
# SERVERS (linechat linechat-irc relay ngircd inspircd nio), IDLE_CONNECTIONS (19900), IDLE_HOLD (30),
# NIO_DIR (/tmp/nio-anchor), LINECHAT_FLAGS (extra linechat-server flags, e.g. --no-history),
# RELAY_SOURCE (../shared/bench/relay.c), WORK (/tmp/linechat-compare),
# RESULTS (a file that receives every run's JSON line; default $WORK/results.jsonl).
# TLS scenarios (not in the default set): tlsfanout100, tlsfanout1000, tlsconnect, tlsidle, the
# plain ones over TLS (linechat-bench --tls, no certificate verification) against each server's
# TLS port (plain port + 10), with one EC P-256 self-signed certificate made into $WORK per run;
# the relay and NIOChatServer have no TLS and sit them out. TLS_IDLE_CONNECTIONS (5000).
#   RUNS=3 SERVERS="linechat linechat-irc ngircd inspircd" SCENARIOS="tlsfanout100 tlsfanout1000 tlsconnect tlsidle" Benchmarks/compare.sh
# Smaller runs (smoke tests): CONNECT_CONNECTIONS (5000; connect and tlsconnect),
# FANOUT100_MESSAGES (10000; fanout100 and tlsfanout100), FANOUT1000_MESSAGES (2000; fanout1000
# and tlsfanout1000).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-3}
SCENARIOS=${SCENARIOS:-"fanout100 fanout1000 fanout100w4 efficiency latency idle connect"}
SERVERS=${SERVERS:-"linechat linechat-irc relay ngircd inspircd nio"}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-19900}
IDLE_HOLD=${IDLE_HOLD:-30}
TLS_IDLE_CONNECTIONS=${TLS_IDLE_CONNECTIONS:-5000}
CONNECT_CONNECTIONS=${CONNECT_CONNECTIONS:-5000}
FANOUT100_MESSAGES=${FANOUT100_MESSAGES:-10000}
FANOUT1000_MESSAGES=${FANOUT1000_MESSAGES:-2000}
NIO_DIR=${NIO_DIR:-/tmp/nio-anchor}
RELAY_SOURCE=${RELAY_SOURCE:-$ROOT/../shared/bench/relay.c}
WORK=${WORK:-/tmp/linechat-compare}
RESULTS=${RESULTS:-$WORK/results.jsonl}
SERVER_CPU=0
CLIENT_CPU=1
mkdir -p "$WORK"

# Two comparisons at once would share ports and CPUs and spoil each other: wait for the other.
exec 9>/tmp/linechat-compare.lock
if ! flock -n 9; then
    printf 'another compare.sh is running; waiting for it to finish...\n' >&2
    flock 9
fi
: > "$RESULTS"

say() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------------------------------------
# Builds: LineChat and the load generator in release, the relay with gcc -O2, NIOChatServer
# from swift-nio 2.101.3 in $NIO_DIR (outside the repository).
say "building LineChat (release)..."
(cd "$ROOT" && swift build -c release --scratch-path .build-bench >&2)
BIN="$ROOT/.build-bench/release"
BENCH="$BIN/linechat-bench"

declare -A AVAILABLE=()
for server in $SERVERS; do
    case $server in
    linechat | linechat-irc) AVAILABLE[$server]=1 ;;
    relay)
        if [[ -f $RELAY_SOURCE ]] && command -v gcc >/dev/null; then
            mkdir -p "$ROOT/.build-relay"
            gcc -O2 -o "$ROOT/.build-relay/relay" "$RELAY_SOURCE"
            AVAILABLE[relay]=1
        else
            say "skipping the relay: $RELAY_SOURCE or gcc is missing"
        fi ;;
    ngircd)
        if command -v ngircd >/dev/null; then AVAILABLE[ngircd]=1
        else say "skipping ngIRCd: not installed (apt-get update && apt-get install -y ngircd)"; fi ;;
    inspircd)
        if command -v inspircd >/dev/null; then AVAILABLE[inspircd]=1
        else say "skipping InspIRCd: not installed (apt-get update && apt-get install -y inspircd)"; fi ;;
    nio)
        if [[ ! -x $NIO_DIR/.build/release/NIOChatServer && -d $NIO_DIR/.git ]]; then
            say "building NIOChatServer in $NIO_DIR..."
            (cd "$NIO_DIR" && swift build -c release --product NIOChatServer >&2) || true
        fi
        if [[ -x $NIO_DIR/.build/release/NIOChatServer ]]; then AVAILABLE[nio]=1
        else
            say "skipping NIOChatServer: build it outside the repository with"
            say "  git clone --branch 2.101.3 https://github.com/apple/swift-nio.git $NIO_DIR"
            say "  (cd $NIO_DIR && swift build -c release --product NIOChatServer)"
        fi ;;
    *) say "unknown server '$server'"; exit 64 ;;
    esac
done

# ---------------------------------------------------------------------------------------------
# TLS: one certificate for every server, made once per run (EC P-256, self-signed, CN=localhost).
is_tls() { [[ $1 == tls* ]]; }
has_tls() { case $1 in linechat | linechat-irc | ngircd | inspircd) return 0 ;; *) return 1 ;; esac; }
CERT="$WORK/cert.pem"
KEY="$WORK/key.pem"
if [[ " $SCENARIOS " == *" tls"* ]]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
        -keyout "$KEY" -out "$CERT" 2>/dev/null
fi

# ---------------------------------------------------------------------------------------------
# Anchor configurations. Every limit that would throttle or refuse the benchmark is relaxed;
# everything else is the package default. README.md lists these changes.
write_ngircd_conf() {
    cat > "$WORK/ngircd.conf" <<EOF
[Global]
    Name = bench.ngircd
    Info = linechat-bench anchor
    Listen = 127.0.0.1
    Ports = $1
    MotdPhrase = "benchmark"
    ServerUID = irc
    ServerGID = irc
[Limits]
    # 0: no limit on connections, per IP or in total (defaults 500 and 5 in this package).
    MaxConnections = 0
    MaxConnectionsIP = 0
    # Disable the penalty (command throttling) mechanism altogether.
    MaxPenaltyTime = 0
    MaxNickLength = 30
    # No PING from the server during the idle hold.
    PingTimeout = 3600
    PongTimeout = 3600
[Options]
    # No DNS or ident lookups on connect (they would time out on this machine).
    DNS = no
    Ident = no
    PAM = no
EOF
    # TLS (GnuTLS): the certificate and a port; ciphers and everything else as packaged. Without
    # a DHFile ngIRCd makes 2048-bit DH parameters at each start, before it listens.
    if [[ -n ${2:-} ]]; then
        cat >> "$WORK/ngircd.conf" <<EOF
[SSL]
    CertFile = $CERT
    KeyFile = $KEY
    Ports = $2
EOF
    fi
}

write_inspircd_conf() {
    cat > "$WORK/inspircd.conf" <<EOF
<server name="bench.inspircd" description="linechat-bench anchor" network="bench">
<admin name="bench" nick="bench" email="bench@localhost">
<bind address="127.0.0.1" port="$1" type="clients">
<connect allow="*" timeout="60" pingfreq="3600"
         localmax="100000" globalmax="100000" limit="100000" maxconnwarn="off"
         threshold="1000000" commandrate="100000000" fakelag="no"
         hardsendq="16777216" softsendq="16777216" recvq="16777216"
         resolvehostnames="no" useident="no">
<channels users="100" opers="100">
<dns server="127.0.0.1" timeout="1">
<pid file="$WORK/inspircd.pid">
<options prefixquit="Quit: " syntaxhints="no" announcets="yes" hostintopic="yes" pingwarning="15">
<security hideserver="" userstats="Pu" customversion="" flatlinks="no" hidesplits="no" hideulines="no" hidebans="no" maxtargets="20">
<performance quietbursts="yes" softlimit="20000" somaxconn="4096" netbuffersize="65000" clonesonconnect="no">
<limits maxnick="30">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="sparse" target="$WORK/inspircd.log">
EOF
    # TLS (GnuTLS): the module, a profile with the certificate, a client bind; the rest as packaged.
    if [[ -n ${2:-} ]]; then
        cat >> "$WORK/inspircd.conf" <<EOF
<module name="ssl_gnutls">
<sslprofile name="bench" provider="gnutls" certfile="$CERT" keyfile="$KEY">
<bind address="127.0.0.1" port="$2" type="clients" sslprofile="bench">
EOF
    fi
}

# Below the ephemeral range (32768-60999), so no client socket can hold a server port.
PORT_BASE=${PORT_BASE:-24700}
port_of() {
    case $1 in linechat | linechat-irc) echo $((PORT_BASE)) ;; relay) echo $((PORT_BASE + 1)) ;;
    ngircd) echo $((PORT_BASE + 2)) ;; inspircd) echo $((PORT_BASE + 3)) ;; nio) echo $((PORT_BASE + 4)) ;; esac
}
tls_port_of() { echo $(($(port_of "$1") + 10)); }
adapter_of() {
    case $1 in linechat | relay) echo linechat ;; linechat-irc | ngircd | inspircd) echo irc ;; nio) echo nio-chat ;; esac
}

SERVER_PID=""
start_server() { # start_server NAME [tls]: with tls, the server also listens for TLS on tls_port_of
    local name=$1 port tls_port="" wait_port
    port=$(port_of "$name")
    [[ ${2:-} == tls ]] && tls_port=$(tls_port_of "$name")
    for wait_port in $port $tls_port; do
        if (exec 3<>"/dev/tcp/127.0.0.1/$wait_port") 2>/dev/null; then
            say "port $wait_port is already in use: stop whatever listens there (or set PORT_BASE)"
            return 1
        fi
    done
    wait_port=${tls_port:-$port}
    case $name in
    linechat | linechat-irc)
        # Through the irc adapter, LineChat does what the anchors do: no default room to join
        # on arrival, only the rooms the clients JOIN. History is on, as shipped, in a fresh
        # directory each start.
        rm -rf "$WORK/$name-data"
        local room=()
        [[ $name == linechat-irc ]] && room=(--default-room none)
        local tls=()
        [[ -n $tls_port ]] && tls=(--tls-cert "$CERT" --tls-key "$KEY" --tls-port "$tls_port")
        taskset -c $SERVER_CPU "$BIN/linechat-server" --host 127.0.0.1 --port "$port" "${room[@]}" "${tls[@]}" \
            --max-clients 20000 --max-per-ip 20000 --flood-burst 1000000 --flood-rate 100000000 \
            --sendq-bytes 16777216 --log-level error --no-console --data-dir "$WORK/$name-data" \
            ${LINECHAT_FLAGS:-} >"$WORK/$name.log" 2>&1 &
        SERVER_PID=$! ;;
    relay)
        taskset -c $SERVER_CPU "$ROOT/.build-relay/relay" "$port" >"$WORK/relay.log" 2>&1 &
        SERVER_PID=$! ;;
    ngircd)
        write_ngircd_conf "$port" "$tls_port"
        taskset -c $SERVER_CPU ngircd --nodaemon --config "$WORK/ngircd.conf" >"$WORK/ngircd.log" 2>&1 &
        SERVER_PID=$! ;;
    inspircd)
        write_inspircd_conf "$port" "$tls_port"
        # With ssl_gnutls loaded, Debian's 3.15.0 dies of a segfault on SIGTERM (after the run;
        # with or without connections): no core file for it.
        (ulimit -c 0; exec taskset -c $SERVER_CPU inspircd --nofork --nopid --runasroot --config "$WORK/inspircd.conf" \
            >"$WORK/inspircd.out" 2>&1) &
        SERVER_PID=$! ;;
    nio)
        taskset -c $SERVER_CPU "$NIO_DIR/.build/release/NIOChatServer" 127.0.0.1 "$port" >"$WORK/nio.log" 2>&1 &
        SERVER_PID=$! ;;
    esac
    for _ in $(seq 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$wait_port") 2>/dev/null; then sleep 0.2; return 0; fi
        sleep 0.1
    done
    say "$name did not start listening on $wait_port (see $WORK/$name.*)"
    stop_server
    return 1
}

stop_server() {
    [[ -n $SERVER_PID ]] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}
trap stop_server EXIT

# ---------------------------------------------------------------------------------------------
# Scenarios: the arguments of one run, and the JSON field reported for it.
# NIOChatServer announces every new connection to every other one through a single dispatch
# queue (O(N^2) writes at about 0.15 M/s here), so it holds $IDLE_CONNECTIONS_NIO, not 19,900.
IDLE_CONNECTIONS_NIO=${IDLE_CONNECTIONS_NIO:-2000}
JOINSTORM_USERS=${JOINSTORM_USERS:-10000}
idle_connections() { if [[ $1 == nio ]]; then echo "$IDLE_CONNECTIONS_NIO"; else echo "$IDLE_CONNECTIONS"; fi; }
scenario_args() {
    case $1 in
    fanout100) echo "fanout --clients 100 --senders 10 --messages $FANOUT100_MESSAGES --payload 64" ;;
    fanout1000) echo "fanout --clients 1000 --senders 10 --messages $FANOUT1000_MESSAGES --payload 64" ;;
    # fanout100 with each sender at most 4 messages ahead: little batching for the server to use.
    fanout100w4) echo "fanout --clients 100 --senders 10 --messages 1000 --payload 64 --window 4" ;;
    # The same fan-out as fanout100, three times longer, so that CPU time (in 10 ms ticks) is
    # exact to a few per cent.
    efficiency) echo "fanout --clients 100 --senders 10 --messages 3000 --payload 64" ;;
    latency) echo "fanout --clients 100 --senders 10 --messages 1000 --payload 64 --rate 1000" ;;
    idle) echo "idle --connections $(idle_connections "$2") --hold $IDLE_HOLD --timeout 900" ;;
    connect) echo "connect --connections $CONNECT_CONNECTIONS --concurrency 64" ;;
    tlsfanout100) echo "fanout --clients 100 --senders 10 --messages $FANOUT100_MESSAGES --payload 64 --tls" ;;
    tlsfanout1000) echo "fanout --clients 1000 --senders 10 --messages $FANOUT1000_MESSAGES --payload 64 --tls" ;;
    tlsconnect) echo "connect --connections $CONNECT_CONNECTIONS --concurrency 64 --tls" ;;
    tlsidle) echo "idle --connections $TLS_IDLE_CONNECTIONS --hold $IDLE_HOLD --timeout 900 --tls" ;;
    joinstorm) echo "joinstorm --connections $JOINSTORM_USERS --room-size 10 --hold 5 --timeout 900" ;;
    esac
}
scenario_field() {
    case $1 in
    fanout100 | fanout1000 | fanout100w4 | tlsfanout100 | tlsfanout1000) echo deliveries_per_second ;;
    efficiency) echo per_server_cpu_second ;;
    latency) echo latency_p99_us ;;
    idle | tlsidle) echo rss_per_connection ;;
    connect | tlsconnect) echo handshakes_per_second ;;
    joinstorm) echo storm_seconds ;;
    joinstorm_rss) echo rss_per_connection ;;
    esac
}
scenario_title() {
    case $1 in
    fanout100) echo "fanout 100 clients, 10x$FANOUT100_MESSAGES msgs: deliveries/s" ;;
    fanout1000) echo "fanout 1000 clients, 10x$FANOUT1000_MESSAGES msgs: deliveries/s" ;;
    fanout100w4) echo "fanout 100 clients, window 4: deliveries/s" ;;
    efficiency) echo "deliveries per server CPU-second (10x3000 msgs)" ;;
    latency) echo "100 clients, 1000 msgs/s: p99 latency" ;;
    idle) echo "idle $IDLE_CONNECTIONS conns held ${IDLE_HOLD} s: server RSS/conn" ;;
    connect) echo "connect: handshakes/s" ;;
    tlsfanout100) echo "TLS fanout 100 clients, 10x$FANOUT100_MESSAGES msgs: deliveries/s" ;;
    tlsfanout1000) echo "TLS fanout 1000 clients, 10x$FANOUT1000_MESSAGES msgs: deliveries/s" ;;
    tlsconnect) echo "TLS connect: handshakes/s" ;;
    tlsidle) echo "TLS idle $TLS_IDLE_CONNECTIONS conns held ${IDLE_HOLD} s: server RSS/conn" ;;
    joinstorm) echo "join storm, $JOINSTORM_USERS users in rooms of 10 + one of all: seconds" ;;
    joinstorm_rss) echo "join storm: server RSS/conn after it" ;;
    esac
}

json_field() { # json_field FIELD < line
    sed -nE "s/.*\"$1\":(null|-?[0-9.eE+-]+).*/\1/p"
}

median() { # median of the numbers on stdin (the middle one, or the lower middle)
    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "null"; else print v[int((NR + 1) / 2)] }'
}

format_value() { # format_value SCENARIO VALUE
    local value=$2
    if [[ $value == null || -z $value ]]; then echo "-"; return; fi
    case $1 in
    fanout100 | fanout1000 | fanout100w4 | efficiency | connect | tlsfanout100 | tlsfanout1000 | tlsconnect)
        awk -v v="$value" 'BEGIN { if (v >= 1e6) printf "%.2f M", v / 1e6; else if (v >= 1e3) printf "%.1f k", v / 1e3; else printf "%.0f", v }' ;;
    latency) awk -v v="$value" 'BEGIN { printf "%.2f ms", v / 1000 }' ;;
    idle | tlsidle | joinstorm_rss) awk -v v="$value" 'BEGIN { printf "%.2f KiB", v / 1024 }' ;;
    joinstorm) awk -v v="$value" 'BEGIN { printf "%.2f s", v }' ;;
    esac
}

declare -A CELL=() CLEAN=() VALUES=() MEMORY=()
# Runs are interleaved (run 1 of every server, then run 2 of every server, ...): this machine
# drifts over minutes, and a server whose runs all came in a slow stretch would lose its ratio.
for scenario in $SCENARIOS; do
    servers=()
    for server in $SERVERS; do
        [[ -n ${AVAILABLE[$server]:-} ]] || continue
        [[ $scenario == joinstorm && ($server == nio || $server == relay) ]] && continue  # no rooms
        if is_tls "$scenario"; then has_tls "$server" || continue; fi  # no TLS: relay, nio
        servers+=("$server")
        VALUES[$scenario,$server]=""
        MEMORY[$scenario,$server]=""
        CLEAN[$scenario,$server]=0
    done
    for run in $(seq "$RUNS"); do
        for server in "${servers[@]}"; do
            tls=""
            is_tls "$scenario" && tls=tls
            port=$(port_of "$server")
            [[ -n $tls ]] && port=$(tls_port_of "$server")
            if ! start_server "$server" $tls; then CLEAN[$scenario,$server]=1; continue; fi
            say "$scenario · $server · run $run of $RUNS"
            # shellcheck disable=SC2046
            line=$(taskset -c $CLIENT_CPU "$BENCH" $(scenario_args "$scenario" "$server") --port "$port" \
                --adapter "$(adapter_of "$server")" --server-pid "$SERVER_PID" --json --no-progress || true)
            stop_server
            if [[ -z $line ]]; then CLEAN[$scenario,$server]=1; continue; fi
            printf '{"server":"%s","scenario_name":"%s","run":%d,"result":%s}\n' "$server" "$scenario" "$run" "$line" >>"$RESULTS"
            [[ $(json_field clean <<<"${line//\"clean\":true/\"clean\":1}") == 1 ]] || CLEAN[$scenario,$server]=1
            VALUES[$scenario,$server]+="$(json_field "$(scenario_field "$scenario")" <<<"$line")"$'\n'
            [[ $scenario == joinstorm ]] && MEMORY[$scenario,$server]+="$(json_field rss_per_connection <<<"$line")"$'\n'
        done
    done
    for server in "${servers[@]}"; do
        CELL[$scenario,$server]=$(printf '%s' "${VALUES[$scenario,$server]}" | { grep -v '^null$' | grep -v '^$' || true; } | median)
        if [[ $scenario == joinstorm ]]; then
            CELL[joinstorm_rss,$server]=$(printf '%s' "${MEMORY[$scenario,$server]}" | { grep -v '^null$' | grep -v '^$' || true; } | median)
            CLEAN[joinstorm_rss,$server]=${CLEAN[$scenario,$server]}
        fi
    done
done

# ---------------------------------------------------------------------------------------------
# The table: medians, then LineChat's ratio to the best anchor and to the relay.
title() {
    case $1 in linechat) echo LineChat ;; linechat-irc) echo "LineChat (irc)" ;; relay) echo "C relay" ;; ngircd) echo "ngIRCd" ;; inspircd) echo InspIRCd ;;
    nio) echo NIOChatServer ;; esac
}
present=()
for server in $SERVERS; do [[ -n ${AVAILABLE[$server]:-} ]] && present+=("$server"); done

header="| scenario |"
rule="|---|"
for server in "${present[@]}"; do header+=" $(title "$server") |"; rule+="---|"; done
header+=" LineChat / best anchor | LineChat / relay |"
rule+="---|---|"
IRC_PRESENT=""
[[ -n ${AVAILABLE[linechat-irc]:-} ]] && IRC_PRESENT=1
if [[ -n $IRC_PRESENT ]]; then
    header+=" LineChat (irc) / best anchor | LineChat (irc) / relay |"
    rule+="---|---|"
fi
echo
echo "$header"
echo "$rule"
ROWS=$SCENARIOS
[[ " $SCENARIOS " == *" joinstorm "* ]] && ROWS+=" joinstorm_rss"
for scenario in $ROWS; do
    row="| $(scenario_title "$scenario") |"
    best=""
    for server in "${present[@]}"; do
        value=${CELL[$scenario,$server]:-null}
        cell=$(format_value "$scenario" "$value")
        [[ ${CLEAN[$scenario,$server]:-0} == 1 ]] && cell+=" (!)"
        [[ $scenario == idle && $(idle_connections "$server") != "$IDLE_CONNECTIONS" ]] &&
            cell+=" ($(idle_connections "$server") conns)"
        row+=" $cell |"
        if [[ $server != linechat && $server != linechat-irc && $server != relay && $value != null ]]; then
            case $scenario in
            latency | idle | tlsidle | joinstorm | joinstorm_rss) best=$(printf '%s\n' $best "$value" | sort -g | head -1) ;;
            *) best=$(printf '%s\n' $best "$value" | sort -g | tail -1) ;;
            esac
        fi
    done
    mine=${CELL[$scenario,linechat]:-null}
    relay=${CELL[$scenario,relay]:-null}
    ratio() { [[ $1 != null && -n $2 && $2 != null ]] && awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }' || echo "-"; }
    row+=" $(ratio "$mine" "$best") | $(ratio "$mine" "$relay") |"
    if [[ -n $IRC_PRESENT ]]; then
        irc=${CELL[$scenario,linechat-irc]:-null}
        row+=" $(ratio "$irc" "$best") | $(ratio "$irc" "$relay") |"
    fi
    echo "$row"
done
echo
echo "Medians of $RUNS runs; (!) marks a cell where a run lost, duplicated or reordered deliveries, or logged errors."
echo "For latency, memory and the join storm, lower is better (a ratio under 1 is LineChat ahead). Every run's JSON: $RESULTS"
