"""Ship only the glyphs the site's formulas show: cut KaTeX's fonts down after each build.

KaTeX's woff2 fonts hold every glyph TeX may need, and a page with math loads three of them
(Main-Regular, Math-Italic, Size2: 48 KB of the 150 KB budget of tests/benchmarks/audit.py).
After the build, each font in the built site keeps only the characters that some formula on
some page shows (the text of KaTeX's visible HTML, `<span class="katex-html">`), plus those a
browser measures the font by (ALWAYS). A character a formula shows stays in every font that has
it, so the browser never falls back to another font, and the glyphs are drawn pixel for pixel
as before. The fonts in docs/assets/katex stay KaTeX's own; only the built copies are cut.
"""

from html.parser import HTMLParser
from pathlib import Path

from fontTools import subset

# Every font keeps printable ASCII, the Greek letters and the no-break space, whatever the
# formulas show. Chrome takes an element's metrics (baseline, `ex`) from the first font that has
# a space glyph, and FreeType's autohinter (Chrome on Linux and Android) places its alignment
# zones from Latin and Greek letters such as H, o, x and ο: a font without them draws the same
# glyphs a fraction of a pixel differently (tests/test_katex_fonts.py compares the pixels).
ASCII = {chr(code) for code in range(0x20, 0x7F)}
GREEK = {chr(code) for code in range(0x391, 0x3CA)}  # Α to ω
ALWAYS = ASCII | GREEK | {"\N{NO-BREAK SPACE}"}


class KatexText(HTMLParser):
    """Collect the characters inside KaTeX's visible HTML (the `katex-html` spans)."""

    def __init__(self) -> None:
        super().__init__()
        self.chars: set[str] = set()
        self.depth = 0  # spans open inside a katex-html span, itself included

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Enter a katex-html span, or go one span deeper inside one."""
        if tag != "span":
            return
        if self.depth or ("class", "katex-html") in attrs:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        """Leave a span."""
        if tag == "span" and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        """Keep the characters of text inside a katex-html span."""
        if self.depth:
            self.chars.update(data)


def formula_chars(pages: list[Path]) -> set[str]:
    """The characters that the typeset formulas on these HTML pages show."""
    parser = KatexText()
    for page in pages:
        parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser.chars


def subset_font(font: Path, chars: set[str]) -> None:
    """Cut a woff2 font down, in place, to its glyphs for these characters."""
    # No bidi_closure: the site is left to right, so no formula needs a glyph's mirror image.
    options = subset.Options(flavor="woff2", layout_features=["*"], bidi_closure=False)
    loaded = subset.load_font(str(font), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(chars | ALWAYS)))
    subsetter.subset(loaded)
    subset.save_font(loaded, str(font), options)


def subset_site_fonts(site: Path) -> set[str]:
    """Cut every KaTeX font of a built site down to what its formulas show; return those."""
    chars = formula_chars(sorted(site.rglob("*.html")))
    for font in sorted((site / "assets/katex/fonts").glob("*.woff2")):
        subset_font(font, chars)
    return chars
