#!/usr/bin/env bash
# Load check on loopback: portalfeed's cached feed path against a bare hyper
# server sending the same bytes, with wrk. Bounded: a few 10-second runs.
#   scripts/load.sh            (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
PF=127.0.0.1:18080
BARE=127.0.0.1:18090
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
# NO_BUILD=1: use the binaries already built (e.g. in another CARGO_TARGET_DIR).
[ "${NO_BUILD:-0}" = 1 ] || cargo build --release --quiet --bin portalfeed --example bare_hyper
tmp=$(mktemp -d)
cleanup() { kill "${pf_pid:-}" "${bare_pid:-}" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

"${CARGO_TARGET_DIR:-target}"/release/portalfeed demo --listen "$PF" >"$tmp/demo.log" 2>&1 &
pf_pid=$!
feed="http://$PF/feeds/demo/local.rss"
for _ in $(seq 1 100); do
    if curl -fsS "$feed" -o "$tmp/feed.rss" 2>/dev/null && grep -q "<item>" "$tmp/feed.rss"; then break; fi
    sleep 0.1
done
etag=$(curl -fsSI "$feed" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
"${CARGO_TARGET_DIR:-target}"/release/examples/bare_hyper "$BARE" "$tmp/feed.rss" 2>/dev/null &
bare_pid=$!
sleep 0.5
bare_etag='"0123456789abcdef01234567"'

ROUNDS=${ROUNDS:-3}
run() { # name url header...   appends one wrk figure (req/s) to $tmp/name
    local name=$1 url=$2; shift 2
    local args=()
    for h in "$@"; do args+=(-H "$h"); done
    wrk -t1 -c"$CONNS" -d"$DURATION" "${args[@]}" "$url" | awk '/Requests\/sec/{print $2}' >>"$tmp/$name"
}

echo "feed: $(wc -c <"$tmp/feed.rss") bytes, $(grep -c '<item>' "$tmp/feed.rss") items; wrk -t1 -c$CONNS -d$DURATION, $ROUNDS alternating rounds, best of each"
# Alternate the two servers so that interference from other work on the
# machine hits both alike; report the best round of each.
for _ in $(seq 1 "$ROUNDS"); do
    run pf_200_identity "$feed"
    run bare_200_identity "http://$BARE/"
    run pf_200_gzip "$feed" "Accept-Encoding: gzip"
    run bare_200_gzip "http://$BARE/" "Accept-Encoding: gzip"
    run pf_304 "$feed" "If-None-Match: $etag"
    run bare_304 "http://$BARE/" "If-None-Match: $bare_etag"
done
best() { sort -g "$tmp/$1" | tail -n 1; }
printf '%-14s %14s %14s %7s\n' path portalfeed "bare hyper" ratio
for k in 200_identity 200_gzip 304; do
    a=$(best "pf_$k"); b=$(best "bare_$k")
    awk -v a="$a" -v b="$b" -v k="$k" 'BEGIN{printf "%-14s %14.0f %14.0f %7.2f\n", k, a, b, a/b}'
done
rss=$(ps -o rss= -p "$pf_pid")
echo "demo resident memory after the load: $((rss / 1024)) MiB"
