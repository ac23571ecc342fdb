"""Put the notebook editions and the figures into the site (called from mkdocs_hooks.py).

The build renders, for download and on the notebook pages, the notebooks it has just executed
(or found in the cache under the same key), not the committed files: those are for Colab.
"""

import base64
import hashlib
import html
import re
from concurrent.futures import Future
from functools import cache
from pathlib import Path

import tinycss2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from tutorial_tools.execute import start_chapters
from tutorial_tools.figures import figure_names, figures
from tutorial_tools.math import render_tex
from tutorial_tools.notebooks import CHAPTERS, NOTEBOOK_DIR

CACHE = ".cache/notebooks"  # under the repository root, next to mkdocs.yml
COLAB = "https://colab.research.google.com/github/{repo}/blob/{branch}/docs/{path}"
GITHUB = re.compile(r"^https://github\.com/(?P<repo>[^/]+/[^/]+?)/?$")
BRANCH = re.compile(r"^(?:edit|blob)/(?P<branch>[^/]+)/")

# What nbconvert's template adds that would load from a CDN: MathJax, and mermaid's loader.
MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.DOTALL)
MERMAID = re.compile(r'<script type="module">(?:(?!</script>).)*?jp-Mermaid.*?</script>', re.DOTALL)
# Math left in the notebook's markdown cells, as nbconvert's renderer leaves it for MathJax.
DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$")
NOTEBOOK_LINK = re.compile(r'href="(?P<page>[\w-]+)\.ipynb(?P<anchor>#[^"]*)?"')
HEADING = re.compile(r'<h(?P<level>[1-6]) id="(?P<id>[^"]+)">(?P<name>.*?)<a class="anchor-link"')
CODE_CELL = '<div class="highlight-ipynb'  # scrolls sideways, so keyboard users must reach it
# mkdocs-jupyter repeats GitHub's copy icon as an inline SVG in every code cell; one CSS mask
# (docs/stylesheets/notebooks.css) draws it instead: about 2 KB of gzip on the longest page.
COPY_ICON = re.compile(r'<svg aria-hidden="true" class="clipboard-copy-icon".*?</svg>', re.DOTALL)
ICON = '<span aria-hidden="true" class="clipboard-copy-icon"></span>'
# Punctuation in the cells' code takes the code's own colour (Pygments' default style gives it
# none either), without a span of its own: a fifth of the elements of the longest notebook page
# (857 of 4,451) and 1.5 KB of gzip, for a page that Lighthouse found slow to style.
PUNCTUATION = re.compile(r'<span class="p">(?P<text>[^<]*)</span>')

# nbconvert inlines all of JupyterLab's CSS (about 90 KB gzip) into every notebook page.
STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.DOTALL)
CSS_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
VAR = re.compile(r"var\(\s*(--[\w-]+)")  # a custom property read
HTML_CLASSES = re.compile(r'class="([^"]*)"')
# nbconvert inlines output images as base64; a matplotlib figure shows as one <img> per figure.
DATA_IMAGE = re.compile(r'<img (?P<attrs>[^>]*?)src="data:image/png;base64,(?P<data>[^"]+)"')
ALT = re.compile(r'alt="[^"]*"')
SRC = Path(__file__).resolve().parents[1]  # the src/ that the chapters embed sections from
THIS_MODULE = Path(__file__).read_bytes()


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
    """A notebook page without CDN scripts, its math typeset by KaTeX, its links to pages."""
    content = MERMAID.sub("", MATHJAX.sub("", content))
    content = DISPLAY_MATH.sub(lambda m: render_tex(html.unescape(m[1]), display=True), content)
    content = INLINE_MATH.sub(lambda m: render_tex(html.unescape(m[1]), display=False), content)
    content = content.replace(CODE_CELL, '<div tabindex="0" class="highlight-ipynb')
    content = COPY_ICON.sub(ICON, content)
    content = PUNCTUATION.sub(r"\g<text>", content)
    return NOTEBOOK_LINK.sub(r'href="../\g<page>/\g<anchor>"', content)


def purge_styles(content: str, cache: Path) -> str:
    """Keep, in the page's inline styles, only the rules that can match its own elements.
    Parsing JupyterLab's CSS takes about half a second, so results are cached in `cache`."""
    classes = {name for found in HTML_CLASSES.findall(content) for name in found.split()}

    def purged(match: re.Match) -> str:
        # keyed on this module too, so that a change in how CSS is purged purges again
        digest = hashlib.sha256(f"{sorted(classes)}{match[2]}".encode() + THIS_MODULE)
        key = digest.hexdigest()
        cached = cache / f"{key}.css"
        if not cached.exists():
            cache.mkdir(parents=True, exist_ok=True)
            cached.write_text(purge_css(match[2], classes), encoding="utf-8")
        return match[1] + cached.read_text(encoding="utf-8") + match[3]

    return STYLE.sub(purged, content)


def purge_css(css: str, classes: set[str]) -> str:
    """The rules of `css` that a page using only `classes` needs (parsed with tinycss2), without
    the custom properties that none of them reads."""
    return drop_unused_properties("".join(kept_rule(rule, classes) for rule in parse_css(css)))


def drop_unused_properties(css: str) -> str:
    """Remove each custom property (`--name: value`) that no `var(--name)` in `css` reads,
    until none is left: JupyterLab's CSS declares about 450, a notebook page reads about 90
    (4 KB of gzip on the longest page). Nothing outside the inline CSS reads them."""
    while True:
        used = set(VAR.findall(css))
        rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
        pruned = "".join(without_unused(rule, used) for rule in rules)
        if pruned == css:
            return css
        css = pruned


def without_unused(rule: object, used: set[str]) -> str:
    """A rule without its declarations of custom properties not in `used` ("" if left empty),
    recursing into @media and @supports."""
    if rule.type == "qualified-rule":
        declarations = tinycss2.parse_declaration_list(
            rule.content, skip_comments=True, skip_whitespace=True
        )
        unused = [d for d in declarations if d.type == "declaration" and d.name not in used]
        kept = [d for d in declarations if not (d in unused and d.name.startswith("--"))]
        body = ";".join(d.serialize() for d in kept)
        return f"{tinycss2.serialize(rule.prelude)}{{{body}}}" if kept else ""
    if rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") and rule.content:
        inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
        body = "".join(without_unused(inner_rule, used) for inner_rule in inner)
        return f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{body}}}" if body else ""
    return rule.serialize()


@cache  # the three notebook pages inline the same JupyterLab CSS: parse it once per build
def parse_css(css: str) -> tuple:
    """The top-level rules of a stylesheet."""
    return tuple(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))


def kept_rule(rule: object, classes: set[str]) -> str:
    """One rule if some selector of it can match (recursing into @media and @supports), else ""."""
    if rule.type == "qualified-rule":
        selectors = tinycss2.serialize(rule.prelude).split(",")
        # ".jupyter-wrapper :root" (mkdocs-jupyter's scoping of :root) never matches anything.
        if any(set(CSS_CLASS.findall(s)) <= classes and " :root" not in s for s in selectors):
            return rule.serialize()
    elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") and rule.content:
        inner = purge_css(tinycss2.serialize(rule.content), classes)
        if inner:
            return f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{inner}}}"
    elif rule.type == "at-rule" and rule.lower_at_keyword == "keyframes":
        return rule.serialize()
    return ""


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


def finish_notebook_page(content: str, page: Page, config: MkDocsConfig) -> str:
    """Clean a notebook page's HTML, rebuild its table of contents, keep it out of search."""
    chapter_name = Path(page.file.src_uri).stem
    download = page.url + f"{chapter_name}.ipynb"  # where include_source copies it
    page.meta["notebook"] = {"download": download, "colab": colab_url(config, chapter_name)}
    content = clean_notebook_html(content)
    content = purge_styles(content, Path(config.config_file_path).parent / CACHE / "css")
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
