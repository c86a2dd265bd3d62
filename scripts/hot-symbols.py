#!/usr/bin/env python3
"""Writes link/hot-symbols.txt: the functions `portalfeed demo` runs.

The release link places these functions first in .text (build.rs passes
the file to the linker as `--symbol-ordering-file`), so the code a running
service uses sits on a few contiguous pages instead of being spread over
the whole 10 MB of code. The kernel maps an executable's code in 64 KB
windows around each page it touches; with the used functions scattered,
nearly every window is touched and nearly all the code becomes resident.
docs/BENCHMARKS.md, "Idle memory of demo", has the figures.

How: run the release binary's `demo` under valgrind's callgrind a few
times (idle; serving every route and format; with valgrind's fair
scheduler, which runs threads in a different order), take the union of
the functions executed, keep those that the binary defines, and sort them
by name (stable diffs). Names carry rustc's hashes, which depend on the
toolchain and Cargo.lock, not on the checkout's path. A function that the
compiler's crate-local ThinLTO renamed gets a `.llvm.<hash>` suffix that
changes with any edit to its codegen unit; such a name is written as
`<name>.llvm.*`, which build.rs turns into a section pattern. Rerun this
after a toolchain or dependency update, or after larger changes to src/.
A stale entry costs nothing but its place; the linker skips names it
does not find.

    scripts/hot-symbols.py            (needs valgrind: apt-get install valgrind)
    scripts/hot-symbols.py --check    how much of the list the release binary
                                      still defines (no valgrind); exit 1
                                      below 95 %
"""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
BINARY = os.path.join(TARGET, "release", "portalfeed")
OUT = os.path.join(ROOT, "link", "hot-symbols.txt")
# Paths the serving run asks for, each in every format where it has one.
ROUTES = ["/", "/healthz", "/metrics", "/opml", "/opml?merged=1", "/admin"]
FEEDS = ["/feeds/demo", "/feeds/demo/local", "/feeds/demo/hot-news"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.read()
    except Exception:  # a 304, a 404 for a route the build lacks: no matter
        return b""


def run(valgrind_args, serve):
    """One callgrind run of `demo`; returns the executed function names."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "callgrind.out")
        proc = subprocess.Popen(
            ["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}"]
            + valgrind_args
            + [BINARY, "demo", "--listen", f"127.0.0.1:{port}"],
            cwd=d,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 300
        while time.time() < deadline and b"<item>" not in get(base + "/feeds/demo/local.rss"):
            time.sleep(1)
        if serve:
            for _ in range(3):
                for route in ROUTES:
                    get(base + route)
                for feed in FEEDS:
                    for ext in ("rss", "atom", "json"):
                        for enc in ("identity", "gzip", "br"):
                            get(f"{base}{feed}.{ext}", {"Accept-Encoding": enc})
                        get(f"{base}{feed}.{ext}", {"If-None-Match": '"x"'})
        # Idle long enough for the timers of a settled service to run.
        time.sleep(30)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=120)
        names = set()
        pattern = re.compile(r"^c?fn=\(\d+\) (.+)$")
        with open(out, errors="replace") as f:
            for line in f:
                m = pattern.match(line.rstrip("\n"))
                if m:
                    names.add(re.sub(r"'\d+$", "", m.group(1)))
        return names


def defined_functions():
    nm = subprocess.run(["nm", "--defined-only", BINARY], capture_output=True, text=True, check=True)
    return {f[2] for f in (l.split() for l in nm.stdout.splitlines()) if len(f) == 3 and f[1] in "tTwW"}


def check():
    """Exit 1 when the release binary lacks more than 5 % of the list."""
    with open(OUT) as f:
        listed = [n for n in f.read().split() if n]
    defined = defined_functions()
    bases = {n.split(".llvm.")[0] for n in defined if ".llvm." in n}
    missing = [
        n for n in listed if (n[: -len(".llvm.*")] not in bases if n.endswith(".llvm.*") else n not in defined)
    ]
    share = 1 - len(missing) / max(len(listed), 1)
    print(f"{OUT}: {len(listed) - len(missing)} of {len(listed)} functions in {BINARY} ({share:.1%})")
    for n in missing[:10]:
        print(f"  missing: {n}")
    if share < 0.95:
        sys.exit("the list is stale: rewrite it with scripts/hot-symbols.py")


def main():
    if not os.path.exists(BINARY):
        sys.exit(f"{BINARY} is missing: run `cargo build --release` first")
    if sys.argv[1:] == ["--check"]:
        check()
        return
    executed = set()
    for args, serve in (([], True), (["--fair-sched=yes"], False), ([], False)):
        names = run(args, serve)
        print(f"run {args or 'default'} serve={serve}: {len(names)} functions", file=sys.stderr)
        executed |= names
    hot = sorted({re.sub(r"\.llvm\.\d+$", ".llvm.*", n) for n in executed & defined_functions()})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("\n".join(hot) + "\n")
    print(f"{OUT}: {len(hot)} functions", file=sys.stderr)


if __name__ == "__main__":
    main()
