"""Put the notebook editions and the figures into the site (called from mkdocs_hooks.py).

The build renders, for download and on the notebook pages, the notebooks it has just executed
(or found in the cache under the same key), not the committed files: those are for Colab.
"""

import base64
import html
import re
from concurrent.futures import Future
from pathlib import Path

import mkdocs_jupyter.config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from tutorial_tools.execute import start_chapters, tree_digest
from tutorial_tools.figures import figure_names, figures
from tutorial_tools.math import render_tex
from tutorial_tools.notebooks import CHAPTERS, NOTEBOOK_DIR

CACHE = ".cache/notebooks"  # under the repository root, next to mkdocs.yml
COLAB = "https://colab.research.google.com/github/{repo}/blob/{branch}/docs/{path}"
GITHUB = re.compile(r"^https://github\.com/(?P<repo>[^/]+/[^/]+?)/?$")
BRANCH = re.compile(r"^(?:edit|blob)/(?P<branch>[^/]+)/")

# mkdocs-jupyter renders the notebook pages with our nbconvert templates (templates/), which
# give each cell Material's markup; its 0.26 has no option for a template (its issue #178), so we
# point the folder it reads its own from (`settings.templates_dir`) at ours.
TEMPLATES = Path(__file__).with_name("templates")
PAGE_CACHE = ".cache/mkdocs-jupyter"  # its cache of rendered pages: a folder per template version
# Math left in the notebook's markdown cells, as nbconvert's renderer leaves it for MathJax.
DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$")
NOTEBOOK_LINK = re.compile(r'href="(?P<page>[\w-]+)\.ipynb(?P<anchor>#[^"]*)?"')
HEADING = re.compile(r'<h(?P<level>[1-6]) id="(?P<id>[^"]+)">(?P<name>.*?)<a class="headerlink"')
# A Pygments block (a code cell, a fence in a markdown cell) has no <code> inside its <pre>, which
# Material's styles and copy button look for. Its code is escaped: it holds no "</pre>".
PYGMENTS_PRE = re.compile(r"<pre><span></span>(?P<code>.*?)</pre>", re.DOTALL)
# mkdocs-jupyter appends nbconvert's Pygments CSS (for classes our template does not write).
STYLE = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL)
# nbconvert inlines output images as base64; a matplotlib figure shows as one <img> per figure.
DATA_IMAGE = re.compile(r'<img (?P<attrs>[^>]*?)src="data:image/png;base64,(?P<data>[^"]+)"')
ALT = re.compile(r'alt="[^"]*"')
SRC = Path(__file__).resolve().parents[1]  # the src/ that the chapters embed sections from


_running: dict[str, Future] = {}  # chapter -> its run started by add_notebook_files


def add_notebook_files(files: Files, config: MkDocsConfig) -> Files:
    """Start the stale notebook runs; swap each committed notebook for its executed copy and add
    the figures it draws. The files are read later, after wait_for_notebooks()."""
    root = Path(config.config_file_path).parent
    docs = Path(config.docs_dir)
    runs, running = start_chapters(docs, SRC, root / CACHE)
    _running.update(running)
    for chapter, folder in runs.items():
        uri = f"{NOTEBOOK_DIR}/{chapter}.ipynb"
        if committed := files.get_file_from_path(uri):
            files.remove(committed)
        files.append(run_file(uri, folder, config))
        for name in figure_names((docs / f"{chapter}.md").read_text(encoding="utf-8")):
            files.append(run_file(f"figures/{name}.svg", folder, config))
    return files


def use_page_template(config: MkDocsConfig) -> None:
    """Have mkdocs-jupyter render the notebook pages with TEMPLATES, and cache them under the
    templates' hash: its cache is keyed on the notebook alone, so an edited template would not
    render them again."""
    mkdocs_jupyter.config.settings.templates_dir = str(TEMPLATES)
    cache_dir = Path(config.config_file_path).parent / PAGE_CACHE / tree_digest(TEMPLATES)[:16]
    config.plugins["mkdocs-jupyter"].config["cache_dir"] = str(cache_dir)


def wait_for_notebooks(chapter: str | None = None) -> None:
    """Block until one chapter's run (or all) started by add_notebook_files is done; raise its
    error. A notebook page waits only for its own chapter, so it renders while others run."""
    for name in [chapter] if chapter in _running else list(_running):
        _running.pop(name).result()


def run_file(uri: str, folder: Path, config: MkDocsConfig) -> File:
    """A site file read from a run folder (a real File, so mkdocs-jupyter can wrap it)."""
    return File(uri, str(folder), config.site_dir, config.use_directory_urls)


def colab_url(config: MkDocsConfig, chapter: str) -> str | None:
    """The Open in Colab address of a chapter's committed notebook, from repo_url and edit_uri."""
    repo = GITHUB.match(config.repo_url or "")
    if not repo:
        return None
    branch = BRANCH.match(config.edit_uri or "")
    path = f"{NOTEBOOK_DIR}/{chapter}.ipynb"
    return COLAB.format(repo=repo["repo"], branch=branch["branch"] if branch else "main", path=path)


def set_notebook_links(page: Page, config: MkDocsConfig, files: Files) -> None:
    """Give a chapter page `meta.notebook`: its download and Colab links, for main.html."""
    chapter = Path(page.file.src_uri).stem
    notebook = files.get_file_from_path(f"{NOTEBOOK_DIR}/{chapter}.ipynb")
    if page.file.src_uri != f"{chapter}.md" or chapter not in CHAPTERS or notebook is None:
        return
    download = notebook.url + f"{chapter}.ipynb"  # where include_source copies it
    page.meta["notebook"] = {"download": download, "colab": colab_url(config, chapter)}


def clean_notebook_html(content: str) -> str:
    """A notebook page's cells as Material code blocks, its math typeset by KaTeX, its links to
    pages, without the Pygments CSS that mkdocs-jupyter appends."""
    content = STYLE.sub("", content)
    content = PYGMENTS_PRE.sub(r"<pre><span></span><code>\g<code></code></pre>", content)
    content = DISPLAY_MATH.sub(lambda m: render_tex(html.unescape(m[1]), display=True), content)
    content = INLINE_MATH.sub(lambda m: render_tex(html.unescape(m[1]), display=False), content)
    return NOTEBOOK_LINK.sub(r'href="../\g<page>/\g<anchor>"', content)


def notebook_toc(content: str) -> list[dict]:
    """Table-of-contents tokens from the page's own heading ids (mkdocs-jupyter's can differ)."""
    tokens: list[dict] = []
    stack: list[dict] = []
    for m in HEADING.finditer(content):
        name = re.sub(r"<[^>]+>", "", m["name"]).strip()
        token = {"level": int(m["level"]), "id": m["id"], "name": name, "children": []}
        while stack and stack[-1]["level"] >= token["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else tokens).append(token)
        stack.append(token)
    return tokens


def link_neighbours(page: Page, files: Files) -> None:
    """Give a notebook page Material's Previous and Next (its footer reads them): the notebook
    pages of the chapters before and after it, in CHAPTERS' order; the Notebooks page before the
    first."""
    chain = [files.get_file_from_path(f"{NOTEBOOK_DIR}.md")]
    chain += [files.get_file_from_path(f"{NOTEBOOK_DIR}/{chapter}.ipynb") for chapter in CHAPTERS]
    pages = [file.page for file in chain if file is not None and file.page is not None]
    index = next(i for i, other in enumerate(pages) if other is page)
    page.previous_page = pages[index - 1] if index > 0 else None
    page.next_page = pages[index + 1] if index + 1 < len(pages) else None


def finish_notebook_page(content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Clean a notebook page's HTML, rebuild its table of contents, link it to its chapter and
    its neighbours, keep it out of search."""
    chapter_name = Path(page.file.src_uri).stem
    download = page.url + f"{chapter_name}.ipynb"  # where include_source copies it
    page.meta["notebook"] = {"download": download, "colab": colab_url(config, chapter_name)}
    if chapter_page := files.get_file_from_path(f"{chapter_name}.md"):
        page.meta["notebook"]["chapter"] = chapter_page.url
    link_neighbours(page, files)
    content = clean_notebook_html(content)
    chapter = Path(config.docs_dir) / f"{Path(page.file.src_uri).stem}.md"
    alts = list(figures(chapter.read_text(encoding="utf-8")).values())
    content = serve_images(content, Path(config.site_dir) / page.file.dest_uri, alts)
    page.toc = get_toc(notebook_toc(content))
    page.meta["search"] = {"exclude": True}  # the chapter page is the one to find
    return content


def serve_images(content: str, page_path: Path, alts: list[str]) -> str:
    """Write the page's inline PNG outputs next to it as files, described by the chapter's alt
    texts (its figures, in the same order) when there is one image per figure."""
    images = DATA_IMAGE.findall(content)
    if len(images) != len(alts):
        alts = [None] * len(images)  # keep nbconvert's alt rather than guess
    page_path.parent.mkdir(parents=True, exist_ok=True)
    counter = iter(range(len(images)))

    def to_file(match: re.Match) -> str:
        index = next(counter)
        name = f"output-{index + 1}.png"
        (page_path.parent / name).write_bytes(base64.b64decode(match["data"]))
        attrs = match["attrs"]
        if alts[index] is not None:
            attrs = ALT.sub(f'alt="{html.escape(alts[index])}"', attrs)
        return f'<img {attrs}loading="lazy" src="{name}"'

    return DATA_IMAGE.sub(to_file, content)


def is_notebook_page(page: Page) -> bool:
    """Whether a page is one of the generated notebook editions."""
    return page.file.src_uri.startswith(f"{NOTEBOOK_DIR}/") and page.file.src_uri.endswith(".ipynb")
