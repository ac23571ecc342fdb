"""Fixtures shared by the test files that need the built site or a browser."""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tutorial_tools.site_check import CHROMIUM_ARGS, INSTALL_CHROMIUM, build_site, chromium_path


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once per session with `mkdocs build --strict`, into a folder named by
    site_url's path (/linreg-from-scratch/), as a host serves it. Tests only read it."""
    from tutorial_tools.validators import site_path  # mkdocs: only where the site is built

    site = tmp_path_factory.mktemp("served") / site_path().strip("/")
    build_site(site)
    return site


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the session (Playwright's sync API allows one at a time);
    skip without one, but fail in CI."""
    path = chromium_path()
    if path is None:
        message = f"Chromium not found: {INSTALL_CHROMIUM}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def cpu_vendor() -> str:
    """The CPU's maker as Linux names it (AuthenticAMD, GenuineIntel), or "" elsewhere. The
    pages' bit-for-bit equalities were measured on AMD EPYC; MKL's kernels differ on Intel."""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return ""
    found = re.search(r"^vendor_id\s*:\s*(\S+)", cpuinfo, re.MULTILINE)
    return found[1] if found else ""
