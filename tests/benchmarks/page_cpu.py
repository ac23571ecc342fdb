"""Compare the main-thread CPU work of loading the same pages from two or more built sites.

    .venv/bin/python tests/benchmarks/page_cpu.py SITE_A SITE_B [--pages /training/ ...] [--loads 10]

For A/B tests of a change to the site's HTML or CSS: build each variant into its own folder
(`mkdocs build -d DIR`), then run this. It loads each page from each site in turn (interleaved,
so a spell of load on the machine falls on every variant alike), traces Chromium's renderer,
and prints the medians of the main thread's CPU time (the trace's `tdur`, not wall time):

- longest: the longest task, which sets Lighthouse's total blocking time (Lighthouse's
  simulation about doubles its length and counts what is over 50 ms);
- total: all tasks during the load and one second after it;
- style+layout: the part of the total spent on style recalculation and layout.

Thread CPU time varies much less with the machine's load than wall time, so 10 loads a
variant separate differences of about 10 %, where Lighthouse scores need many more runs.
"""

import argparse
import json
import statistics
import sys
from contextlib import ExitStack
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from tutorial_tools.site_check import CHROMIUM_ARGS, chromium_path, serve

# Lighthouse's mobile emulation: a phone's viewport, so the pages lay out as it measures them.
PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "is_mobile": True}
CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline"]


def main_thread_events(trace: dict) -> list[dict]:
    """The complete ('X') events of the renderer main thread that ran the most tasks."""
    names = {
        (e["pid"], e["tid"]): e["args"]["name"]
        for e in trace["traceEvents"]
        if e.get("name") == "thread_name"
    }
    complete = [e for e in trace["traceEvents"] if e.get("ph") == "X"]
    mains = [e for e in complete if names.get((e["pid"], e["tid"])) == "CrRendererMain"]
    busiest = statistics.mode((e["pid"], e["tid"]) for e in mains if e["name"] == "RunTask")
    return [e for e in mains if (e["pid"], e["tid"]) == busiest]


def cpu_ms(event: dict) -> float:
    """An event's CPU time on its thread in ms (its wall time where the trace has no CPU time)."""
    return event.get("tdur", event["dur"]) / 1000


def load_work(browser: Browser, url: str) -> dict[str, float]:
    """Load a URL in a fresh phone-sized context; the main thread's CPU work, in ms."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    browser.start_tracing(page=page, categories=CATEGORIES)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(1000)
    events = main_thread_events(json.loads(browser.stop_tracing()))
    context.close()
    tasks = [cpu_ms(e) for e in events if e["name"] == "RunTask"]
    rendering = [cpu_ms(e) for e in events if e["name"] in ("UpdateLayoutTree", "Layout")]
    return {"longest": max(tasks), "total": sum(tasks), "style+layout": sum(rendering)}


def compare(sites: list[Path], pages: list[str], loads: int) -> dict[tuple[str, str], dict]:
    """Medians of each figure per (page, site), from interleaved loads."""
    results: dict[tuple[str, str], list[dict[str, float]]] = {}
    with ExitStack() as stack, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        bases = {site: stack.enter_context(serve(site)) for site in sites}
        for _ in range(loads):
            for page in pages:
                for site in sites:
                    work = load_work(browser, bases[site] + page)
                    results.setdefault((page, str(site)), []).append(work)
        browser.close()
    return {
        key: {name: statistics.median(run[name] for run in runs) for name in runs[0]}
        for key, runs in results.items()
    }


def main() -> int:
    """Print one line per page and site."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sites", nargs="+", type=Path, help="built sites (mkdocs build -d DIR)")
    parser.add_argument("--pages", nargs="*", default=["/training/"], help="URL paths")
    parser.add_argument("--loads", type=int, default=10, help="loads per page and site")
    args = parser.parse_args()
    if chromium_path() is None:
        sys.exit("Chromium not found: apt-get install -y chromium, or set CHROME_PATH")
    medians = compare(args.sites, args.pages, args.loads)
    print(f"Main-thread CPU ms, median of {args.loads} interleaved loads (phone viewport):")
    for (page, site), figures in medians.items():
        cells = "  ".join(f"{name} {value:6.1f}" for name, value in figures.items())
        print(f"{page:24} {site:32} {cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
