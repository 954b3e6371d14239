#!/usr/bin/env bash
# Builds the LineParser libFuzzer target and runs it for a number of seconds (default 60).
#   fuzz/run.sh [seconds] [extra libFuzzer flags...]
# Everything it makes goes to .build-fuzz/ at the package root: the binary, the seed corpus
# (from the conformance transcripts), the growing corpus and any crash reproducers
# (.build-fuzz/artifacts/crash-*). Replay one with: .build-fuzz/fuzz-line-parser <file>
# FUZZ_ROUNDTRIP=report prints each verb's first round-trip failure instead of stopping on it.
# Exit status: 0 when the run found nothing; non-zero after a crash, a hang, or (in report
# mode) any round-trip failure. The whole output is also in .build-fuzz/last-run.log.
set -euo pipefail

seconds="${1:-60}"
shift || true
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.build-fuzz"
mkdir -p "$out/seeds" "$out/corpus" "$out/artifacts"

echo "building $out/fuzz-line-parser"
swiftc -sanitize=fuzzer,address -parse-as-library -O -swift-version 6 \
    -module-name LineProtocol \
    "$root/fuzz/FuzzLineParser.swift" "$root"/Sources/LineProtocol/*.swift \
    -o "$out/fuzz-line-parser" 2>&1 | { grep -v "Cannot export local symbol '__asan_" || true; }

# One seed per line a client sends in a transcript: `name> text` as it stands, `name>> bytes`
# with its escapes decoded (\r \n \t \e \0 \xHH \\, which printf %b understands).
rm -f "$out/seeds"/*
n=0
for transcript in "$root"/conformance/*.txt; do
    while IFS= read -r line; do
        case "$line" in
            [A-Za-z0-9_-]*'>> '*)
                printf '%b' "${line#*>> }" >"$out/seeds/seed-$n" ;;
            [A-Za-z0-9_-]*'> '*)
                printf '%s' "${line#*> }" >"$out/seeds/seed-$n" ;;
            *) continue ;;
        esac
        n=$((n + 1))
    done <"$transcript"
done
echo "seed corpus: $n lines from conformance/*.txt"

cd "$out"
# Let libFuzzer, not the Swift runtime's backtracer, handle a trap: faster, and it saves the input.
export SWIFT_BACKTRACE=enable=no
status=0
./fuzz-line-parser corpus seeds \
    -max_total_time="$seconds" -max_len=1024 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/" "$@" 2>&1 | tee "$out/last-run.log" || status=$?
if [ "$status" -eq 0 ] && grep -q '^ROUNDTRIP-FAIL' "$out/last-run.log"; then status=1; fi
exit "$status"
