"""Typeset the site's math at build time with KaTeX, so readers download no math engine."""

import html
import re
from functools import cache
from pathlib import Path

import quickjs

KATEX_JS = Path(__file__).parent / "vendor" / "katex.min.js"  # KaTeX 0.16.47, MIT licence
# pymdownx.arithmatex (generic: true) wraps math as \( … \) in spans and \[ … \] in divs.
INLINE = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.DOTALL)
DISPLAY = re.compile(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', re.DOTALL)


@cache
def _katex() -> quickjs.Function:
    """Load KaTeX once into a JavaScript context and return its renderToString."""
    context = quickjs.Context()
    context.eval(KATEX_JS.read_text(encoding="utf-8"))
    return context.eval(
        "(tex, display) => katex.renderToString(tex, {displayMode: display, throwOnError: true})"
    )


def render_tex(tex: str, display: bool) -> str:
    """Return KaTeX's HTML (with MathML for screen readers) for one formula; raise on bad TeX."""
    try:
        return _katex()(tex, display)
    except quickjs.JSException as error:
        raise ValueError(f"cannot typeset {tex!r}: {str(error).splitlines()[0]}") from None


def render_math(page_html: str) -> str:
    """Replace every arithmatex formula in a page's HTML by its typeset KaTeX HTML."""
    page_html = DISPLAY.sub(lambda m: render_tex(html.unescape(m[1]), display=True), page_html)
    return INLINE.sub(lambda m: render_tex(html.unescape(m[1]), display=False), page_html)
