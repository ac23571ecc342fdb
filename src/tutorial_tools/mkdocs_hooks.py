"""MkDocs hooks for the tutorial site (listed under `hooks:` in mkdocs.yml)."""

from pathlib import Path

from mkdocs.plugins import event_priority

from tutorial_tools import katex_fonts, notebook_site, stamp
from tutorial_tools.code_blocks import prepare_code_blocks
from tutorial_tools.math import render_math


def on_config(config, **kwargs: object):
    """Render the notebook pages with our nbconvert template (notebook_site.TEMPLATES)."""
    notebook_site.use_page_template(config)
    return config


@event_priority(50)  # before mkdocs-jupyter turns the notebooks into pages
def on_files(files, config, **kwargs: object):
    """Start running the chapters' notebooks (or reuse the cache); add them and their figures."""
    return notebook_site.add_notebook_files(files, config)


@event_priority(50)  # before mkdocs-jupyter reads the notebook
def on_pre_page(page, **kwargs: object):
    """A notebook page reads its executed notebook: wait for the runs first."""
    if notebook_site.is_notebook_page(page):
        notebook_site.wait_for_notebooks(Path(page.file.src_uri).stem)
    return page


def on_env(env, **kwargs: object):
    """Wait for the notebook runs before the figures they draw are copied into the site."""
    notebook_site.wait_for_notebooks()
    return env


def on_page_markdown(markdown: str, page, config, files, **kwargs: object) -> str:
    """Show each chapter's verified-with stamp, and its Download notebook and Colab links."""
    notebook_site.set_notebook_links(page, config, files)
    return add_verified_stamp(markdown, page, config)


def add_verified_stamp(markdown: str, page, config) -> str:
    """Show under the title when and with what the page's examples last passed (stamp.py)."""
    root = Path(config.config_file_path).parent
    return stamp.add_stamp(markdown, Path(page.file.abs_src_path), root)


def on_post_build(config, **kwargs: object) -> None:
    """Cut KaTeX's fonts down to the glyphs the formulas show; in CI, fail the build when a
    chapter's examples have no passing doc-test record."""
    katex_fonts.subset_site_fonts(Path(config.site_dir))
    stamp.check_verified(Path(config.docs_dir), Path(config.config_file_path).parent)


def on_page_content(html: str, page, config, files, **kwargs: object) -> str:
    """Typeset the page's math with KaTeX and lighten its code blocks before the theme wraps it."""
    if notebook_site.is_notebook_page(page):
        html = notebook_site.finish_notebook_page(html, page, config, files)
    return prepare_code_blocks(render_math(html))


def on_post_page(output: str, **kwargs: object) -> str:
    """Name the search dialog for screen readers; keep the repository link a plain link."""
    search = 'data-md-component="search" role="dialog"'
    output = output.replace(search, f'{search} aria-label="Search"', 1)
    # As a "source" component, Material would fetch the repository's stars from api.github.com.
    return output.replace(' data-md-component="source"', "")
