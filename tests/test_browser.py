"""The built site in a real browser (Chromium through Playwright), on every page, as readers get it."""

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tutorial_tools.site_check import (
    console_code,
    ink_contrast,
    luminance,
    page_paths,
    serve,
    svg_text_sizes,
    svg_width,
)

pytestmark = pytest.mark.site
if os.environ.get("CI") == "true":  # in CI a missing Playwright is a failure, never a skip
    import playwright.sync_api as playwright_api
else:
    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
VIEWPORT = {"width": 1280, "height": 900}  # wide enough for Material's table of contents
COPY_BUTTON = 'button[data-md-type="copy"], button.md-clipboard'
# TeX that escaped typesetting: \( \[ $$ delimiters, $…$, or a TeX command such as \frac.
RAW_TEX = re.compile(
    r"\\[(\[]|\$\$|\$[^$\s][^$\n]*\$|\\(?:frac|hat|sum|partial|mathbf|cdot|left)\b"
)
# Visible text outside formulas and code, where raw TeX would show.
PROSE_TEXT_JS = """() => {
  const walker = document.createTreeWalker(document.querySelector("article") || document.body,
                                           NodeFilter.SHOW_TEXT);
  const parts = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.parentElement.closest(".katex, pre, code, script, style")) parts.push(node.data);
  }
  return parts.join(" ");
}"""


@pytest.fixture(scope="session")
def pages(site: Path) -> list[str]:
    """URL paths of every page the build produced, whatever pages exist."""
    found = page_paths(site)
    assert len(found) > 1, f"the build produced only {found}"
    return found


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1, gzip-compressed like a real host."""
    with serve(site) as url:
        yield url


@dataclass
class Tab:
    """A browser page that records what leaves the site, what fails and what the console reports."""

    page: "playwright_api.Page"
    base_url: str
    external: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        """Load a page of the site and wait until the network is quiet."""
        self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("networkidle")


def new_tab(browser: "playwright_api.Browser", base_url: str, **options: object) -> Tab:
    """A fresh context and page whose requests off the site are recorded and blocked."""
    context = browser.new_context(
        viewport=VIEWPORT, permissions=["clipboard-read", "clipboard-write"], **options
    )
    tab = Tab(context.new_page(), base_url)

    def block(route: "playwright_api.Route") -> None:
        tab.external.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith(base_url + "/"), block)
    tab.page.on("requestfailed", lambda r: tab.failed.append(f"{r.url} ({r.failure})"))
    tab.page.on(
        "response", lambda r: r.status >= 400 and tab.failed.append(f"{r.url} ({r.status})")
    )
    tab.page.on("console", lambda m: m.type == "error" and tab.errors.append(m.text))
    tab.page.on("pageerror", lambda e: tab.errors.append(str(e)))
    return tab


@pytest.fixture
def tab(browser: "playwright_api.Browser", base_url: str) -> Iterator[Tab]:
    """A fresh browser tab on the served site, in the light palette."""
    tab = new_tab(browser, base_url, color_scheme="light")
    yield tab
    tab.page.context.close()


@pytest.fixture(scope="session")
def visits(browser: "playwright_api.Browser", base_url: str, pages: list[str]) -> dict[str, Tab]:
    """Every page loaded once in its own tab, with what it requested, failed and logged."""
    loaded = {}
    for path in pages:
        loaded[path] = new_tab(browser, base_url)
        loaded[path].open(path)
        loaded[path].page.context.close()
    return loaded


def test_no_request_leaves_the_site(visits: dict[str, Tab]) -> None:
    """No page asks any host but the site itself: no fonts, CDN, analytics."""
    external = {path: tab.external for path, tab in visits.items() if tab.external}
    assert not external


def test_no_failed_requests(visits: dict[str, Tab]) -> None:
    """No page has a request that fails or answers 4xx/5xx."""
    failed = {path: tab.failed for path, tab in visits.items() if tab.failed}
    assert not failed


def test_no_console_errors(visits: dict[str, Tab]) -> None:
    """No page logs a console error or throws."""
    errors = {path: tab.errors for path, tab in visits.items() if tab.errors}
    assert not errors


def copy_block(tab: Tab, block: "playwright_api.Locator") -> str:
    """Click a code block's copy button like a reader and return what lands on the clipboard."""
    tab.page.evaluate("navigator.clipboard.writeText('(nothing copied)')")
    block.scroll_into_view_if_needed()
    block.hover()
    block.locator(COPY_BUTTON).click()
    return tab.page.evaluate("navigator.clipboard.readText()")


def test_console_examples_copy_as_runnable_python(tab: Tab, pages: list[str]) -> None:
    """Every console example's copy button copies its code alone: no prompts, no output; it compiles."""
    problems, copied_blocks = [], 0
    for path in pages:
        tab.open(path)
        tab.page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        blocks = tab.page.locator("div.language-pycon")
        for i in range(blocks.count()):
            block = blocks.nth(i)
            where = f"{path} console example {i + 1}"
            expected = console_code(block.locator("code").text_content())
            copied = copy_block(tab, block)
            copied_blocks += 1
            if copied.strip() != expected.strip():
                problems.append(f"{where} copied {copied!r}, expected {expected!r}")
            try:
                compile(copied, where, "exec")
            except SyntaxError as error:
                problems.append(f"{where} does not compile: {error}")
    assert copied_blocks > 0, "no console example found on the site"
    assert not problems, "\n".join(problems)


def test_math_is_typeset(tab: Tab, pages: list[str]) -> None:
    """Formulas are KaTeX-typeset with the site's own fonts, and no raw TeX shows."""
    problems, formulas = [], 0
    for path in pages:
        tab.open(path)
        formulas += tab.page.locator(".katex").count()
        untypeset = tab.page.locator(".arithmatex:not(:has(.katex))").count()
        if untypeset:
            problems.append(f"{path}: {untypeset} formulas left untypeset")
        raw = RAW_TEX.findall(tab.page.evaluate(PROSE_TEXT_JS))
        if raw:
            problems.append(f"{path}: raw TeX {raw[:5]}")
        if tab.page.locator(".katex").count() and not tab.page.evaluate(
            "document.fonts.ready.then(() => document.fonts.check('16px KaTeX_Main'))"
        ):
            problems.append(f"{path}: the KaTeX fonts did not load")
    assert formulas > 0, "no typeset formula on the whole site"
    assert not problems, "\n".join(problems)


def test_figures_load(tab: Tab, pages: list[str]) -> None:
    """Every image on every page loads (even lazy ones, once scrolled to)."""
    broken = []
    for path in pages:
        tab.open(path)
        images = tab.page.locator("img")
        for i in range(images.count()):
            image = images.nth(i)
            image.scroll_into_view_if_needed()
            image.evaluate("img => img.complete || new Promise(r => img.onload = img.onerror = r)")
            if not image.evaluate("img => img.naturalWidth") > 0:
                broken.append(f"{path}: {image.get_attribute('src')}")
    assert not broken


def test_axe_finds_no_serious_violations(
    browser: "playwright_api.Browser", base_url: str, pages: list[str]
) -> None:
    """axe-core reports no serious or critical accessibility violation, in either palette."""
    from axe_playwright_python.sync_playwright import Axe

    axe, found = Axe(), []
    for scheme in ("light", "dark"):
        tab = new_tab(browser, base_url, color_scheme=scheme)
        for path in pages:
            tab.open(path)
            for violation in axe.run(tab.page).response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = [node["target"] for node in violation["nodes"]][:3]
                    found.append(f"{path} ({scheme}): {violation['id']} at {targets}")
        tab.page.context.close()
    assert not found, "\n".join(found)


# Each code block the browser may skip (content-visibility: auto): its height now, then rendered.
SKIPPABLE_HEIGHTS_JS = """rendered => [...document.querySelectorAll("pre")]
  .filter(pre => getComputedStyle(pre).contentVisibility === "auto")
  .map(pre => {
    if (rendered) pre.style.contentVisibility = "visible";
    return pre.getBoundingClientRect().height;
  })"""


PHONE = {"width": 390, "height": 844}  # a phone held upright
DESKTOP = {"width": 1280, "height": 800}  # a laptop's screen


@pytest.mark.parametrize("viewport", [VIEWPORT, PHONE], ids=["desktop", "phone"])
def test_code_blocks_keep_their_height_before_they_render(
    tab: Tab, pages: list[str], viewport: dict[str, int]
) -> None:
    """A code block the browser has not laid out yet is as tall as when it is: the page does
    not jump while one renders, and axe and Lighthouse measure the page readers see."""
    tab.page.set_viewport_size(viewport)
    wrong, blocks = [], 0
    for path in pages:
        tab.open(path)
        skipped = tab.page.evaluate(SKIPPABLE_HEIGHTS_JS, False)
        rendered = tab.page.evaluate(SKIPPABLE_HEIGHTS_JS, True)
        blocks += len(skipped)
        for index, (before, after) in enumerate(zip(skipped, rendered)):
            if abs(before - after) > 1.5:
                wrong.append(f"{path} block {index + 1}: {before:.1f}px, rendered {after:.1f}px")
    assert blocks > 50, "the code blocks are no longer skippable: see docs/stylesheets"
    assert not wrong, "\n".join(wrong)


# What overflows sideways on a phone: the page itself, and any formula or code block that does
# not scroll inside its own box.
PHONE_OVERFLOW_JS = """() => {
  const problems = [];
  const page = document.documentElement;
  if (page.scrollWidth > innerWidth) problems.push(`page ${page.scrollWidth}px wide`);
  for (const box of document.querySelectorAll(".katex-display, pre > code")) {
    const scrolls = ["auto", "scroll"].includes(getComputedStyle(box).overflowX);
    if (box.scrollWidth > box.clientWidth + 1 && !scrolls) {
      problems.push(`${box.className || box.tagName} overflows: ${box.textContent.slice(0, 40)}`);
    }
    if (box.getBoundingClientRect().right > innerWidth + 1) {
      problems.push(`${box.className || box.tagName} sticks out: ${box.textContent.slice(0, 40)}`);
    }
  }
  return problems;
}"""


def test_no_page_scrolls_sideways_on_a_phone(tab: Tab, pages: list[str]) -> None:
    """At 390 px the page never scrolls sideways: formulas and code scroll inside their boxes."""
    tab.page.set_viewport_size(PHONE)
    problems, wide = [], 0
    for path in pages:
        tab.open(path)
        tab.page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        problems += [f"{path}: {problem}" for problem in tab.page.evaluate(PHONE_OVERFLOW_JS)]
        wide += tab.page.evaluate(
            "[...document.querySelectorAll('pre > code')]"
            ".filter(c => c.scrollWidth > c.clientWidth).length"
        )
    assert wide > 10, "no code block is wider than a phone: is the viewport a phone's?"
    assert not problems, "\n".join(problems)


# Text in a code block that lies under the block's copy button, once Material has mounted it.
COVERED_CODE_JS = """() => [...document.querySelectorAll("article pre")].flatMap((pre, index) => {
  const button = pre.querySelector(".md-code__button, .md-clipboard");
  if (!button || !button.getClientRects().length) return [];
  const b = button.getBoundingClientRect();
  const walker = document.createTreeWalker(pre.querySelector("code"), NodeFilter.SHOW_TEXT);
  const covered = [];
  while (walker.nextNode()) {
    if (!walker.currentNode.data.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(walker.currentNode);
    for (const r of range.getClientRects()) {
      if (r.right > b.left && r.left < b.right && r.bottom > b.top && r.top < b.bottom) {
        covered.push(`block ${index}: ${walker.currentNode.data.trim()}`);
      }
    }
  }
  return covered.slice(0, 1);
})"""


@pytest.mark.parametrize(
    ("viewport", "touch"), [(PHONE, True), (DESKTOP, False)], ids=["phone", "desktop"]
)
def test_no_copy_button_covers_code(
    browser: "playwright_api.Browser",
    base_url: str,
    pages: list[str],
    viewport: dict[str, int],
    touch: bool,
) -> None:
    """The copy button shows at a code block's top right; no line of code runs under it, on a
    touch screen or on a desktop's, where code lines use up to 79 of the 80 columns."""
    tab = new_tab(browser, base_url, has_touch=touch, is_mobile=touch)
    tab.page.set_viewport_size(viewport)
    covered, buttons, notebook_buttons = [], 0, 0
    for path in pages:
        tab.open(path)
        tab.page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        blocks = tab.page.locator("article pre")
        for index in range(blocks.count()):  # Material mounts a block once it is in view
            blocks.nth(index).scroll_into_view_if_needed()
        tab.page.wait_for_timeout(200)
        mounted = tab.page.locator("article pre .md-code__button").count()
        buttons += mounted
        notebook_buttons += mounted if notebook_page(path) else 0
        covered += [f"{path} {text}" for text in tab.page.evaluate(COVERED_CODE_JS)]
    tab.page.context.close()
    assert buttons > 20, "no copy buttons mounted"
    assert notebook_buttons > 20, "no copy buttons mounted on the notebook pages' cells"
    assert not covered, "\n".join(covered)


# The lines a reader must see whole in the code blocks outside collapsed boxes: each error
# message (a traceback's last line) and each numbered step comment of the loop (# 1. to # 5.).
# For each, how far its text reaches past the block's visible width, with the block scrolled
# to its start (0 or less: all of it shows).
MUST_SEE_LINES_JS = r"""() => [...document.querySelectorAll("article pre > code")]
  .filter(code => !code.closest("details:not([open])"))
  .flatMap(code => {
    code.parentElement.style.contentVisibility = "visible";  // lay out a skipped block
    const left = code.getBoundingClientRect().left + code.clientLeft;
    const right = left + code.clientWidth;
    return [...code.querySelectorAll(':scope > span[id^="__span-"]')]
      .filter(line => line.querySelector(".gr") || /(^|\s)# [1-5]\. /.test(line.textContent))
      .map(line => {
        const range = document.createRange();
        range.selectNodeContents(line);
        const rects = [...range.getClientRects()].filter(rect => rect.width > 0);
        const past = rects.map(rect => Math.max(rect.right - right, left - rect.left));
        return [line.querySelector(".gr") ? "error" : "step", line.textContent.trim(),
                Math.max(...past)];
      });
  })"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_error_messages_and_loop_comments_show_whole(
    tab: Tab, pages: list[str], viewport: dict[str, int]
) -> None:
    """Every error message a chapter shows and every step comment of its loops can be read
    without scrolling sideways, on a phone and on a desktop: messages wrap, comments fit."""
    tab.page.set_viewport_size(viewport)
    cut, kinds = [], []
    for path in pages:
        tab.open(path)
        for kind, text, past in tab.page.evaluate(MUST_SEE_LINES_JS):
            kinds.append(kind)
            if past > 0.5:
                cut.append(f"{path}: {text!r} runs {past:.0f}px past its box")
    assert kinds.count("error") >= 5 and kinds.count("step") >= 20, kinds
    assert not cut, "\n".join(cut)


def test_figure_text_is_legible_on_a_phone(tab: Tab, pages: list[str]) -> None:
    """At 390 px the smallest text of each figure (tick labels, legend, exponents) is drawn at
    11 px or more: its font size in the SVG times the width shown over the SVG's own width."""
    tab.page.set_viewport_size(PHONE)
    small, figures = [], 0
    for path in pages:
        tab.open(path)
        images = tab.page.locator('article img[src$=".svg"]')
        for index in range(images.count()):
            image = images.nth(index)
            image.scroll_into_view_if_needed()
            image.evaluate("img => img.complete || new Promise(r => img.onload = img.onerror = r)")
            shown = image.evaluate("img => img.getBoundingClientRect().width")
            svg = image.evaluate("img => fetch(img.src).then(got => got.text())")
            figures += 1
            sizes = svg_text_sizes(svg)
            smallest = min(sizes, key=sizes.get)
            px = sizes[smallest] * shown / svg_width(svg)
            if px < 11:
                small.append(f"{path} {image.get_attribute('src')}: {smallest!r} at {px:.1f}px")
    assert figures >= 6, figures
    assert not small, "\n".join(small)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_start_button_is_on_the_first_screen(tab: Tab, viewport: dict[str, int]) -> None:
    """The home page's "Start with chapter 5" shows without scrolling, on a laptop or phone."""
    tab.page.set_viewport_size(viewport)
    tab.open("/")
    button = tab.page.locator("article a.md-button", has_text="Start with chapter 5")
    box = button.bounding_box()
    assert box is not None and box["height"] > 0
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], box


# The code blocks in the chapters' recaps (<details>): laid out or not, wider than the block,
# focusable (Material's tabindex="0", so keyboard users can scroll them sideways).
RECAP_BLOCKS_JS = """() => [...document.querySelectorAll("article details pre > code")].map(code => ({
  shown: code.getClientRects().length > 0,
  wide: code.scrollWidth > code.clientWidth,
  focusable: code.getAttribute("tabindex") === "0",
}))"""
RECAPS_SETTLED_JS = f"""() => ({RECAP_BLOCKS_JS})().every(b => b.shown && b.wide === b.focusable)"""


def test_recaps_are_laid_out_only_once_opened(tab: Tab, pages: list[str]) -> None:
    """A closed recap's code stays out of the layout (docs/stylesheets/extra.css). Opened, every
    block shows, and Material still makes each one that scrolls sideways focusable."""
    tab.page.set_viewport_size({"width": 412, "height": 823})  # a phone: long lines scroll
    opened, wide = 0, 0
    for path in pages:
        tab.open(path)
        closed = tab.page.evaluate(RECAP_BLOCKS_JS)
        if not closed:
            continue  # no recap with code on this page
        assert not any(block["shown"] for block in closed), path
        summaries = tab.page.locator("article details > summary")
        for index in range(summaries.count()):
            summaries.nth(index).click()
        codes = tab.page.locator("article details pre > code")
        for index in range(codes.count()):  # Material mounts a block once it is in view
            codes.nth(index).scroll_into_view_if_needed()
        try:
            tab.page.wait_for_function(RECAPS_SETTLED_JS, timeout=5000)
        except playwright_api.TimeoutError:
            pass  # the assertion below says which block is wrong
        blocks = tab.page.evaluate(RECAP_BLOCKS_JS)
        assert all(b["shown"] and b["wide"] == b["focusable"] for b in blocks), (path, blocks)
        opened += len(blocks)
        wide += sum(block["wide"] for block in blocks)
    assert opened >= 5 and wide >= 1, (opened, wide)


# Where keyboard focus is, once it has settled: Material may still be mounting the block that
# Tab reached (docs/javascripts/code_focus.js then moves the focus to its copy button).
FOCUS_SETTLED_JS = """() => {
  const focused = document.activeElement;
  return focused !== document.body
    && !(focused.matches("pre > code") && !focused.parentElement.querySelector("button"));
}"""
FOCUS_JS = """() => {
  const focused = document.activeElement;
  if (focused === document.body) return "lost";
  if (focused.closest(".md-footer")) return "footer";
  const pre = focused.closest("article pre");
  if (!pre) return "other";
  const block = [...document.querySelectorAll("article pre")].indexOf(pre);
  return `${focused.tagName === "BUTTON" ? "copy button" : "code"} of block ${block}`;
}"""
# The copy buttons that Tab should reach: one per block, except in closed recaps.
EXPECTED_BUTTONS_JS = """() => [...document.querySelectorAll("article pre")]
  .map((pre, block) => [pre, block])
  .filter(([pre]) => pre.querySelector(":scope > code") && !pre.closest("details:not([open])"))
  .map(([, block]) => `copy button of block ${block}`)"""


def test_tab_reaches_every_copy_button_and_keeps_the_focus(tab: Tab, pages: list[str]) -> None:
    """Pressing Tab from a page's title to its footer stops at every code block's copy button,
    although Material mounts a block only once it scrolls into view, and never drops the focus."""
    problems, walked = [], 0
    for path in pages:
        tab.open(path)
        expected = tab.page.evaluate(EXPECTED_BUTTONS_JS)
        if not expected:
            continue  # no code block on this page
        walked += 1
        tab.page.locator("article h1").first.click()  # Tab starts from the title
        stops = []
        while len(stops) < 3 * len(expected) + 100 and "footer" not in stops:
            tab.page.keyboard.press("Tab")
            try:
                tab.page.wait_for_function(FOCUS_SETTLED_JS, timeout=3000)
            except playwright_api.TimeoutError:
                pass  # recorded as "lost" below
            stops.append(tab.page.evaluate(FOCUS_JS))
        if missed := [button for button in expected if button not in stops]:
            problems.append(f"{path}: Tab never reached the {missed}")
        if stops.count("lost"):
            problems.append(f"{path}: the focus was lost {stops.count('lost')} times")
    assert walked >= 3, walked
    assert not problems, "\n".join(problems)


# A name and a space as Pygments wraps them, each added to every code block next to the same text
# in a bare span: how each looks. code_blocks.py drops these spans, so their classes must change
# nothing a reader sees (a space has no ink, so its colour cannot show).
PLAIN_TOKEN_LOOKS_JS = """() => [...document.querySelectorAll("pre > code")]
  .flatMap(code => ["n", "w"].map(token => {
    const [classed, bare] = [token, ""].map(name => {
      const span = document.createElement("span");
      span.className = name;
      span.textContent = {n: "x", w: " "}[token];
      return code.appendChild(span);
    });
    const ink = token === "w" ? [] : ["color"];
    const look = span => [...ink, "fontWeight", "fontStyle", "textDecorationLine", "backgroundColor"]
      .map(property => getComputedStyle(span)[property]).join(" ");
    const found = [token, look(classed), look(bare)];
    classed.remove();
    bare.remove();
    return found;
  }))"""


def test_names_and_spaces_look_the_same_without_their_spans(
    browser: "playwright_api.Browser", base_url: str, pages: list[str]
) -> None:
    """The theme draws name and whitespace tokens as the code around them, in both palettes."""
    different, checked = set(), 0
    for scheme in ("light", "dark"):
        tab = new_tab(browser, base_url, color_scheme=scheme)
        for path in pages:
            tab.open(path)
            for token, classed, bare in tab.page.evaluate(PLAIN_TOKEN_LOOKS_JS):
                checked += 1
                if classed != bare:
                    different.add(f"{path} ({scheme}) .{token}: {classed}, without: {bare}")
        tab.page.context.close()
    assert checked > 100, "no code blocks found"
    assert not different, "\n".join(sorted(different))


def search(tab: Tab, words: str) -> list[str]:
    """Type `words` into the site's search from the home page; the results' paths and anchors."""
    tab.open("/")
    tab.page.locator("input.md-search__input").press_sequentially(words)
    results = tab.page.locator(".md-search-result__item a")
    results.first.wait_for()
    return results.evaluate_all("links => links.map(a => a.pathname + a.hash)")


def test_search_finds_the_chapter_on_backward(tab: Tab) -> None:
    """Searching `backward` lists the chapter on loss and gradients, where loss.backward() is taught."""
    hrefs = [href.split("#")[0] for href in search(tab, "backward")]
    assert "/loss/" in hrefs, f"search for 'backward' found {hrefs}"


def body_luminance(tab: Tab) -> float:
    """Luminance of the page background in the current palette."""
    color = tab.page.evaluate("getComputedStyle(document.body).backgroundColor")
    return luminance(tuple(int(c) for c in re.findall(r"\d+", color)[:3]))


def toggle_palette(tab: Tab) -> str:
    """Click the palette toggle in the header; return the colour scheme it switched to."""
    tab.page.locator("form[data-md-component=palette] label:visible").click()
    return tab.page.evaluate("document.body.getAttribute('data-md-color-scheme')")


def test_palette_toggle_switches_light_and_dark(tab: Tab) -> None:
    """The header toggle switches the palette to dark and back to light."""
    tab.open("/")
    assert tab.page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "default"
    assert body_luminance(tab) > 0.8
    assert toggle_palette(tab) == "slate"
    assert body_luminance(tab) < 0.1
    assert toggle_palette(tab) == "default"
    assert body_luminance(tab) > 0.8


# Every change to these attributes of <html> and <body>, with the page's readyState and the
# value before: docs/overrides/main.html sets them while the page parses ("loading").
RECORD_MARKS = """
window.marks = [];
new MutationObserver(records => { for (const r of records)
  if (r.target === document.documentElement || r.target === document.body) window.marks.push(
    [document.readyState, r.target.nodeName, r.attributeName, r.oldValue]) }
).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
  attributeFilter: ["class", "data-js-focus-visible", "data-md-color-switching"]});
"""


def changed_marks(records: list[list], now: dict[str, str | None]) -> list[tuple]:
    """(readyState, node, attribute, before, after) of each record that changed a value: a
    record's value after is the next record's value before, or the value now."""
    changes = []
    for i, (state, node, name, before) in enumerate(records):
        later = [r[3] for r in records[i + 1 :] if r[1:3] == [node, name]]
        after = later[0] if later else now[f"{node} {name}"]
        if after != before:
            changes.append((state, node, name, before, after))
    return changes


def test_materials_bundle_starts_without_restyling_the_page(tab: Tab) -> None:
    """What Material's bundle sets on <html> and <body> as it starts is set while the page
    parses, so that the bundle changes none of it (each change restyled the whole page); only
    the palette's removal of data-md-color-switching is left to it."""
    tab.page.add_init_script(RECORD_MARKS)
    tab.open("/notebooks/generalization/")
    now = tab.page.evaluate("""() => Object.fromEntries([document.documentElement,
      document.body].flatMap(e => ["class", "data-js-focus-visible", "data-md-color-switching"]
      .map(name => [`${e.nodeName} ${name}`, e.getAttribute(name)])))""")
    changes = changed_marks(tab.page.evaluate("window.marks"), now)
    assert ("loading", "HTML", "class", "no-js", "js") in changes  # main.html's script
    after_parsing = [change[1:] for change in changes if change[0] != "loading"]
    assert after_parsing == [("BODY", "data-md-color-switching", "", None)]


def test_figures_stay_legible_in_both_palettes(
    browser: "playwright_api.Browser", base_url: str, pages: list[str]
) -> None:
    """Each figure's lines and text stand out from what surrounds them, light and dark.

    Ink the colour of the page background (black axes on the dark palette) scores about 1.3;
    legible figures score 2.5 or more (the median includes antialiased edges)."""
    illegible, figures = [], 0
    for scheme in ("light", "dark"):
        tab = new_tab(browser, base_url, color_scheme=scheme)
        for path in pages:
            tab.open(path)
            images = tab.page.locator("article img")
            for i in range(images.count()):
                image = images.nth(i)
                image.scroll_into_view_if_needed()
                figures += 1
                ratio = ink_contrast(image.screenshot(animations="disabled"))
                if ratio < 2:
                    illegible.append(
                        f"{path} ({scheme}) {image.get_attribute('src')}: {ratio:.1f}:1"
                    )
        tab.page.context.close()
    assert figures, "the chapters show figures, but no page had one"
    assert not illegible, "\n".join(illegible)


def nav_order(tab: Tab) -> list[str]:
    """Paths of the pages in the navigation sidebar, in order."""
    links = tab.page.locator("nav.md-nav--primary a.md-nav__link[href]")
    paths = links.evaluate_all("links => links.map(a => new URL(a.href).pathname)")
    return list(dict.fromkeys(paths))


def follow_footer(tab: Tab, direction: str) -> list[str]:
    """Click the footer's prev/next link until there is none; return the paths visited."""
    visited = [tab.page.evaluate("location.pathname")]
    link = tab.page.locator(f"a.md-footer__link--{direction}")
    while link.count():
        title = link.locator(".md-ellipsis").inner_text().strip()
        link.click()
        tab.page.wait_for_load_state()
        active = tab.page.locator("nav.md-nav--primary .md-nav__link--active").last.inner_text()
        assert active.strip() == title, f"{direction} link '{title}' led to '{active.strip()}'"
        visited.append(tab.page.evaluate("location.pathname"))
    return visited


def test_footer_links_walk_the_chapters_in_order(tab: Tab) -> None:
    """Next from the home page visits every page of the navigation in order; previous walks back."""
    tab.open("/")
    order = nav_order(tab)
    assert follow_footer(tab, "next") == order
    assert follow_footer(tab, "prev") == order[::-1]


def test_table_of_contents_anchors_exist(tab: Tab, pages: list[str]) -> None:
    """Every table-of-contents link points at a heading on its page."""
    missing = []
    for path in pages:
        tab.open(path)
        anchors = tab.page.locator("nav.md-nav--secondary a.md-nav__link").evaluate_all(
            "links => links.map(a => a.hash.slice(1))"
        )
        for anchor in anchors:
            if not tab.page.evaluate(
                "id => !!document.getElementById(decodeURIComponent(id))", anchor
            ):
                missing.append(f"{path}#{anchor}")
    assert not missing


def test_table_of_contents_link_scrolls_to_its_heading(tab: Tab) -> None:
    """Clicking the last table-of-contents entry of a chapter scrolls its heading into view."""
    tab.open("/training/")
    link = tab.page.locator("nav.md-nav--secondary a.md-nav__link:visible").last
    anchor = link.evaluate("a => decodeURIComponent(a.hash.slice(1))")
    link.click()
    tab.page.wait_for_function("id => location.hash === '#' + id", arg=anchor)
    in_view = "id => { const top = document.getElementById(id).getBoundingClientRect().top;"
    in_view += " return top >= 0 && top < innerHeight / 2; }"
    tab.page.wait_for_function(in_view, arg=anchor, timeout=5000)  # times out unless scrolled


def test_pages_link_to_their_source_for_editing(tab: Tab) -> None:
    """A chapter's "Edit this page" button opens its Markdown file in the repository."""
    tab.open("/model/")
    href = tab.page.locator("a.md-content__button[href*='/edit/']").get_attribute("href")
    assert href.startswith("https://github.com/") and href.endswith("/edit/main/docs/model.md")


def test_solutions_open_on_demand_and_copy_runnable_code(tab: Tab, pages: list[str]) -> None:
    """On every chapter each exercise's solution is closed until the reader opens it. Opened (the
    first one here), its code shows, and each console example's copy button copies its code
    alone, which compiles."""
    from tutorial_tools.notebooks import CHAPTERS

    chapters = [path for path in pages if path.strip("/") in CHAPTERS]
    assert len(chapters) == len(CHAPTERS), pages
    problems = []
    for path in chapters:
        tab.open(path)
        title = tab.page.locator("summary", has_text=re.compile(r"^\s*Solution\s*$"))
        solutions = tab.page.locator("article details.success").filter(has=title)
        assert solutions.count() >= 3, path
        assert solutions.evaluate_all("ds => ds.every(d => !d.open)"), f"{path}: one is open"
        solution = solutions.first
        blocks = solution.locator("div.language-pycon")
        assert blocks.count() >= 1 and not blocks.first.is_visible(), path
        solution.locator("summary").click()
        for i in range(blocks.count()):
            block = blocks.nth(i)
            block.scroll_into_view_if_needed()
            assert block.is_visible(), f"{path}: solution code {i + 1} stays hidden once opened"
            expected = console_code(block.locator("code").text_content())
            copied = copy_block(tab, block)
            if copied.strip() != expected.strip():
                problems.append(f"{path} solution code {i + 1} copied {copied!r}")
            try:
                compile(copied, f"{path} solution code {i + 1}", "exec")
            except SyntaxError as error:
                problems.append(f"{path} solution code {i + 1} does not compile: {error}")
    assert not problems, "\n".join(problems)


def test_search_finds_an_exercise(tab: Tab) -> None:
    """Searching an exercise's words lists the exercise itself, linked to its heading."""
    links = search(tab, "fastest learning rate")
    assert "/training/#exercise-74-the-fastest-learning-rate" in links, links


def notebook_page(path: str) -> bool:
    """Whether a URL path is a chapter's notebook page, /notebooks/<chapter>/."""
    return re.fullmatch(r"/notebooks/[\w-]+/", path) is not None


def notebook_pages(pages: list[str]) -> list[str]:
    """The notebook pages the build produced: one per chapter."""
    from tutorial_tools.notebooks import CHAPTERS

    found = [path for path in pages if notebook_page(path)]
    assert sorted(found) == sorted(f"/notebooks/{chapter}/" for chapter in CHAPTERS), pages
    return found


def test_notebook_solutions_stay_folded_until_clicked(tab: Tab, pages: list[str]) -> None:
    """As on the chapters, each solution on a notebook page starts closed, its cells hidden; a
    click on its title shows them."""
    from tutorial_tools.site_check import ROOT

    for path in notebook_pages(pages):
        chapter = (ROOT / "docs" / f"{path.split('/')[2]}.md").read_text(encoding="utf-8")
        tab.open(path)
        solutions = tab.page.locator("article details.success")
        assert solutions.count() == chapter.count('\n??? success "Solution"\n') >= 3, path
        assert solutions.evaluate_all("ds => ds.every(d => !d.open)"), f"{path}: one is open"
        for i in range(solutions.count()):
            solution = solutions.nth(i)
            summary = solution.locator("summary")
            assert summary.inner_text().startswith("Solution "), path
            cells = solution.locator("pre")
            assert cells.count() >= 1 and not cells.first.is_visible(), f"{path} solution {i + 1}"
            summary.click()
            cells.first.scroll_into_view_if_needed()
            assert cells.first.is_visible(), f"{path} solution {i + 1} stays hidden once opened"


def test_notebook_pages_walk_in_chapter_order_and_lead_to_their_chapter(tab: Tab) -> None:
    """Next leads from the first chapter's notebook page through the others in the chapters'
    order, Previous back to the Notebooks page; each page links to its chapter."""
    from tutorial_tools.notebooks import CHAPTERS

    order = [f"/notebooks/{chapter}/" for chapter in CHAPTERS]
    walks = {}
    for direction, start in (("next", order[0]), ("prev", order[-1])):
        tab.open(start)
        walks[direction] = [start]
        link = tab.page.locator(f"a.md-footer__link--{direction}")
        while notebook_page(walks[direction][-1]) and link.count():  # on to the first other page
            link.click()
            tab.page.wait_for_load_state()
            walks[direction].append(tab.page.evaluate("location.pathname"))
    assert walks["next"] == order
    assert walks["prev"] == order[::-1] + ["/notebooks/"]
    for chapter, path in zip(CHAPTERS, order):
        tab.open(path)
        tab.page.get_by_role("link", name="Back to the chapter").click()
        tab.page.wait_for_load_state()
        assert tab.page.evaluate("location.pathname") == f"/{chapter}/"


# Every number in a code block or an output whose characters lie on more than one line: none
# should, since code and outputs scroll sideways instead of wrapping.
SPLIT_NUMBERS_JS = """() => {
  const split = [];
  let numbers = 0;
  for (const code of document.querySelectorAll("article pre > code")) {
    code.parentElement.style.contentVisibility = "visible";  // lay out what the browser skipped
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      for (const match of node.data.matchAll(/\\d[\\d.]*(?:e[-+]?\\d+)?/g)) {
        numbers += 1;
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
        if (tops.size > 1) split.push(match[0]);
      }
    }
  }
  return {numbers, split: split.slice(0, 5)};
}"""


def test_no_number_is_split_across_lines_on_a_phone(tab: Tab, pages: list[str]) -> None:
    """At 390 px every number in code and outputs stays on one line (no `b=1.4` / `57`): the
    notebook pages' outputs scroll sideways, as the chapters' blocks do."""
    tab.page.set_viewport_size(PHONE)
    split, in_outputs = [], 0
    for path in pages:
        tab.open(path)
        tab.page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        found = tab.page.evaluate(SPLIT_NUMBERS_JS)
        split += [f"{path}: {number}" for number in found["split"]]
        in_outputs += found["numbers"] if notebook_page(path) else 0
    assert in_outputs > 1000, "the notebook pages' code and outputs hold few numbers"
    assert not split, "\n".join(split)


# The width of each code block at the article's top level (not in a box), and the viewport's.
BLOCK_WIDTHS_JS = """() => [...document.querySelectorAll("article > div.highlight > pre > code")]
  .map(code => [Math.round(code.getBoundingClientRect().width), innerWidth])"""


def test_code_cells_use_a_phones_whole_width(tab: Tab, pages: list[str]) -> None:
    """At 390 px a notebook page's code cells and outputs span the screen, as a chapter's code
    blocks do (JupyterLab's prompt column and padding left about 65 px unused)."""
    tab.page.set_viewport_size(PHONE)
    narrow, blocks = [], 0
    for path in notebook_pages(pages) + ["/model/"]:
        tab.open(path)
        widths = tab.page.evaluate(BLOCK_WIDTHS_JS)
        blocks += len(widths)
        narrow += [
            f"{path} block {i + 1}: {w} of {v} px" for i, (w, v) in enumerate(widths) if w < v
        ]
    assert blocks > 100, blocks
    assert not narrow, "\n".join(narrow[:10])


def test_a_notebook_cells_copy_button_copies_its_code(tab: Tab, pages: list[str]) -> None:
    """The copy button of a notebook page's code cell (Material's, as on the chapters) copies the
    cell's source exactly, as the page's downloadable notebook holds it."""
    problems, copied_cells = [], 0
    for path in notebook_pages(pages):
        tab.open(path)
        name = path.split("/")[2]
        notebook = tab.page.evaluate(f"fetch('{name}.ipynb').then(response => response.json())")
        sources = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
        tab.page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        cells = tab.page.locator("article div.hl-python")  # nbconvert's class for a code cell
        assert cells.count() == len(sources), path
        for i in sorted({0, 1, len(sources) // 2, len(sources) - 1}):
            copied_cells += 1
            copied = copy_block(tab, cells.nth(i))
            if copied.rstrip("\n") != sources[i]:
                problems.append(f"{path} cell {i + 1} copied {copied!r}, not {sources[i]!r}")
    assert copied_cells >= 4 * len(notebook_pages(pages)) - 4
    assert not problems, "\n".join(problems)
