"""Audit every page of the built site: Lighthouse scores, axe violations and page weight, as a table.

    .venv/bin/python tests/benchmarks/audit.py [--site DIR ...] [--pages /model/ ...] [--runs N]

Builds the site strictly (unless --site names a built one), serves it gzip-compressed on
127.0.0.1 and prints one Markdown row per page; Lighthouse scores are the median of --runs
runs (5 by default, as Lighthouse's documentation on variability advises), taken in rounds
over all the pages, as its scores vary with the machine's load. Next to them: the range of
the performance scores over the runs, and the medians of the metrics that make it up (first
and largest contentful paint, total blocking time, cumulative layout shift). Exits 1 when a
page misses a target: each Lighthouse category >= 0.95, no serious or critical axe violation
(light or dark palette), at most 150 KB transferred before images and the search index, and on
a notebook page (/notebooks/<chapter>/) under 150 ms of total blocking time.

With several built sites (`--site BEFORE AFTER`, e.g. two commits' builds) it audits the same
pages of each side by side: their runs alternate within each round, so the machine's load
falls on every site alike, and it prints one table per site.
Needs Chromium (CHROME_PATH or `chromium` on PATH) and npm's lighthouse, found on PATH or in
.cache/npm (`npm install --prefix .cache/npm lighthouse@12.8.2`).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, sync_playwright

from tutorial_tools.site_check import (
    CHROMIUM_ARGS,
    ROOT,
    build_site,
    chromium_path,
    page_paths,
    serve,
    transfer_weight,
)

CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# Lighthouse's performance metrics, as the table shows them: audit id -> (column, unit scale).
METRICS = {
    "first-contentful-paint": ("FCP s", 1 / 1000),
    "largest-contentful-paint": ("LCP s", 1 / 1000),
    "total-blocking-time": ("TBT ms", 1),
    "cumulative-layout-shift": ("CLS", 1),
}
MIN_SCORE = 0.95
MAX_WEIGHT_KB = 150
MAX_NOTEBOOK_TBT_MS = 150  # the notebook pages, the longest, keep this margin against noise
NOTEBOOK_PAGE = re.compile(r"/notebooks/[\w-]+/")


def lighthouse_command() -> str:
    """The lighthouse executable: on PATH, else the one installed into .cache/npm."""
    local = ROOT / ".cache" / "npm" / "node_modules" / ".bin" / "lighthouse"
    found = shutil.which("lighthouse") or (str(local) if local.exists() else None)
    if found is None:
        sys.exit("lighthouse not found: npm install --prefix .cache/npm lighthouse@12.8.2")
    return found


def lighthouse_run(url: str, chrome: str) -> dict[str, float]:
    """One Lighthouse run on a URL (default mobile settings): category scores and metrics."""
    command = [
        lighthouse_command(),
        url,
        "--quiet",
        "--output=json",
        "--output-path=stdout",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags=--headless {' '.join(CHROMIUM_ARGS)}",
    ]
    env = {**os.environ, "CHROME_PATH": chrome}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    report = json.loads(done.stdout)
    scores = {name: report["categories"][name]["score"] for name in CATEGORIES}
    metrics = {
        column: report["audits"][audit_id]["numericValue"] * scale
        for audit_id, (column, scale) in METRICS.items()
    }
    return scores | metrics


def axe_serious(browser: Browser, url: str) -> int:
    """Serious or critical axe violations (affected elements) on a page, light and dark palettes."""
    count = 0
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(url)
        page.wait_for_load_state("networkidle")
        violations = Axe().run(page).response["violations"]
        count += sum(len(v["nodes"]) for v in violations if v["impact"] in ("serious", "critical"))
        context.close()
    return count


def weight_kb(browser: Browser, url: str) -> float:
    """KB a first visit transfers before images and the search index."""
    context = browser.new_context()
    weight = transfer_weight(context.new_page(), url)
    context.close()
    return weight / 1000


def lighthouse_rounds(urls: list[str], chrome: str, runs: int) -> dict[str, list[dict[str, float]]]:
    """Each URL's Lighthouse runs, taken in rounds over all URLs: a spell of load from other
    work on the machine then falls on one run of several pages, not on every run of one."""
    results: dict[str, list[dict[str, float]]] = {url: [] for url in urls}
    for _ in range(runs):
        for url in urls:
            results[url].append(lighthouse_run(url, chrome))
    return results


def summarize(runs: list[dict[str, float]]) -> dict[str, float]:
    """The median of each Lighthouse score and metric over the runs; the performance range."""
    medians = {name: statistics.median(run[name] for run in runs) for name in runs[0]}
    performance = [run["performance"] for run in runs]
    return medians | {"perf low": min(performance), "perf high": max(performance)}


def audit_page(browser: Browser, url: str, runs: list[dict[str, float]]) -> dict[str, float]:
    """Every figure for one page: its Lighthouse runs summarized, axe, page weight."""
    return summarize(runs) | {"axe": axe_serious(browser, url), "kb": weight_kb(browser, url)}


def passes(row: dict[str, float], path: str = "") -> bool:
    """Whether a page (at URL path `path`) meets every target."""
    scores_ok = all(row[name] >= MIN_SCORE for name in CATEGORIES)
    blocking_ok = not NOTEBOOK_PAGE.fullmatch(path) or row["TBT ms"] < MAX_NOTEBOOK_TBT_MS
    return scores_ok and blocking_ok and row["axe"] == 0 and row["kb"] <= MAX_WEIGHT_KB


def table(rows: dict[str, dict[str, float]]) -> str:
    """The figures as a Markdown table, one row per page."""
    columns = [column for column, _ in METRICS.values()]
    lines = [
        "| page | perf | perf runs | a11y | best practices | SEO | "
        + " | ".join(columns)
        + " | axe serious+critical | KB (gzip) | ok |",
        "| --- |" + " ---: |" * (len(CATEGORIES) + 1 + len(columns) + 2) + " --- |",
    ]
    for path, row in rows.items():
        scores = " | ".join(f"{row[name]:.2f}" for name in CATEGORIES[1:])
        spread = f"{row['perf low']:.2f}–{row['perf high']:.2f}"
        metrics = (
            f"{row['FCP s']:.2f} | {row['LCP s']:.2f} | {row['TBT ms']:.0f} | {row['CLS']:.3f}"
        )
        mark = "yes" if passes(row, path) else "**no**"
        lines.append(
            f"| `{path}` | {row['performance']:.2f} | {spread} | {scores} | {metrics}"
            f" | {row['axe']} | {row['kb']:.1f} | {mark} |"
        )
    return "\n".join(lines)


def audit_sites(sites: list[Path], pages: list[str] | None, runs: int, chrome: str) -> dict:
    """Each site's rows: the same pages of every site, their Lighthouse runs in shared rounds."""
    with ExitStack() as stack, sync_playwright() as p:
        bases = [stack.enter_context(serve(site)) for site in sites]
        paths = pages or page_paths(sites[0])
        urls = [base + path for path in paths for base in bases]
        results = lighthouse_rounds(urls, chrome, runs)
        browser = p.chromium.launch(executable_path=chrome, args=CHROMIUM_ARGS)
        rows = {
            site: {path: audit_page(browser, base + path, results[base + path]) for path in paths}
            for site, base in zip(sites, bases)
        }
        browser.close()
    return rows


def main() -> int:
    """Build (or take) the sites, audit each page, print the tables; 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, nargs="+", help="built sites (default: build one)")
    parser.add_argument("--pages", nargs="*", help="URL paths to audit (default: every page)")
    parser.add_argument("--runs", type=int, default=5, help="Lighthouse runs per page (median)")
    args = parser.parse_args()
    chrome = chromium_path()
    if chrome is None:
        sys.exit("Chromium not found: apt-get install -y chromium, or set CHROME_PATH")
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        sites = args.site or [Path(tmp)]
        if args.site is None:
            build_site(sites[0])
        rows = audit_sites(sites, args.pages, args.runs, chrome)
    for site, site_rows in rows.items():
        print(f"\n{site}:\n" if len(rows) > 1 else "", table(site_rows), sep="")
    load_after = os.getloadavg()[0]
    print(
        f"\nLighthouse {args.runs} runs per page (median), mobile defaults; load average"
        f" {load_before:.1f} at the start, {load_after:.1f} at the end, on {os.cpu_count()} CPUs."
    )
    verdicts = [passes(row, path) for site_rows in rows.values() for path, row in site_rows.items()]
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
