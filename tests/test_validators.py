"""Third-party validators on the built site: the Nu HTML Checker finds no error of ours, and
LinkChecker no broken link or #anchor inside the site (external links are not reachable here;
only their syntax is checked)."""

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tutorial_tools import katex_assets
from tutorial_tools.site_check import serve
from tutorial_tools.validators import (
    EXCLUSIONS,
    INSTALL_LINKCHECKER,
    INSTALL_VNU,
    Exclusion,
    HtmlError,
    LinkCheckerHandler,
    broken_links,
    css_urls,
    html_errors,
    java_path,
    linkchecker_installed,
    missing_css_files,
    page_urls,
    run_linkchecker,
    run_vnu,
    site_errors,
    site_path,
    unused,
    vnu_jar,
)

ROOT = Path(__file__).resolve().parent.parent
KATEX_PACKAGE = ROOT / ".cache/npm/node_modules/katex"
# vnu's messages, verbatim from its run on the built site (vnu-jar 26.9.27).
AUTOCOMPLETE = (
    "Attribute “autocomplete” is only allowed when the input type is “color”, “date”, "
    "“datetime-local”, “email”, “hidden”, “month”, “number”, “password”, “range”, “search”, "
    "“tel”, “text”, “time”, “url”, or “week”."
)
LABEL = (
    "The value of the “for” attribute of the “label” element must be the ID of a non-hidden "
    "form control."
)
ARIA_LABEL = (
    "The “aria-label” attribute must not be specified on any “clipboard-copy” element unless "
    "the element has a “role” value other than “caption”, “code”, “deletion”, “emphasis”, "
    "“generic”, “insertion”, “paragraph”, “presentation”, “strong”, “subscript”, or "
    "“superscript”."
)
STYLE = "A “style” element in “body” must be the first child of its parent."
MO_IN_MSUB = (
    "Element “mo” not allowed as child of element “msub” in this context. "
    "(Suppressing further errors from this subtree.)"
)
DRAWER = (
    '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" '
    'autocomplete="off">'
)
COPY_CELL = '<clipboard-copy ,="" aria-label="Copy to Clipboard" for="cell-12">'
NOTEBOOK, CHAPTER = "notebooks/training/index.html", "training/index.html"
STOCK = [  # one error of each kind that stock Material pages raise
    HtmlError(CHAPTER, 69, AUTOCOMPLETE, DRAWER),
    HtmlError(NOTEBOOK, 70, AUTOCOMPLETE, DRAWER.replace("drawer", "search")),
    HtmlError(NOTEBOOK, 436, LABEL, '<label class="md-nav__title" for="__toc">'),
]
OURS = [  # errors we could make ourselves, on the same pages: none may be excluded
    # what mkdocs-jupyter's own template writes, which the notebook pages' template does not
    HtmlError(NOTEBOOK, 873, ARIA_LABEL, COPY_CELL),
    HtmlError(NOTEBOOK, 844, STYLE, '<style type="text/css">'),
    HtmlError(
        NOTEBOOK, 845, "CSS: Unknown pseudo-element or pseudo-class “:horizontal”", "horizontal"
    ),
    HtmlError(CHAPTER, 2865, MO_IN_MSUB, "<mo>"),
    HtmlError(NOTEBOOK, 2865, MO_IN_MSUB, "<mo>"),
    HtmlError(CHAPTER, 50, AUTOCOMPLETE, '<input type="checkbox" id="mine" autocomplete="off">'),
    HtmlError(CHAPTER, 436, LABEL, '<label class="md-nav__title" for="__toc">'),
    HtmlError(NOTEBOOK, 436, LABEL, '<label for="__search">'),
    HtmlError(CHAPTER, 873, ARIA_LABEL, COPY_CELL),
    HtmlError(NOTEBOOK, 873, ARIA_LABEL, '<clipboard-copy aria-label="Copy" for="x">'),
    HtmlError(CHAPTER, 844, STYLE, "<style>"),
    HtmlError(
        CHAPTER, 845, "CSS: Unknown pseudo-element or pseudo-class “:horizontal”", "horizontal"
    ),
    HtmlError(NOTEBOOK, 845, "CSS: Unknown pseudo-element or pseudo-class “:hovr”", "hovr"),
    HtmlError(NOTEBOOK, 12, "Duplicate ID “solution-71”.", 'id="solution-71"'),
]


def require(found: object, message: str) -> None:
    """Skip when a validator is missing; in CI (CI=true) fail instead."""
    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


# The exclusion list and the parsing of vnu's report


def test_every_stock_error_is_excluded_by_exactly_one_exclusion() -> None:
    for error in STOCK:
        assert sum(x.covers(error) for x in EXCLUSIONS) == 1, error
    assert site_errors(STOCK) == [] and unused(EXCLUSIONS, STOCK) == []


@pytest.mark.parametrize("error", OURS, ids=lambda e: f"{e.page}:{e.flagged}")
def test_an_error_of_our_own_is_not_excluded(error: HtmlError) -> None:
    """Same message on another page, or other markup on the same page: the site's own."""
    assert site_errors([error]) == [error]


def test_unused_names_the_exclusions_that_match_nothing() -> None:
    style = Exclusion(STYLE, "<style>", r"notebooks/[\w-]+/index\.html")
    assert unused([style, EXCLUSIONS[0]], STOCK[:1]) == [style]


def test_html_errors_keeps_errors_with_their_page_and_flagged_markup(tmp_path: Path) -> None:
    page = tmp_path / "site" / "training" / "index.html"
    message = {
        "url": page.as_uri(),
        "lastLine": 2865,
        "message": MO_IN_MSUB,
        "extract": "i>max</mi><mo>\u2061</mo>",
        "hiliteStart": 10,
        "hiliteLength": 4,
    }
    report = {
        "messages": [
            {**message, "type": "error"},
            {**message, "type": "info", "subType": "warning"},
            {**message, "type": "info"},
            {"type": "non-document-error", "message": "IO error"},
        ]
    }
    assert html_errors(report, tmp_path / "site") == [
        HtmlError("training/index.html", 2865, MO_IN_MSUB, "<mo>"),
        HtmlError("", 0, "IO error", ""),
    ]


# CSS url()s and the vendored KaTeX


def test_css_urls_finds_quoted_unquoted_and_nested_urls() -> None:
    css = (
        '@import url("base.css");@font-face{src:url(f/a.woff2) format("woff2")}'
        "@media print{.x{background:url( 'b.svg' )}}.y{mask:url(data:image/svg+xml,%3Csvg%3E)}"
    )
    assert css_urls(css) == ["base.css", "f/a.woff2", "b.svg", "data:image/svg+xml,%3Csvg%3E"]


def test_missing_css_files_names_each_url_that_resolves_to_no_file(tmp_path: Path) -> None:
    (tmp_path / "site" / "css" / "fonts").mkdir(parents=True)
    (tmp_path / "site" / "css" / "fonts" / "a.woff2").write_bytes(b"font")
    (tmp_path / "outside.png").write_bytes(b"png")
    (tmp_path / "site" / "css" / "k.css").write_text(
        ".a{src:url(fonts/a.woff2),url(fonts/a.woff)}.b{background:url(../../outside.png)}"
        ".c{mask:url(data:image/png;base64,AA==)}.d{fill:url(#g)}.e{src:url(https://x.org/f)}"
    )
    assert missing_css_files(tmp_path / "site") == [
        "css/k.css: fonts/a.woff",
        "css/k.css: ../../outside.png",
    ]


FONT_FACE = (
    '@font-face{font-family:KaTeX_AMS;src:url(fonts/KaTeX_AMS-Regular.woff2) format("woff2"),'
    'url(fonts/KaTeX_AMS-Regular.woff) format("woff"),'
    'url(fonts/KaTeX_AMS-Regular.ttf) format("truetype")}.katex{font:normal 1.21em KaTeX_Main}'
)


def test_woff2_only_drops_the_woff_and_ttf_sources() -> None:
    assert katex_assets.woff2_only(FONT_FACE) == (
        "@font-face{font-family:KaTeX_AMS;src:url(fonts/KaTeX_AMS-Regular.woff2) "
        'format("woff2")}.katex{font:normal 1.21em KaTeX_Main}'
    )


def test_woff2_only_refuses_a_font_it_does_not_know_how_to_drop() -> None:
    with pytest.raises(ValueError, match=r"other than woff2: \['fonts/X\.otf'\]"):
        katex_assets.woff2_only(FONT_FACE + '@font-face{src:url(fonts/X.otf) format("opentype")}')


def fake_katex(package: Path, version: str) -> Path:
    """A stand-in for npm's katex package: its script, licence, stylesheet and fonts."""
    (package / "dist" / "fonts").mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"name": "katex", "version": version}))
    (package / "LICENSE").write_text("MIT")
    (package / "dist" / "katex.min.js").write_text("var katex;")
    (package / "dist" / "katex.min.css").write_text(FONT_FACE)
    for font in ("KaTeX_AMS-Regular.woff2", "KaTeX_AMS-Regular.woff", "KaTeX_AMS-Regular.ttf"):
        (package / "dist" / "fonts" / font).write_bytes(b"font")
    return package


def test_vendor_copies_katexs_files_with_woff2_fonts_only(tmp_path: Path) -> None:
    package = fake_katex(tmp_path / "katex", katex_assets.VERSION)
    old_font = tmp_path / "repo" / "docs/assets/katex/fonts/KaTeX_Old.woff2"
    old_font.parent.mkdir(parents=True)
    old_font.write_bytes(b"old")
    (tmp_path / "repo" / "src/tutorial_tools/vendor").mkdir(parents=True)
    written = katex_assets.vendor(package, tmp_path / "repo")
    assert sorted(p.relative_to(tmp_path / "repo").as_posix() for p in written) == [
        "docs/assets/katex/LICENSE.txt",
        "docs/assets/katex/fonts/KaTeX_AMS-Regular.woff2",
        "docs/assets/katex/katex.min.css",
        "src/tutorial_tools/vendor/KATEX_LICENSE.txt",
        "src/tutorial_tools/vendor/katex.min.js",
    ]
    assert not old_font.exists()
    assert missing_css_files(tmp_path / "repo" / "docs") == []


def test_vendor_refuses_another_katex_release(tmp_path: Path) -> None:
    package = fake_katex(tmp_path / "katex", "0.16.9")
    with pytest.raises(ValueError, match=f"KaTeX 0.16.9, not {katex_assets.VERSION}"):
        katex_assets.vendor(package, tmp_path)


@pytest.mark.site  # with the site's other checks: .ci/run installs npm's katex for them
def test_the_vendored_katex_is_the_npm_package_with_woff2_fonts_only(tmp_path: Path) -> None:
    """Vendoring the pinned release again reproduces every committed file, byte for byte."""
    require(KATEX_PACKAGE.is_dir(), f"npm install --prefix .cache/npm katex@{katex_assets.VERSION}")
    (tmp_path / "src/tutorial_tools/vendor").mkdir(parents=True)
    written = katex_assets.vendor(KATEX_PACKAGE, tmp_path)
    committed = {
        p.relative_to(ROOT) for p in (ROOT / "docs/assets/katex").rglob("*") if p.is_file()
    }
    assert committed <= {p.relative_to(tmp_path) for p in written}
    for path in written:
        assert path.read_bytes() == (ROOT / path.relative_to(tmp_path)).read_bytes(), path


# LinkChecker's report and where the site is served


def row(url: str, parent: str, result: str, warning: str = "", valid: str = "True") -> dict:
    """One row of LinkChecker's CSV output, with the columns LINKCHECKER_CONFIG asks for."""
    columns = ("url", "parentname", "result", "warningstring", "valid")
    return dict(zip(columns, (url, parent, result, warning, valid)))


def test_broken_links_lists_failures_and_warnings_only() -> None:
    missing = "Anchor `x' (decoded: `x') not found."
    rows = [
        row("http://h/a/", "", "200 OK"),
        row("http://h/a/f.ttf", "http://h/a/k.css", "404 File not found", valid="False"),
        row("http://h/a/#x", "http://h/a/", "200 OK", warning=missing),
    ]
    assert broken_links(rows) == [
        "http://h/a/f.ttf (linked from http://h/a/k.css): 404 File not found ",
        f"http://h/a/#x (linked from http://h/a/): 200 OK {missing}",
    ]


def test_site_path_is_the_path_of_site_url(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nsite_url: https://example.org/a/b/\n")
    assert site_path(config) == "/a/b/"
    config.write_text("site_name: x\nsite_url: https://example.org\n")
    assert site_path(config) == "/"


def test_page_urls_names_folders_by_their_index(tmp_path: Path) -> None:
    for page in ("index.html", "404.html", "model/index.html", "notebooks/nn/index.html"):
        (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / page).write_text("<p>")
    assert page_urls(tmp_path, "http://h/p/") == [
        "http://h/p/404.html",
        "http://h/p/",
        "http://h/p/model/",
        "http://h/p/notebooks/nn/",
    ]


# The validators on the built site


@pytest.fixture(scope="module")
def vnu() -> tuple[str, Path]:
    """Java and vnu.jar; skip without them, but fail in CI."""
    java, jar = java_path(), vnu_jar()
    require(java, f"Java not found: {INSTALL_VNU}")
    require(jar, f"vnu.jar not found: {INSTALL_VNU}")
    return java, jar


@pytest.fixture(scope="module")
def vnu_report(vnu: tuple[str, Path], site: Path) -> list[HtmlError]:
    """vnu's errors on every HTML page of the site."""
    return run_vnu(site, *vnu)


@pytest.mark.site
def test_vnu_finds_no_html_error_of_our_own(vnu_report: list[HtmlError]) -> None:
    assert site_errors(vnu_report) == []


@pytest.mark.site
def test_every_exclusion_is_still_needed(vnu_report: list[HtmlError]) -> None:
    """An exclusion that matches nothing on the site is out of date: remove it."""
    assert unused(EXCLUSIONS, vnu_report) == []


@pytest.mark.site
def test_vnu_reports_the_error_katex_issue_3721_made(
    vnu: tuple[str, Path], site: Path, tmp_path: Path
) -> None:
    """A built chapter with \\lambda_{\\max}'s MathML put back: one error of our own."""
    page = (site / "training" / "index.html").read_text(encoding="utf-8")
    mathml = "<math><msub><mi>λ</mi><mi>max</mi><mo>\u2061</mo></msub></math>"
    (tmp_path / "training").mkdir()
    (tmp_path / "training" / "index.html").write_text(
        page.replace("</article>", mathml + "</article>", 1), encoding="utf-8"
    )
    errors = site_errors(run_vnu(tmp_path, *vnu))
    assert [(e.page, e.message, e.flagged) for e in errors] == [
        ("training/index.html", MO_IN_MSUB, "<mo>")
    ]


@pytest.mark.site
def test_every_css_url_names_a_file_of_the_site(site: Path) -> None:
    """KaTeX's stylesheet named woff and ttf fonts the site does not ship (40 broken links)."""
    assert missing_css_files(site) == []


@pytest.fixture(scope="module")
def linkchecker() -> None:
    """Skip without LinkChecker, but fail in CI."""
    require(linkchecker_installed(), f"LinkChecker not found: {INSTALL_LINKCHECKER}")


@pytest.fixture
def served(site: Path) -> Iterator[str]:
    """The site's URL, served under site_url's path (the 404 page's links are absolute)."""
    with serve(site.parent, LinkCheckerHandler) as base:
        yield base + site_path()


@pytest.mark.site
def test_linkchecker_finds_no_broken_link_or_anchor(
    linkchecker: None, site: Path, served: str, tmp_path: Path
) -> None:
    """Starting from every page (404.html too), every link and #anchor inside the site."""
    pages = page_urls(site, served)
    rows = run_linkchecker(pages, tmp_path)
    assert broken_links(rows) == []
    checked = {row["url"] for row in rows if row["result"] == "200 OK"}
    assert set(pages) <= checked and any("#" in url for url in checked)


@pytest.mark.site
def test_linkchecker_reports_broken_links_and_anchors(linkchecker: None, tmp_path: Path) -> None:
    """A missing file, a missing anchor on the same page and one on another page."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text(
        '<h1 id="top">A</h1><a href="#top">ok</a><a href="#gone">same page</a>'
        '<a href="b.html#there">ok</a><a href="b.html#missing">other page</a>'
        '<a href="c.html">no such page</a>'
    )
    (tmp_path / "site" / "b.html").write_text('<h2 id="there">B</h2>')
    with serve(tmp_path / "site", LinkCheckerHandler) as base:
        broken = broken_links(run_linkchecker([base + "/"], tmp_path))
    assert sorted(line.split(" (")[0].removeprefix(base) for line in broken) == [
        "/#gone",
        "/b.html#missing",
        "/c.html",
    ]
