#!/usr/bin/env bash
# Soak on loopback, bounded (10 minutes by default, stops by itself):
#   - wrk at 256 connections on cached feeds, in 1-minute rounds;
#   - every section scraped every 10 s from a local copy of the fixture portal;
#   - a config edit through the admin API every 30 s (the local section's
#     title flips, so its feeds and the group's are rebuilt);
# and, per round, the service's resident memory, open file descriptors, the
# round's p99 latency and its errors. Needs wrk and curl.
#   scripts/soak.sh                      (MINUTES=10 CONNS=256 PROFILE=release)
#   MINUTES=2 PROFILE=debug scripts/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${MINUTES:-10}
CONNS=${CONNS:-256}
PROFILE=${PROFILE:-release}
PF_PORT=${PF_PORT:-18180}
PORTAL_PORT=${PORTAL_PORT:-18181}
TOKEN=soak-admin-token
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
# NO_BUILD=1: use the binary already built (e.g. in another CARGO_TARGET_DIR).
if [ "${NO_BUILD:-0}" = 1 ]; then
    :
elif [ "$PROFILE" = release ]; then
    cargo build --release --quiet --bin portalfeed
else
    cargo build --quiet --bin portalfeed
fi
bin=${CARGO_TARGET_DIR:-target}/$PROFILE/portalfeed

tmp=$(mktemp -d)
cleanup() {
    kill "${edit_pid:-}" "${pf_pid:-}" "${portal_pid:-}" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

# The origin: the fixture portal as static files.
python3 -m http.server "$PORTAL_PORT" --bind 127.0.0.1 --directory fixtures/portal \
    >"$tmp/portal.log" 2>&1 &
portal_pid=$!

# The demo config pointed at it: 10 s interval, loopback allowed, a store.
sed -e "s#http://portal.invalid#http://127.0.0.1:$PORTAL_PORT#g" \
    -e "s#^listen = .*#listen = \"127.0.0.1:$PF_PORT\"#" \
    -e "s#^public_url = .*#public_url = \"http://127.0.0.1:$PF_PORT\"#" \
    -e "s#^\# data_dir = .*#data_dir = \"$tmp/data\"#" \
    -e "s#^interval = .*#interval = \"10s\"#" \
    config/demo.toml >"$tmp/portalfeed.toml"
PORTALFEED_ADMIN_TOKEN=$TOKEN "$bin" serve --config "$tmp/portalfeed.toml" >"$tmp/pf.log" 2>&1 &
pf_pid=$!
base="http://127.0.0.1:$PF_PORT"
for _ in $(seq 1 200); do
    curl -fsS "$base/feeds/demo/local.rss" 2>/dev/null | grep -q "<item>" && break
    sleep 0.1
done

# A config edit every 30 s: flip the local section's title.
(
    n=0
    while true; do
        sleep 30
        n=$((n + 1))
        section=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$base/api/sites/demo/sections/local")
        title="Local (edit $n)"
        body=$(printf '%s' "$section" | python3 -c \
            'import json,sys; s=json.load(sys.stdin); s["title"]=sys.argv[1]; print(json.dumps(s))' "$title")
        code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H "Authorization: Bearer $TOKEN" \
            -H 'Content-Type: application/json' --data "$body" "$base/api/sites/demo/sections/local")
        echo "$code" >>"$tmp/edits"
    done
) &
edit_pid=$!

sample() { # round -> "rss_kib fds"
    echo "$(ps -o rss= -p "$pf_pid" | tr -d ' ') $(ls "/proc/$pf_pid/fd" | wc -l)"
}
feeds=(demo/local.rss demo/hot-news.atom demo.json demo/internationale.rss)
echo "soak: $MINUTES x 1-minute rounds, wrk -t2 -c$CONNS --latency, $PROFILE build, scrapes every 10 s, an edit every 30 s"
printf '%-6s %-28s %10s %8s %6s %10s %8s\n' round feed req/s p99 errors rss_MiB fds
read -r rss0 fds0 < <(sample)
printf '%-6s %-28s %10s %8s %6s %10s %8s\n' start - - - - "$((rss0 / 1024))" "$fds0"
errors_total=0
for round in $(seq 1 "$MINUTES"); do
    feed=${feeds[$(((round - 1) % ${#feeds[@]}))]}
    out=$(wrk -t2 -c"$CONNS" -d60s --latency "$base/feeds/$feed")
    rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
    p99=$(awk '$1=="99%"{print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/{print $NF}' <<<"$out")
    sock=$(awk -F'[ ,]+' '/Socket errors/{print $4+$6+$8+$10}' <<<"$out")
    errs=$(( ${non2xx:-0} + ${sock:-0} ))
    errors_total=$((errors_total + errs))
    read -r rss fds < <(sample)
    printf '%-6s %-28s %10s %8s %6s %10s %8s\n' "$round" "$feed" "$rps" "$p99" "$errs" "$((rss / 1024))" "$fds"
done
health=$(curl -fsS "$base/healthz" | python3 -c 'import json,sys; h=json.load(sys.stdin); print(h.get("status"), sum(1 for s in h["sections"] if s["state"]=="ok"), "of", len(h["sections"]), "sections ok")')
scrapes=$(curl -fsS "$base/metrics" | awk '/^portalfeed_scrapes_total/{s+=$2} END{print s+0}')
edits_ok=$(grep -c '^200$' "$tmp/edits" 2>/dev/null || true)
edits_all=$(wc -l <"$tmp/edits" 2>/dev/null || echo 0)
echo "wrk errors (non-2xx + socket): $errors_total; config edits answered 200: $edits_ok of $edits_all"
echo "scrapes counted by /metrics: $scrapes; healthz: $health"
echo "resident memory: $((rss0 / 1024)) MiB -> $((rss / 1024)) MiB; open fds: $fds0 -> $fds"
