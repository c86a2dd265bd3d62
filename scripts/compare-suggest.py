#!/usr/bin/env python3
"""Runs two off-the-shelf extractors on the `fixtures/suggest/` corpus, for
the comparison rows in docs/BENCHMARKS.md (nothing of theirs is in the crate):

- GerapyAutoExtractor's `extract_list` on each case's first list page
  (it reads one page; it has no pager and no dates);
- GeneralNewsExtractor on every expected entry's article page (title,
  publish_time, author).

Needs `pip install gne gerapy-auto-extractor`. Run from the crate root:
`python3 scripts/compare-suggest.py`.
"""

import json
import os
import re
from urllib.parse import urljoin, urlparse

from gerapy_auto_extractor import extract_list
from gne import GeneralNewsExtractor

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "suggest")
BASE = "http://corpus.test/"


def read(case, path):
    p = os.path.join(ROOT, case, path)
    if p.endswith("/"):
        p += "index.html"
    raw = open(p, "rb").read()
    enc = "gbk" if b"charset=gbk" in raw[:500].lower() else "utf-8"
    return raw.decode(enc)


def local(url):
    return urlparse(url).path.lstrip("/")


def norm_date(s):
    """`2024-05-13 09:30` / RFC 3339 -> `2024-05-13 09:30` (or the date alone)."""
    m = re.search(r"(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?(?:[ T](\d{1,2}):(\d{2}))?", s or "")
    if not m:
        months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        e = re.search(r"([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})", s or "") or None
        f = re.search(r"(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})", s or "") or None
        if e and e.group(1).lower() in months:
            return f"{e.group(3)}-{months.index(e.group(1).lower()) + 1:02d}-{int(e.group(2)):02d}"
        if f and f.group(2).lower() in months:
            return f"{f.group(3)}-{months.index(f.group(2).lower()) + 1:02d}-{int(f.group(1)):02d}"
        return None
    y, mo, d, h, mi = m.groups()
    day = f"{y}-{int(mo):02d}-{int(d):02d}"
    return f"{day} {int(h):02d}:{mi}" if h else day


def main():
    gne = GeneralNewsExtractor()
    rows = []
    tot = {"exp": 0, "g_found": 0, "g_match": 0, "g_title": 0, "n_title": 0, "n_date": 0, "n_author": 0}
    for case in sorted(os.listdir(ROOT)):
        ep = os.path.join(ROOT, case, "expected.json")
        if not os.path.isfile(ep):
            continue
        exp = json.load(open(ep, encoding="utf-8"))
        list_url = urljoin(BASE, exp["list"])
        expected = {urljoin(list_url, e["link"]): e for e in exp["entries"]}
        found = extract_list(read(case, exp["list"])) or []
        urls = {}
        for item in found:
            u = urljoin(list_url, (item.get("url") or "").strip())
            urls.setdefault(u, (item.get("title") or "").strip())
        g_match = sum(1 for u in expected if u in urls)
        g_title = sum(1 for u, e in expected.items() if urls.get(u) == e["title"])
        n_title = n_date = n_author = 0
        for u, e in expected.items():
            r = gne.extract(read(case, local(u)))
            n_title += (r.get("title") or "").strip() == e["title"]
            want = norm_date(e["date"])
            got = norm_date(r.get("publish_time"))
            n_date += got is not None and want is not None and (got == want or (len(want) == 10 and got.startswith(want)))
            n_author += (r.get("author") or "").strip() == e["author"]
        n = len(expected)
        rows.append(f"| {case} | {g_match}/{n} ({len(urls) - g_match} extra) | {g_title}/{n} | 0/{n} | {n_title}/{n} | {n_date}/{n} | {n_author}/{n} |")
        for k, v in [("exp", n), ("g_found", len(urls)), ("g_match", g_match), ("g_title", g_title), ("n_title", n_title), ("n_date", n_date), ("n_author", n_author)]:
            tot[k] += v
    print("| page | Gerapy entries found/expected | Gerapy titles exact | Gerapy dates | GNE titles exact | GNE dates exact | GNE authors |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(r)
    e = tot["exp"]
    pct = lambda a, b: f"{100 * a / b:.0f}%" if b else "-"
    print(f"| **all** | {pct(tot['g_match'], e + tot['g_found'] - tot['g_match'])} | {pct(tot['g_title'], e)} | 0% | {pct(tot['n_title'], e)} | {pct(tot['n_date'], e)} | {pct(tot['n_author'], e)} |")


if __name__ == "__main__":
    main()
