"""Build-time typesetting: KaTeX's HTML for each formula, and MathML that validators accept."""

import pytest

from tutorial_tools.math import MATHML, miscounted_children, render_math, render_tex

MATH = '<math xmlns="http://www.w3.org/1998/Math/MathML">{}</math>'


@pytest.mark.parametrize("tex", [r"\lambda_{\max}", r"\lambda_{\min}", r"x^{\log}"])
def test_an_operator_name_alone_in_a_script_is_refused(tex: str) -> None:
    """KaTeX issue 3721: its MathML gives the script element a third child (an <mo>)."""
    with pytest.raises(ValueError, match=r"with 3 children: .*KaTeX issue 3721.*\\text\{max\}"):
        render_tex(tex, display=False)


@pytest.mark.parametrize("tex", [r"\lambda_{\text{max}}", r"\sum_{i=1}^{N} x_i^2", r"\hat{y}"])
def test_scripts_and_accents_render_valid_mathml(tex: str) -> None:
    for display in (False, True):
        rendered = render_tex(tex, display)
        assert "katex" in rendered and not miscounted_children(MATHML.search(rendered)[0])


def test_miscounted_children_names_each_element_with_the_wrong_count() -> None:
    wrong = MATH.format("<msubsup><mi>x</mi><mi>i</mi></msubsup><msup><mi>x</mi></msup>")
    assert miscounted_children(wrong) == ["<msubsup> with 2 children", "<msup> with 1 children"]
    right = MATH.format("<msub><mi>x</mi><mrow><mi>i</mi><mo>+</mo><mn>1</mn></mrow></msub>")
    assert miscounted_children(right) == []


def test_bad_tex_is_refused_with_katexs_message() -> None:
    with pytest.raises(ValueError, match=r"cannot typeset '\\\\frac\{1\}': .*"):
        render_tex(r"\frac{1}", display=False)


def test_render_math_typesets_inline_and_display_formulas() -> None:
    page = (
        r'<p><span class="arithmatex">\(a &lt; b\)</span></p>'
        r'<div class="arithmatex">\[\lambda_{\text{min}}\]</div>'
    )
    rendered = render_math(page)
    assert "arithmatex" not in rendered and rendered.count("<math") == 2
    assert 'display="block"' in rendered and "a &lt; b" in rendered  # TeX annotation, escaped
