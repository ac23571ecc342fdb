"""The notebook pages: rendered by mkdocs-jupyter with our nbconvert template in Material's markup
(solutions folded, cells as code blocks), linked to their neighbours and chapter
(tutorial_tools.notebook_site, src/tutorial_tools/templates)."""

import base64
import re
import shutil
from pathlib import Path

import mkdocs_jupyter.config
import nbformat
import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs_jupyter import convert

from tutorial_tools import notebook_site
from tutorial_tools.notebooks import CHAPTERS, FOLDED, NOTEBOOK_DIR

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def config(monkeypatch: pytest.MonkeyPatch):
    """The site's configuration, with mkdocs-jupyter's template folder restored after the test."""
    settings = mkdocs_jupyter.config.settings
    monkeypatch.setattr(settings, "templates_dir", settings.templates_dir)
    return load_config(str(ROOT / "mkdocs.yml"))


def render(tmp_path: Path, config, cells: list) -> str:
    """A notebook of `cells` as its page shows it: mkdocs-jupyter with the site's settings."""
    notebook_site.use_page_template(config)
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "page.ipynb"
    path.write_text(nbformat.writes(notebook), encoding="utf-8")
    content = convert.nb2html(str(path), no_prompt=True, allow_errors=False, custom_mathjax_url="")
    return notebook_site.clean_notebook_html(content)


def heading(source: str, folded: bool = False) -> nbformat.NotebookNode:
    """A markdown cell, marked to open folded as the generator marks a solution's heading."""
    return nbformat.v4.new_markdown_cell(source, metadata=dict(FOLDED) if folded else {})


def code(source: str, result: str | None = None) -> nbformat.NotebookNode:
    """A code cell, with the value it displayed, if any."""
    outputs = []
    if result is not None:
        data = {"text/plain": result}
        outputs = [nbformat.v4.new_output("execute_result", data, execution_count=1)]
    return nbformat.v4.new_code_cell(source, outputs=outputs)


def test_the_site_points_mkdocs_jupyter_at_our_template(config) -> None:
    notebook_site.use_page_template(config)
    assert mkdocs_jupyter.config.settings.templates_dir == str(notebook_site.TEMPLATES)
    cache_dir = Path(config.plugins["mkdocs-jupyter"].config["cache_dir"])
    assert cache_dir.parent == ROOT / notebook_site.PAGE_CACHE


def test_an_edited_template_renders_the_pages_again(config, tmp_path, monkeypatch) -> None:
    """mkdocs-jupyter keys its cache on the notebook alone: the folder is keyed on the template."""
    templates = tmp_path / "templates"
    shutil.copytree(notebook_site.TEMPLATES, templates)
    monkeypatch.setattr(notebook_site, "TEMPLATES", templates)

    def cache_dir() -> str:
        notebook_site.use_page_template(config)
        return config.plugins["mkdocs-jupyter"].config["cache_dir"]

    before = cache_dir()
    assert cache_dir() == before
    page_template = templates / "mkdocs_html" / "notebook.html.j2"
    page_template.write_text(page_template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert cache_dir() != before


def test_a_solution_folds_its_cells_up_to_the_next_exercise(tmp_path, config) -> None:
    """A heading marked folded opens a closed <details> titled by it, which holds the cells
    under it, deeper headings too, up to the next heading of its level or above, or the end."""
    page = render(
        tmp_path,
        config,
        [
            heading("### Exercise 1.1: Add\n\nPredict `1 + 1`."),
            heading("#### Solution 1.1", folded=True),
            code("x = 6", "6"),
            heading("It is 6.\n\n##### A deeper heading"),
            heading("### Exercise 1.2: More"),
            heading("#### Solution 1.2", folded=True),
            code("y = 1"),
        ],
    )
    details = re.findall(r"<details[^>]*>.*?</details>", page, re.DOTALL)
    text = [re.sub(r"<[^>]+>", "", d) for d in details]  # what shows, without the markup
    assert len(details) == page.count("<details") == 2
    assert all(d.startswith('<details class="success"><summary>Solution 1.') for d in details)
    assert "open" not in re.findall(r"<details[^>]*>", page)[0]
    assert "x = 6" in text[0] and "Predict" in page.split("<details")[0]
    assert "It is 6." in text[0] and "A deeper heading" in text[0]
    assert "Exercise 1.2" not in text[0] + text[1] and "y = 1" in text[1]
    assert page.rstrip().endswith("</details>")


def test_cells_come_in_materials_markup_without_jupyterlabs(tmp_path, config) -> None:
    """A code cell is a Pygments block with <code>, its value an Output block; a heading has
    Material's permalink; no JupyterLab wrapper, style or script is left."""
    page = render(tmp_path, config, [heading("## Section 1"), code("x = [1]\nx", "[1]")])
    assert re.search(r'<div class="highlight[^"]*"><pre><span></span><code><span class="n">x', page)
    output = '<div class="highlight"><span class="filename">Output</span><pre><code>[1]</code>'
    assert output in page
    assert '<h2 id="section-1">Section 1<a class="headerlink" href="#section-1">' in page
    assert notebook_site.notebook_toc(page)[0]["id"] == "section-1"
    assert not re.search(r"jp-|jupyter-wrapper|clipboard|<style|<script", page)


def test_figures_are_images_the_dark_palette_recolours(tmp_path, config) -> None:
    png = base64.b64encode(b"\x89PNG fake").decode()
    figure = nbformat.v4.new_output("display_data", {"image/png": png, "text/plain": "<Figure>"})
    page = render(tmp_path, config, [nbformat.v4.new_code_cell("plot()", outputs=[figure])])
    assert re.search(r'<img [^>]*class="notebook-output" src="data:image/png;base64,', page)
    assert "&lt;Figure&gt;" not in page  # the image, not its text stand-in
    css = (ROOT / "docs" / "stylesheets" / "notebooks.css").read_text(encoding="utf-8")
    assert '[data-md-color-scheme="slate"] .md-typeset img.notebook-output' in css


def test_inline_output_images_become_files_with_the_chapters_alt_texts(tmp_path: Path) -> None:
    png = base64.b64encode(b"\x89PNG fake").decode()
    content = f'<img alt="No description" class="" src="data:image/png;base64,{png}"/>' * 2
    page = tmp_path / "notebooks" / "training" / "index.html"
    out = notebook_site.serve_images(content, page, ["first figure", "second & last"])
    assert "data:image" not in out
    assert 'alt="first figure"' in out and 'alt="second &amp; last"' in out
    assert (page.parent / "output-2.png").read_bytes() == b"\x89PNG fake"
    unmatched = notebook_site.serve_images(content, page, ["only one alt"])
    assert unmatched.count('alt="No description"') == 2


def site_files(config, tmp_path: Path, chapters: tuple[str, ...]) -> Files:
    """The site's files with a page each: the Notebooks page, chapters and their notebooks."""
    config.docs_dir, config.site_dir = str(tmp_path / "docs"), str(tmp_path / "site")
    uris = [f"{NOTEBOOK_DIR}.md"] + [f"{c}.md" for c in chapters]
    uris += [f"{NOTEBOOK_DIR}/{c}.ipynb" for c in chapters]
    files = Files([File(uri, config.docs_dir, config.site_dir, True) for uri in uris])
    for file in files:
        Page(None, file, config)
    return files


def test_notebook_pages_lead_to_their_neighbours_in_chapter_order(config, tmp_path) -> None:
    """Previous and Next (Material's footer) walk the notebook pages in CHAPTERS' order, from the
    Notebooks page; the last has no Next."""
    files = site_files(config, tmp_path, CHAPTERS)
    pages = [files.get_file_from_path(f"{NOTEBOOK_DIR}/{c}.ipynb").page for c in CHAPTERS]
    for page in pages:
        notebook_site.link_neighbours(page, files)
    assert pages[0].previous_page.file.src_uri == f"{NOTEBOOK_DIR}.md"
    assert [p.next_page for p in pages] == pages[1:] + [None]
    assert [p.previous_page for p in pages[1:]] == pages[:-1]


def test_the_walk_follows_the_chapter_list_and_skips_a_missing_notebook(
    config, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(notebook_site, "CHAPTERS", ("first", "second", "third"))
    files = site_files(config, tmp_path, ("first", "third"))
    first, third = (
        files.get_file_from_path(f"{NOTEBOOK_DIR}/{c}.ipynb").page for c in ("first", "third")
    )
    notebook_site.link_neighbours(first, files)
    notebook_site.link_neighbours(third, files)
    assert first.next_page is third and third.previous_page is first and third.next_page is None
