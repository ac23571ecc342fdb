"""Third-party validators over the built site: the Nu HTML Checker (vnu) and LinkChecker.

vnu reports some errors on every Material page, ours or not; EXCLUSIONS lists those, each as
narrowly as the checker lets us say where it occurs. (The notebook pages use our own nbconvert
template, so mkdocs-jupyter's stock errors, its copy buttons and inline styles, are ours to fix.)
"""

import csv
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import tinycss2
from mkdocs.utils.yaml import yaml_load

from tutorial_tools.site_check import ROOT, SiteHandler

VNU_VERSION = "26.9.27"  # npm's vnu-jar, as .ci/run installs it
VNU_JAR = ROOT / ".cache/npm/node_modules/vnu-jar/build/dist/vnu.jar"
INSTALL_VNU = f"npm install --prefix .cache/npm vnu-jar@{VNU_VERSION} (and Java 17 or newer)"
INSTALL_LINKCHECKER = "pip install -e '.[test]' (LinkChecker)"
NOTEBOOK_PAGES = r"notebooks/[\w-]+/index\.html"  # the notebook editions, by mkdocs-jupyter
# LinkChecker's settings. Without --check-extern it only checks links inside the site and the
# syntax of the others (github.com and Colab cannot be reached from our machines). The
# `[AnchorCheck]` section checks each #anchor too. Above 10 requests per second LinkChecker
# needs the server to send a `LinkChecker` header (LinkCheckerHandler): 35 s instead of 80 here.
LINKCHECKER_CONFIG = """\
[checking]
maxrequestspersecond=1000
[csv]
parts=url,parentname,result,warningstring,valid
[AnchorCheck]
"""


@dataclass(frozen=True)
class HtmlError:
    """One error vnu reports: on which page of the site, and the markup it points at."""

    page: str  # path in the site, such as "training/index.html"
    line: int
    message: str
    flagged: str  # the part of vnu's extract it highlights, such as "<mo>"


@dataclass(frozen=True)
class Exclusion:
    """An error that stock pages raise too: its message, the markup flagged and the pages, each
    a regular expression that must match in full."""

    message: str
    flagged: str
    pages: str = ".*"

    def covers(self, error: HtmlError) -> bool:
        """Whether this exclusion matches the error's message, flagged markup and page."""
        return bool(
            re.fullmatch(self.message, error.message)
            and re.fullmatch(self.flagged, error.flagged)
            and re.fullmatch(self.pages, error.page)
        )


# Checked on stock sites built with the same versions: a Material site of two Markdown pages
# (one outside the nav) and one notebook, rendered by mkdocs-jupyter with its defaults.
EXCLUSIONS = (
    # Material's drawer and search toggles, on every page: checkboxes with autocomplete="off".
    Exclusion(
        r"Attribute “autocomplete” is only allowed when the input type is .*",
        r'<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox" '
        r'id="__(drawer|search)" autocomplete="off">',
    ),
    # Material's table of contents labels the `__toc` toggle, which its nav renders only for
    # pages in the nav. The notebook editions are not in it; a stock page outside it fails too.
    Exclusion(
        r"The value of the “for” attribute of the “label” element must be the ID of a "
        r"non-hidden form control\.",
        r'<label class="md-nav__title" for="__toc">',
        NOTEBOOK_PAGES,
    ),
)


def java_path() -> str | None:
    """The `java` on PATH, or None."""
    return shutil.which("java")


def vnu_jar() -> Path | None:
    """vnu.jar from $VNU_JAR, else from .cache/npm; None when there is none."""
    path = Path(os.environ.get("VNU_JAR") or VNU_JAR)
    return path if path.is_file() else None


def run_vnu(site: Path, java: str, jar: Path) -> list[HtmlError]:
    """Check every HTML file of a built site with vnu; return its errors. Raise unless it
    checked them all (it skips a file it cannot read without a word)."""
    site = site.resolve()
    pages = sorted(str(page) for page in site.rglob("*.html"))
    command = [java, "-jar", str(jar), "--format", "json", "--exit-zero-always"]
    command += ["--errors-only", "--verbose", *pages]
    done = subprocess.run(command, capture_output=True, encoding="utf-8", check=False)
    checked = sorted(done.stdout.splitlines())  # --verbose: the name of each file it checked
    if done.returncode or not pages or checked != pages:
        raise RuntimeError(f"vnu checked {len(checked)} of {len(pages)} files:\n{done.stderr}")
    return html_errors(json.loads(done.stderr), site)


def html_errors(report: dict, site: Path) -> list[HtmlError]:
    """The errors of vnu's JSON report (not its info and warnings), on pages of `site`."""
    return [
        HtmlError(
            page=page_in(site, m.get("url", "")),
            line=m.get("lastLine", 0),
            message=m["message"],
            flagged=flagged_markup(m),
        )
        for m in report["messages"]
        if m["type"] in ("error", "non-document-error")
    ]


def page_in(site: Path, url: str) -> str:
    """A checked file's path inside the site (`model/index.html`), from vnu's file: URL."""
    path = Path(unquote(urlsplit(url).path))
    return path.relative_to(site).as_posix() if path.is_relative_to(site) else url


def flagged_markup(message: dict) -> str:
    """The part of a vnu message's extract that it highlights."""
    start = message.get("hiliteStart", 0)
    return message.get("extract", "")[start : start + message.get("hiliteLength", 0)]


def site_errors(
    errors: Iterable[HtmlError], exclusions: Sequence[Exclusion] = EXCLUSIONS
) -> list[HtmlError]:
    """The errors that no exclusion covers: the site's own."""
    return [e for e in errors if not any(x.covers(e) for x in exclusions)]


def unused(exclusions: Iterable[Exclusion], errors: list[HtmlError]) -> list[Exclusion]:
    """The exclusions that cover none of the errors: out of date."""
    return [x for x in exclusions if not any(x.covers(e) for e in errors)]


def css_urls(css: str) -> list[str]:
    """Every url() a stylesheet names, in order, data: URLs included."""
    return list(_urls(tinycss2.parse_stylesheet(css)))


def _urls(nodes: Iterable) -> Iterator[str]:
    """The url() values among parsed CSS nodes and inside their blocks and functions."""
    for node in nodes:
        if node.type == "url":
            yield node.value
        elif node.type == "function" and node.lower_name == "url":
            yield from (a.value for a in node.arguments if a.type == "string")
        for part in ("prelude", "content", "arguments"):
            yield from _urls(getattr(node, part, None) or [])


def missing_css_files(site: Path) -> list[str]:
    """`file.css: url` for each url() of the site's CSS files that names no file of the site."""
    missing = []
    for css in sorted(site.rglob("*.css")):
        for url in css_urls(css.read_text(encoding="utf-8")):
            parts = urlsplit(url)
            if parts.scheme or not parts.path:  # data: and other sites; a bare #fragment
                continue
            target = (css.parent / unquote(parts.path)).resolve()
            if not (target.is_file() and target.is_relative_to(site.resolve())):
                missing.append(f"{css.relative_to(site).as_posix()}: {url}")
    return missing


def site_path(config: Path = ROOT / "mkdocs.yml") -> str:
    """The path the site is served under, from its site_url: `/linreg-from-scratch/`."""
    return urlsplit(yaml_load(config.read_text(encoding="utf-8"))["site_url"]).path or "/"


def page_urls(site: Path, base: str) -> list[str]:
    """The URL of every HTML file of the site at `base` (a folder's index.html as the folder)."""
    paths = sorted(page.relative_to(site).as_posix() for page in site.rglob("*.html"))
    return [base + path.removesuffix("index.html") for path in paths]


class LinkCheckerHandler(SiteHandler):
    """SiteHandler that lets LinkChecker exceed 10 requests a second (its `LinkChecker` header)."""

    def end_headers(self) -> None:
        """Add the header LinkChecker looks for, then end the headers as usual."""
        self.send_header("LinkChecker", "local test server")
        super().end_headers()


def linkchecker_installed() -> bool:
    """Whether this Python can run LinkChecker (`python -m linkcheck`)."""
    return importlib.util.find_spec("linkcheck") is not None


def run_linkchecker(urls: list[str], workdir: Path) -> list[dict[str, str]]:
    """Check links and anchors from `urls`, recursively inside the site; one row per link."""
    config = workdir / "linkcheckerrc"
    config.write_text(LINKCHECKER_CONFIG, encoding="utf-8")
    command = [sys.executable, "-m", "linkcheck", "--config", str(config), "--no-status"]
    command += ["--verbose", "--output", "csv/utf-8", *urls]  # verbose: the valid links too
    done = subprocess.run(command, capture_output=True, encoding="utf-8", check=False)
    if done.returncode not in (0, 1):  # 1: it found broken links
        raise RuntimeError(f"linkchecker failed ({done.returncode}):\n{done.stderr}")
    return list(csv.DictReader(io.StringIO(done.stdout), delimiter=";"))


def broken_links(rows: Iterable[dict[str, str]]) -> list[str]:
    """LinkChecker's rows that failed or warned (a missing #anchor is a warning), as lines."""
    return [
        f"{row['url']} (linked from {row['parentname']}): {row['result']} {row['warningstring']}"
        for row in rows
        if row["valid"] != "True" or row["warningstring"]
    ]
