"""katex_fonts: the built site's KaTeX fonts keep every glyph its formulas show, KaTeX's own
outlines, and draw each formula pixel for pixel as KaTeX's full fonts do."""

import io
import shutil
from math import ceil, floor
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from tutorial_tools import katex_fonts
from tutorial_tools.site_check import ROOT, serve

FONTS = ROOT / "docs/assets/katex/fonts"  # KaTeX's own, as katex_assets vendors them
# What KaTeX writes for one formula: MathML for screen readers, then the HTML a reader sees.
FORMULA = (
    '<p>a</p><span class="katex"><span class="katex-mathml"><math><mi>q</mi></math></span>'
    '<span class="katex-html" aria-hidden="true"><span class="base">'
    '<span class="mord mathnormal">&#x3B8;</span><svg><path d="M0 0"/></svg>'
    '<span class="mrel">=</span></span></span></span><p>b</p>'
)


def codes(chars: set[str]) -> set[int]:
    """The code points of some characters."""
    return {ord(char) for char in chars}


def test_formula_chars_are_the_text_a_reader_sees_in_formulas(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(FORMULA, encoding="utf-8")
    assert katex_fonts.formula_chars([page]) == {"θ", "="}


def test_a_cut_font_keeps_what_is_asked_and_what_browsers_measure(tmp_path: Path) -> None:
    font = tmp_path / "KaTeX_Main-Regular.woff2"
    shutil.copyfile(FONTS / font.name, font)
    katex_fonts.subset_font(font, {"±", "∂", "☃"})  # no snowman in KaTeX's fonts
    original, cut = TTFont(FONTS / font.name), TTFont(font)
    kept = set(cut.getBestCmap())
    assert kept == set(original.getBestCmap()) & codes({"±", "∂", "☃"} | katex_fonts.ALWAYS)
    assert codes({"±", "∂", " ", "o", "Δ"}) <= kept  # Main has upright capital Greek only
    assert cut.flavor == "woff2"
    assert font.stat().st_size < (FONTS / font.name).stat().st_size * 0.6


def test_a_cut_font_keeps_katexs_outlines_and_widths(tmp_path: Path) -> None:
    font = tmp_path / "KaTeX_Math-Italic.woff2"
    shutil.copyfile(FONTS / font.name, font)
    katex_fonts.subset_font(font, {"x", "θ"})
    original, cut = TTFont(FONTS / font.name), TTFont(font)
    for code, name in cut.getBestCmap().items():
        before = original["glyf"][original.getBestCmap()[code]]
        after = cut["glyf"][name]
        assert after.getCoordinates(cut["glyf"]) == before.getCoordinates(original["glyf"])
        assert cut["hmtx"][name] == original["hmtx"][original.getBestCmap()[code]]


@pytest.mark.site
def test_the_built_fonts_hold_every_character_the_formulas_show(site: Path) -> None:
    chars = katex_fonts.formula_chars(sorted(site.rglob("*.html")))
    assert {"θ", "∇", "λ", "∑"} <= chars  # chapters 6, 8 and 10 typeset these
    for font in sorted((site / "assets/katex/fonts").glob("*.woff2")):
        original = set(TTFont(FONTS / font.name).getBestCmap())
        kept = set(TTFont(font).getBestCmap())
        assert kept == original & codes(chars | katex_fonts.ALWAYS), font.name


@pytest.mark.site
def test_a_page_with_math_loads_smaller_fonts(site: Path) -> None:
    loaded = ["KaTeX_Main-Regular.woff2", "KaTeX_Math-Italic.woff2", "KaTeX_Size2-Regular.woff2"]
    before = sum((FONTS / name).stat().st_size for name in loaded)
    after = sum((site / "assets/katex/fonts" / name).stat().st_size for name in loaded)
    assert after < before * 0.7  # measured on 2026-12-04: 47.9 KB -> 31.8 KB


# Each formula's box on the whole page (a screenshot's clip), from its box in the viewport.
BOXES = """formulas => formulas.map(formula => {
    const box = formula.getBoundingClientRect();
    return {x: box.x + scrollX, y: box.y + scrollY, width: box.width, height: box.height};
})"""


def formula_pixels(browser: object, url: str, original_fonts: bool) -> list[bytes]:
    """The pixels of each formula on a page, drawn with the site's fonts or KaTeX's full ones,
    cut from one screenshot of the whole page, laid out in full (code blocks rendered)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    if original_fonts:
        page.route(
            "**/assets/katex/fonts/*.woff2",
            lambda route: route.fulfill(path=FONTS / route.request.url.rpartition("/")[2]),
        )
    page.goto(url)
    page.add_style_tag(content=".md-typeset pre { content-visibility: visible; }")
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    boxes = page.eval_on_selector_all(".katex-html", BOXES)
    whole = Image.open(io.BytesIO(page.screenshot(full_page=True)))
    context.close()
    return [
        whole.crop(
            (floor(b["x"]), floor(b["y"]), ceil(b["x"] + b["width"]), ceil(b["y"] + b["height"]))
        ).tobytes()
        for b in boxes
        if b["width"]
    ]


@pytest.mark.site
@pytest.mark.parametrize("path", ["/", "/loss/", "/training/", "/nn/", "/generalization/"])
def test_the_cut_fonts_draw_each_formula_as_katexs_own(
    site: Path, browser: object, path: str
) -> None:
    with serve(site) as base:
        cut = formula_pixels(browser, base + path, original_fonts=False)
        full = formula_pixels(browser, base + path, original_fonts=True)
    assert cut, f"no formula on {path}"
    differing = [index for index, (a, b) in enumerate(zip(cut, full, strict=True)) if a != b]
    assert not differing, f"{path}: formulas {differing} of {len(cut)} drawn differently"
