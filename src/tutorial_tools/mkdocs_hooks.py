"""MkDocs hooks for the tutorial site (listed under `hooks:` in mkdocs.yml)."""

from tutorial_tools.math import render_math


def on_page_content(html: str, **kwargs: object) -> str:
    """Typeset the page's math with KaTeX before the theme wraps it."""
    return render_math(html)
