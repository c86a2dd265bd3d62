#!/usr/bin/env python3
"""Store load on loopback: N sections on a generated origin, measured.

    scripts/store-load.py N [--bin target/release/portalfeed]

The origin: sites of 10 sections, each site on its own 127.0.0.x host (one
port), each section a list page of 20 entries, each entry an article page of
~3 KB. portalfeed `serve` (SQLite in a temporary data_dir) scrapes it; the
script prints, as one Markdown table row and the details:

  fresh scrape wall and CPU time (until /healthz has no section pending),
  peak RSS (VmHWM) and settled RSS (VmRSS after the scrape),
  bytes written per unchanged rescrape of one section (/proc/PID/io
  write_bytes around admin refreshes; the origin answers the same pages),
  /healthz and / latency (median of 20; kept pages: also the median of 5
  first requests after the 1 s a page is kept, and the server's CPU per
  /healthz answer over 200 in a row),
  hot-feed req/s with wrk alone and while /healthz is polled,
  restart time (SIGTERM, start again, until a feed answers with entries).

Bounded: every wait has a deadline; the server and the origin stop at exit.
Needs wrk (apt-get install wrk) and a release build (cargo build --release).
"""

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

SECTIONS_PER_SITE = 10
ENTRIES = 20
PORT = 18301
LISTEN = "127.0.0.1:18300"
TOKEN = "store-load-token"
WORDS = "river bridge city council budget school road water health market".split()


def host_of(site):
    """Site `site`'s loopback address: 127.0.0.10, 127.0.0.11, ..., 127.0.1.0, ..."""
    n = 10 + site
    return f"127.0.{n // 256}.{n % 256}"


def article_html(site, sec, k):
    rnd = random.Random(site * 100000 + sec * 100 + k)
    paras = []
    size = 0
    while size < 3000:
        p = " ".join(rnd.choice(WORDS) for _ in range(40))
        paras.append(f"<p>{p}.</p>")
        size += len(p) + 8
    return (
        f"<html><head><title>Entry {k}</title></head><body>"
        f"<h1>Entry {site}-{sec}-{k}</h1><div class=\"date\">2024-05-{1 + k % 28:02d} 10:00</div>"
        f"<div class=\"content\">{''.join(paras)}</div></body></html>"
    )


def list_html(site, sec):
    items = "".join(
        f"<li><a href=\"/s{sec}/a{k}.html\">Entry {site}-{sec}-{k}</a>"
        f"<span>2024-05-{1 + k % 28:02d}</span></li>"
        for k in range(ENTRIES)
    )
    return f"<html><body><ul class=\"list\">{items}</ul></body></html>"


async def handle(reader, writer):
    try:
        line = await asyncio.wait_for(reader.readline(), 10)
        while (await asyncio.wait_for(reader.readline(), 10)) not in (b"\r\n", b"\n", b""):
            pass
        parts = line.decode("latin-1").split()
        path = parts[1] if len(parts) > 1 else "/"
        host = writer.get_extra_info("sockname")[0]
        o = host.split(".")
        site = int(o[2]) * 256 + int(o[3]) - 10
        status, body = 404, "not found"
        if path.endswith("/") and path.startswith("/s"):
            status, body = 200, list_html(site, int(path[2:-1]))
        elif path.startswith("/s") and "/a" in path:
            sec, art = path[2:].split("/a")
            status, body = 200, article_html(site, int(sec), int(art.split(".")[0]))
        data = body.encode()
        writer.write(
            f"HTTP/1.1 {status} X\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode() + data
        )
        await writer.drain()
    except Exception:
        pass
    finally:
        writer.close()


def start_origin(sites):
    loop = asyncio.new_event_loop()
    hosts = [host_of(s) for s in range(sites)]

    async def main():
        await asyncio.start_server(handle, host=hosts, port=PORT, backlog=1024)

    loop.run_until_complete(main())
    threading.Thread(target=loop.run_forever, daemon=True).start()


def config_text(n, data_dir):
    sites = (n + SECTIONS_PER_SITE - 1) // SECTIONS_PER_SITE
    out = [
        f'[server]\nlisten = "{LISTEN}"\npublic_url = "http://{LISTEN}"\n'
        f'data_dir = "{data_dir}"\nadmin_token_env = "PF_LOAD_TOKEN"\nmax_concurrent_fetches = 16\n\n'
        '[defaults]\ninterval = "6h"\nmax_items = 50\ntimeout = "10s"\nmin_delay = "0s"\n'
        "fetch_articles = true\nobey_robots = false\nallow_private = true\n"
    ]
    made = 0
    for s in range(sites):
        host = host_of(s)
        out.append(
            f'\n[[sites]]\nid = "site{s}"\ntitle = "Site {s}"\nurl = "http://{host}:{PORT}/"\n'
            'timezone = "Asia/Shanghai"\n'
            '  [sites.article]\n  title = "h1"\n  content = ".content"\n  date = ".date"\n'
        )
        for sec in range(SECTIONS_PER_SITE):
            if made == n:
                break
            made += 1
            out.append(
                f'  [[sites.sections]]\n  id = "sec{sec}"\n  title = "Section {sec}"\n'
                f'  url = "http://{host}:{PORT}/s{sec}/"\n'
                '    [sites.sections.list]\n    item = "ul.list > li"\n    link = "a"\n'
                '    title = "a"\n    date = "span"\n'
            )
    return "".join(out)


def get(url, headers=None, timeout=30):
    req = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, r.read()


def proc(pid, name):
    with open(f"/proc/{pid}/{name}") as f:
        return f.read()


def status_kb(pid, key):
    for line in proc(pid, "status").splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def cpu_s(pid):
    fields = proc(pid, "stat").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def write_bytes(pid):
    for line in proc(pid, "io").splitlines():
        if line.startswith("write_bytes:"):
            return int(line.split()[1])
    return 0


def healthz():
    try:
        _, body = get(f"http://{LISTEN}/healthz")
    except urllib.error.HTTPError as e:
        body = e.read()
    return json.loads(body)


def wait(what, cond, limit):
    start = time.time()
    while time.time() - start < limit:
        try:
            if cond():
                return time.time() - start
        except Exception:
            pass
        time.sleep(0.05)
    raise SystemExit(f"{what}: not within {limit} s")


def latency(url, n=20, pause=0.0):
    times = []
    for _ in range(n):
        time.sleep(pause)
        t = time.time()
        get(url)
        times.append((time.time() - t) * 1000)
    return statistics.median(times)


def wrk(url, seconds=5):
    out = subprocess.run(
        ["wrk", "-t1", "-c16", f"-d{seconds}s", url], capture_output=True, text=True, timeout=seconds + 30
    ).stdout
    for line in out.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    return 0.0


def with_pollers(measure, rate):
    """`measure()` while two threads poll /healthz, each on one keep-alive
    connection, `rate` times a second (None: back to back)."""
    import http.client

    stop = threading.Event()
    host, port = LISTEN.split(":")

    def poll():
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        while not stop.is_set():
            t = time.time()
            try:
                conn.request("GET", "/healthz")
                conn.getresponse().read()
            except Exception:
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
            if rate:
                time.sleep(max(0.0, 1 / rate - (time.time() - t)))
        conn.close()

    pollers = [threading.Thread(target=poll, daemon=True) for _ in range(2)]
    for p in pollers:
        p.start()
    try:
        return measure()
    finally:
        stop.set()
        for p in pollers:
            p.join(timeout=30)


def start(binary, cfg):
    env = dict(os.environ, PF_LOAD_TOKEN=TOKEN, RUST_LOG="warn")
    return subprocess.Popen([binary, "serve", "--config", cfg], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--bin", default="target/release/portalfeed")
    args = ap.parse_args()
    n = args.n
    sites = (n + SECTIONS_PER_SITE - 1) // SECTIONS_PER_SITE
    start_origin(sites)
    tmp = tempfile.mkdtemp(prefix="pf-store-load-")
    cfg = os.path.join(tmp, "load.toml")
    with open(cfg, "w") as f:
        f.write(config_text(n, os.path.join(tmp, "data")))
    server = start(args.bin, cfg)
    pid = server.pid
    try:
        wait("listening", lambda: healthz() is not None, 30)
        t0 = time.time()
        c0 = cpu_s(pid)
        wall = wait(
            "fresh scrape",
            lambda: all(s["state"] != "pending" for s in healthz()["sections"]),
            1200,
        ) + 0  # from the first /healthz answer
        cpu = cpu_s(pid) - c0
        failing = sum(1 for s in healthz()["sections"] if s["state"] == "failing")
        time.sleep(2)
        settled = status_kb(pid, "VmRSS") / 1024
        # Every feed rendered once (RSS, atom, json).
        for s in range(sites):
            for sec in range(SECTIONS_PER_SITE):
                for ext in ("rss", "atom", "json"):
                    try:
                        get(f"http://{LISTEN}/feeds/site{s}/sec{sec}.{ext}")
                    except Exception:
                        pass
        rendered = status_kb(pid, "VmRSS") / 1024
        # Unchanged rescrapes of one section (the origin answers the same).
        w0 = write_bytes(pid)
        rounds = 10
        for i in range(rounds):
            req = urllib.request.Request(
                f"http://{LISTEN}/api/sites/site0/sections/sec{i % SECTIONS_PER_SITE}/refresh",
                method="POST",
                headers={"Authorization": f"Bearer {TOKEN}"},
            )
            urllib.request.urlopen(req, timeout=60).read()
        time.sleep(1)
        per_rescrape = (write_bytes(pid) - w0) / rounds
        h_ms = latency(f"http://{LISTEN}/healthz")
        i_ms = latency(f"http://{LISTEN}/")
        # A page is kept at most 1 s: the first request after that renders.
        h_render_ms = latency(f"http://{LISTEN}/healthz", n=5, pause=1.1)
        i_render_ms = latency(f"http://{LISTEN}/", n=5, pause=1.1)
        # The server's CPU per /healthz answer, over 200 in a row.
        c0 = cpu_s(pid)
        for _ in range(200):
            get(f"http://{LISTEN}/healthz")
        h_cpu_ms = (cpu_s(pid) - c0) / 200 * 1000
        feed = f"http://{LISTEN}/feeds/site0/sec0.rss"
        alone = wrk(feed)
        # Two monitors polling /healthz: as fast as they can (each a Python
        # client on its own keep-alive connection, sharing the 2 cores with
        # the server and wrk), then each 20 times a second.
        polled = with_pollers(lambda: wrk(feed), None)
        polled_20 = with_pollers(lambda: wrk(feed), 20)
        peak = status_kb(pid, "VmHWM") / 1024
        # Restart.
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        t = time.time()
        server = start(args.bin, cfg)
        pid = server.pid

        def feed_ready():
            status, body = get(feed, timeout=5)
            return status == 200 and b"<item>" in body

        wait("restart", feed_ready, 120)
        restart = time.time() - t
        print(
            f"| {n:,} | {wall:.1f} s wall, {cpu:.1f} s CPU | {peak:.0f} MB peak, {settled:.0f} MB settled "
            f"({rendered:.0f} MB with every feed rendered) | {per_rescrape / 1024:.0f} KB | "
            f"{h_ms:.1f} ms ({h_render_ms:.1f} ms rendered, {h_cpu_ms:.2f} ms server CPU) | "
            f"{i_ms:.1f} ms ({i_render_ms:.1f} ms rendered) | {alone:,.0f} alone, {polled:,.0f} polled "
            f"({polled / alone if alone else 0:.2f}×), {polled_20:,.0f} at 20/s "
            f"({polled_20 / alone if alone else 0:.2f}×) | {restart:.2f} s |"
        )
        print(f"sections failing after the fresh scrape: {failing}", file=sys.stderr)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
