#!/usr/bin/env bash
# Runs the W3C feed validator (https://github.com/w3c/feedvalidator, Python;
# not on PyPI, not part of CI, none of its code is in this repository) on
# every RSS and Atom feed of the fixture portal, and checks the JSON Feed
# 1.1 required fields of every JSON feed.
#
# Usage: scripts/w3c-validate.sh /path/to/unpacked/feedvalidator [port]
#   The validator directory is a checkout or `git archive` of
#   w3c/feedvalidator (it has src/demo.py). Its Python deps (lxml, html5lib,
#   rdflib) are installed into a throwaway venv under /tmp on first use.
#   The script builds and starts `portalfeed demo --listen 127.0.0.1:PORT`
#   (default 18089; debug build), waits for the first scrape, saves each
#   feed under $OUT (default /tmp/w3c-feeds), validates each over loopback
#   at the "AA" level (what the online validator shows), prints per feed
#   the error and warning counts, and stops the demo. Exit 1 when any
#   feed has an error or warning.
set -euo pipefail

fv=${1:?usage: $0 /path/to/feedvalidator [port]}
port=${2:-18089}
out=${OUT:-/tmp/w3c-feeds}
venv=${VENV:-/tmp/w3c-feedvalidator-venv}
[ -f "$fv/src/demo.py" ] || { echo "$fv/src/demo.py not found" >&2; exit 2; }
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q lxml html5lib rdflib
fi
cd "$(dirname "$0")/.."
cargo build -q
mkdir -p "$out"
log="$out/demo.log"
./target/debug/portalfeed demo --listen "127.0.0.1:$port" >"$log" 2>&1 &
demo=$!
trap 'kill "$demo" 2>/dev/null || true; wait "$demo" 2>/dev/null || true' EXIT
# The first scrape of every section is logged as `scrape section=...`.
sections=0
for _ in $(seq 1 60); do
    sections=$(grep -c '^  http://.*/feeds/.*\.rss$' "$log" || true)
    scraped=$(grep -c 'scrape section=' "$log" || true)
    if [ "$sections" -gt 1 ] && [ "$scraped" -ge $((sections - 1)) ]; then break; fi
    sleep 1
done
bad=0
printf '%-48s %6s %8s\n' feed errors warnings
for url in $(grep -o "http://127.0.0.1:$port/feeds/[^ ]*" "$log"); do
    file="$out/$(echo "${url#*/feeds/}" | tr / _)"
    curl -sf -o "$file" "$url"
    case "$url" in
    *.json)
        report=$("$venv/bin/python" - "$file" <<'PY'
import json, sys
# JSON Feed 1.1: version and title required on the feed; id required on
# each item, with content_html or content_text.
f = json.load(open(sys.argv[1], encoding="utf-8"))
errs = []
if f.get("version") != "https://jsonfeed.org/version/1.1": errs.append("version")
if not isinstance(f.get("title"), str) or not f["title"]: errs.append("title")
if not isinstance(f.get("items"), list): errs.append("items")
for i, it in enumerate(f.get("items") or []):
    if not isinstance(it.get("id"), str) or not it["id"]: errs.append(f"item {i}: id")
    if not ("content_html" in it or "content_text" in it): errs.append(f"item {i}: content")
print(len(errs), 0, "; ".join(errs))
PY
)
        read -r errors warnings detail <<<"$report"
        ;;
    *)
        text=$(cd "$fv/src" && "$venv/bin/python" demo.py "$url" AA 2>&1 | tail -n +2 || true)
        if [ "$text" = "No errors or warnings" ]; then
            errors=0 warnings=0 detail=
        else
            # demo.py prints events without their class; ask the level.
            errors=$(cd "$fv/src" && "$venv/bin/python" - "$url" <<'PY'
import sys, urllib.request, feedvalidator
from feedvalidator import compatibility
from feedvalidator.logging import Error, Warning
ev = compatibility.AA(feedvalidator.validateURL(sys.argv[1], firstOccurrenceOnly=1)["loggedEvents"])
print(sum(isinstance(e, Error) for e in ev), sum(isinstance(e, Warning) for e in ev))
PY
)
            read -r errors warnings <<<"$errors"
            detail=$text
        fi
        ;;
    esac
    printf '%-48s %6s %8s\n' "${url#*/feeds/}" "$errors" "$warnings"
    [ -n "${detail:-}" ] && printf '    %s\n' "$detail"
    if [ "$errors" != 0 ] || [ "$warnings" != 0 ]; then bad=1; fi
done
exit "$bad"
