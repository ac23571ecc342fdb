"""What a reader sees on each page: the loop in plain sight, few tracebacks, short lines.

These read the Markdown the site is built from; tests/test_browser.py checks the built pages.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tutorial_tools.figures import figures
from tutorial_tools.notebooks import CHAPTERS
from tutorial_tools.snippets import expand_embeds

ROOT = Path(__file__).resolve().parent.parent
DOCS, SRC = ROOT / "docs", ROOT / "src"
PAGES = sorted(DOCS.glob("*.md"))
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=indent)```",
    re.MULTILINE | re.DOTALL,
)
BOX = re.compile(r"^(?P<indent> *)\?\?\?\+? ")  # a collapsible box; ???+ opens it by default
TRACEBACK = "Traceback (most recent call last):"


def read(page: Path) -> str:
    """A page's Markdown."""
    return page.read_text(encoding="utf-8")


def outside_collapsed_boxes(markdown: str) -> str:
    """The page without the content of its closed `??? kind "Title"` boxes."""
    kept, box_indent = [], None
    for line in markdown.splitlines(keepends=True):
        if box_indent is not None and (not line.strip() or line.startswith(box_indent + "    ")):
            continue  # inside a closed box
        box_indent = None
        box = BOX.match(line)
        if box and not line.lstrip().startswith("???+"):
            box_indent = box["indent"]
        kept.append(line)
    return "".join(kept)


def shown_code(markdown: str) -> list[str]:
    """Every code block a reader sees, as its text: embeds expanded, console lines as written."""
    blocks = []
    for fence in FENCE.finditer(markdown):
        lines = fence["body"].splitlines()
        body = "".join(line.removeprefix(fence["indent"]) + "\n" for line in lines)
        blocks.append(expand_embeds(body, SRC) or body)
    return blocks


def test_the_box_reader_drops_only_closed_boxes() -> None:
    page = '??? note "a"\n\n    hidden\n\n    hidden too\n\nshown\n???+ note "b"\n\n    open\n'
    assert outside_collapsed_boxes(page) == '??? note "a"\nshown\n???+ note "b"\n\n    open\n'


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_at_most_three_tracebacks_in_the_main_text(page: Path) -> None:
    """The errors that teach stay inline; the rest wait in a collapsed box or the unit tests."""
    assert outside_collapsed_boxes(read(page)).count(TRACEBACK) <= 3


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_page_ends_on_a_traceback(page: Path) -> None:
    """After the last error shown, the page goes on in prose: it explains, then moves on."""
    text = outside_collapsed_boxes(read(page))
    errors = [fence.end() for fence in FENCE.finditer(text) if TRACEBACK in fence["body"]]
    after = FENCE.sub("", text[errors[-1] :]) if errors else text
    prose = [line for line in after.splitlines() if line.strip() and not BOX.match(line)]
    assert len(" ".join(prose).split()) >= 20, page.name


def test_every_line_of_shown_source_fits_79_columns() -> None:
    """ruff's E501 at 79 columns on src/linreg (src/linreg/ruff.toml), the code the pages show."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "E501", "src/linreg"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Stricter than ruff: 79 UTF-8 bytes, since math symbols (∂, Σ, ∇) come from fallback fonts
    # and may be drawn wider than the code font's columns.
    long = [
        f"{path.name}:{number}"
        for path in (SRC / "linreg").glob("*.py")
        for number, line in enumerate(read(path).splitlines(), 1)
        if len(line.encode("utf-8")) > 79
    ]
    assert not long


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_console_lines_fit_79_columns(page: Path) -> None:
    """The code a reader types, prompt included, is no wider than the source it comes from."""
    for block in shown_code(read(page)):
        for line in block.splitlines():
            if line.startswith((">>> ", "... ")):
                assert len(line.encode("utf-8")) <= 79, line


def test_the_loop_is_one_block_in_plain_sight() -> None:
    """Chapter 7 shows the whole loop in one code block of at most 30 lines, outside any box."""
    blocks = shown_code(outside_collapsed_boxes(read(DOCS / "training.md")))
    parts = ("for epoch in range", ".backward()", "torch.no_grad()", "W.grad = None")
    loops = [block for block in blocks if all(part in block for part in parts)]
    assert loops, "no code block holds the whole loop"
    assert len(loops[0].splitlines()) <= 30
    assert "range(epochs)" in loops[0] and "epochs = 200" in loops[0]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_plotting_code_is_folded_and_shown_once(page: Path) -> None:
    """Figures stay in the flow; the code that draws them waits in a collapsed box, once a page."""
    markdown = read(page)
    embedded = re.findall(r'--8<-- "linreg/plots\.py:(\w+)"', markdown)
    assert len(embedded) == len(set(embedded)), embedded
    assert "linreg/plots.py" not in outside_collapsed_boxes(markdown)


# Chapter 7's length when chapter 8 was split (issue 17), in the words its main text shows a
# reader (page_words): docs/training.md of commit 0e7fca2, with the src/ sections of the split,
# 3,347 words. Collapsed boxes (code from earlier chapters, solutions, asides) are read on demand
# and hidden checks not at all, so neither counts. No chapter's main text may be longer; a chapter
# that grows past it moves asides into boxes or is split.
LONGEST_CHAPTER_WORDS = 3347
HIDDEN = re.compile(r"<!--.*?-->", re.DOTALL)  # hidden checks and directives


def page_words(markdown: str) -> int:
    """Words of a page's main text: prose and code (embeds expanded), outside closed boxes."""
    shown = outside_collapsed_boxes(HIDDEN.sub("", markdown))
    expanded = FENCE.sub(lambda fence: expand_embeds(fence["body"], SRC) or fence[0], shown)
    return len(expanded.split())


def test_page_words_count_embedded_code_and_only_the_main_text() -> None:
    page = '```python title="x"\n--8<-- "linreg/model.py:forward"\n```\n'
    assert page_words(page) > 20 and page_words("one two three") == 3
    assert page_words("one\n<!-- invisible-code-block: python\nassert 1\n-->\n") == 1
    assert page_words('one\n\n??? note "Box"\n\n    two three\n\nfour\n') == 5  # ??? note "Box"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_chapter_is_longer_than_chapter_7_was(chapter: str) -> None:
    assert page_words(read(DOCS / f"{chapter}.md")) <= LONGEST_CHAPTER_WORDS


def test_no_page_asks_to_copy_checks() -> None:
    for path in [*PAGES, *(DOCS / "notebooks").glob("*.ipynb")]:
        assert "copy this too" not in read(path), path.name


def test_the_home_page_shows_a_chapter_figure_with_its_alt_text() -> None:
    """The picture of what learners build is a chapter's figure, described the same way."""
    home = figures(read(DOCS / "index.md"))
    assert home
    chapters = {}
    for chapter in CHAPTERS:
        chapters |= figures(read(DOCS / f"{chapter}.md"))
    for name, alt in home.items():
        assert chapters[name] == alt


def test_the_home_page_says_where_to_start_and_why_at_5() -> None:
    home = read(DOCS / "index.md")
    assert re.search(r"\[Start with chapter 5[^\]]*\]\(model\.md\)", home)
    assert "Why start at 5?" in home


def test_the_notebooks_page_lists_every_chapter_with_its_colab_link() -> None:
    from mkdocs.config import load_config

    from tutorial_tools.notebook_site import colab_url

    page = read(DOCS / "notebooks.md")
    config = load_config(str(ROOT / "mkdocs.yml"))
    for chapter in CHAPTERS:
        assert f"](notebooks/{chapter}.ipynb)" in page
        assert f"]({colab_url(config, chapter)})" in page


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_inline_formulas_stay_on_one_line(page: Path) -> None:
    """The notebook editions' Markdown cells leave a `$…$` formula that spans a line break as raw
    TeX (the site's arithmatex would typeset it): keep each inline formula on one line."""
    text = FENCE.sub("", read(page))
    text = re.sub(r"\$\$.*?\$\$", "", text, flags=re.DOTALL)  # display formulas
    text = re.sub(r"`[^`\n]*`", "", text)  # inline code, where $ is just a character
    assert not [m[0] for m in re.finditer(r"\$[^$]*\$", text) if "\n" in m[0]]
