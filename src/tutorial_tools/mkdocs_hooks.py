"""MkDocs hooks for the tutorial site (listed under `hooks:` in mkdocs.yml)."""

from pathlib import Path

from tutorial_tools import stamp
from tutorial_tools.math import render_math


def on_page_markdown(markdown: str, page, config, **kwargs: object) -> str:
    """Show each chapter's verified-with stamp."""
    return add_verified_stamp(markdown, page, config)


def add_verified_stamp(markdown: str, page, config) -> str:
    """Show under the title when and with what the page's examples last passed (stamp.py)."""
    root = Path(config.config_file_path).parent
    return stamp.add_stamp(markdown, Path(page.file.abs_src_path), root)


def on_post_build(config, **kwargs: object) -> None:
    """In CI, fail the build when a chapter's examples have no passing doc-test record."""
    stamp.check_verified(Path(config.docs_dir), Path(config.config_file_path).parent)


def on_page_content(html: str, **kwargs: object) -> str:
    """Typeset the page's math with KaTeX before the theme wraps it."""
    return render_math(html)


def on_post_page(output: str, **kwargs: object) -> str:
    """Name the search dialog for screen readers; keep the repository link a plain link."""
    search = 'data-md-component="search" role="dialog"'
    output = output.replace(search, f'{search} aria-label="Search"', 1)
    # As a "source" component, Material would fetch the repository's stars from api.github.com.
    return output.replace(' data-md-component="source"', "")
