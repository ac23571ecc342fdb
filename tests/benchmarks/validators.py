"""Count what the validators report on the built site, as tests/benchmarks/README.md records it.

    .venv/bin/python tests/benchmarks/validators.py           # builds the site first
    .venv/bin/python tests/benchmarks/validators.py DIR/linreg-from-scratch   # a built site

A built site must sit in a folder named by site_url's path, which is served as such (the 404
page's links are absolute). Needs what tests/test_validators.py needs: Java, vnu.jar, LinkChecker.
"""

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from tutorial_tools.site_check import build_site, serve
from tutorial_tools.validators import (
    EXCLUSIONS,
    LinkCheckerHandler,
    broken_links,
    java_path,
    missing_css_files,
    page_urls,
    run_linkchecker,
    run_vnu,
    site_errors,
    site_path,
    vnu_jar,
)


def report(site: Path, workdir: Path) -> None:
    """Print vnu's errors (the site's own, then each exclusion's) and LinkChecker's counts."""
    start = time.perf_counter()
    errors = run_vnu(site, java_path(), vnu_jar())
    pages = len(list(site.rglob("*.html")))
    print(f"vnu: {pages} pages, {len(errors)} errors ({time.perf_counter() - start:.1f} s)")
    own = site_errors(errors)
    print(f"  ours: {len(own)}", dict(Counter(e.message for e in own)))
    for exclusion in EXCLUSIONS:
        hits = [e for e in errors if exclusion.covers(e)]
        print(
            f"  excluded: {len(hits)} on {len({e.page for e in hits})} pages: {exclusion.message}"
        )
    print(f"CSS url()s naming no file of the site: {len(missing_css_files(site))}")
    with serve(site.parent, LinkCheckerHandler) as base:
        start = time.perf_counter()
        rows = run_linkchecker(page_urls(site, base + site_path()), workdir)
    anchors = sum("#" in row["url"] for row in rows)
    print(f"LinkChecker: {len(rows)} links, {anchors} with an anchor, "
          f"{len(broken_links(rows))} broken ({time.perf_counter() - start:.1f} s)")  # fmt: skip
    for line in broken_links(rows):
        print("  " + line)


def main(argv: list[str]) -> None:
    """Report on the site named on the command line, or on a fresh build."""
    with tempfile.TemporaryDirectory() as work:
        if argv:
            site = Path(argv[0]).resolve()
        else:
            site = Path(work) / site_path().strip("/")
            build_site(site)
        report(site, Path(work))


if __name__ == "__main__":
    main(sys.argv[1:])
