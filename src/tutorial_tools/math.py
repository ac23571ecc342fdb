"""Typeset the site's math at build time with KaTeX, so readers download no math engine."""

import html
import re
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

import quickjs

KATEX_JS = Path(__file__).parent / "vendor" / "katex.min.js"  # KaTeX 0.16.47, MIT licence
# pymdownx.arithmatex (generic: true) wraps math as \( … \) in spans and \[ … \] in divs.
INLINE = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.DOTALL)
DISPLAY = re.compile(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', re.DOTALL)
MATHML = re.compile(r"<math\b.*</math>", re.DOTALL)  # the part of KaTeX's HTML screen readers read
# MathML elements that take a fixed number of children: a base, then its scripts.
FIXED_CHILDREN = {"msub": 2, "msup": 2, "msubsup": 3, "munder": 2, "mover": 2, "munderover": 3}
# KaTeX issue 3721: an operator name alone in a script, such as \lambda_{\max}, gives its <msub>
# a third child. Nu HTML Checker rejects it; \text{max} renders the same letters as valid MathML.
SCRIPT_HINT = r"an operator name such as \max alone in a script (KaTeX issue 3721): use \text{max}"


@cache
def _katex() -> quickjs.Function:
    """Load KaTeX once into a JavaScript context and return its renderToString."""
    context = quickjs.Context()
    context.eval(KATEX_JS.read_text(encoding="utf-8"))
    return context.eval(
        "(tex, display) => katex.renderToString(tex, {displayMode: display, throwOnError: true})"
    )


def render_tex(tex: str, display: bool) -> str:
    """Return KaTeX's HTML (with MathML for screen readers) for one formula; raise on bad TeX
    or on MathML that is not valid."""
    try:
        rendered = _katex()(tex, display)
    except quickjs.JSException as error:
        raise ValueError(f"cannot typeset {tex!r}: {str(error).splitlines()[0]}") from None
    wrong = miscounted_children(MATHML.search(rendered)[0])
    if wrong:
        raise ValueError(f"KaTeX's MathML for {tex!r} has {', '.join(wrong)}: {SCRIPT_HINT}")
    return rendered


def miscounted_children(mathml: str) -> list[str]:
    """The elements of a MathML formula whose number of children MathML does not allow."""
    wrong = []
    for element in ElementTree.fromstring(mathml).iter():
        name = element.tag.rpartition("}")[2]  # without the MathML namespace
        if name in FIXED_CHILDREN and len(element) != FIXED_CHILDREN[name]:
            wrong.append(f"<{name}> with {len(element)} children")
    return wrong


def render_math(page_html: str) -> str:
    """Replace every arithmatex formula in a page's HTML by its typeset KaTeX HTML."""
    page_html = DISPLAY.sub(lambda m: render_tex(html.unescape(m[1]), display=True), page_html)
    return INLINE.sub(lambda m: render_tex(html.unescape(m[1]), display=False), page_html)
