"""Each chapter's notebook edition: generated from the chapter's Markdown, never kept by hand.

`python -m tutorial_tools.notebooks` rewrites docs/notebooks/*.ipynb; `--check` only reports
the stale ones and exits 1, the way `cog --check` does.
"""

import argparse
import doctest
import json
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from tutorial_tools.exercises import NEXT
from tutorial_tools.snippets import expand_embeds

# docs/<name>.md -> docs/notebooks/<name>.ipynb, in the order of the site
CHAPTERS = ("model", "loss", "training", "nn", "batches", "generalization", "network")
NOTEBOOK_DIR = "notebooks"  # under docs/

FENCE = re.compile(r"^(?P<fence>`{3,})(?P<info>[^`\n]*)$")
# Material's collapsible blocks, admonitions and tabs: ??? info "Title", !!! note, === "Tab";
# a title may hold escaped quotes: ??? info "Why `driver=\"gels\"`?"
BLOCK = re.compile(
    r'^(?P<indent> *)(?:\?\?\?\+?|!!!|===)(?: +(?P<kind>[\w-]+))?'
    r'(?: +"(?P<title>(?:[^"\\]|\\.)*)")? *$'
)
# Hidden checks and directives, also indented inside a box
COMMENT = re.compile(r"^[ \t]*<!--.*?-->[ \t]*\n?", re.DOTALL | re.MULTILINE)
# An exercise's solution box, ??? success "Solution", becomes a heading of its own: Jupyter and
# Colab fold the cells under a heading (one level below the exercises' ### headings).
SOLUTION_BOX = ("success", "Solution")
SOLUTION_HEADING = "#### Solution"  # and the exercise's number: a heading id of its own
SOLUTION_LINE = re.compile(r"^#### Solution(?: \d+\.\d+)?$")
EXERCISE_NUMBER = re.compile(r"^### Exercise (?P<number>\d+\.\d+):")
# Opened folded: JupyterLab (3.1+, Notebook 7) reads the cell's flag, Colab its list of cell ids.
FOLDED = {"jp-MarkdownHeadingCollapsed": True}
FIGURE = re.compile(r"^!\[[^\]]*\]\(figures/[^)]+\)(\{[^}]*\})?$")  # drawn by a code cell instead
CHAPTER_LINK = re.compile(r"\]\((?P<page>[\w-]+)\.md(?P<anchor>#[^)]*)?\)")
# The sentence before a chapter's "Code from chapter …" box asks readers of a fresh Python to open
# the box and copy the code (README, "Writing a chapter"); a notebook has no box: the code is the
# next cell. Any line break may fall between the words.
OPEN_THE_BOX = re.compile(
    r"If\s+you\s+follow\s+along\s+in\s+a\s+fresh\s+Python,\s+open\s+the\s+box\s+and\s+copy\s+"
    r"(?P<them>them|it)\s+first\."
)
NEXT_CELL = r"The next cell defines \g<them>."
OUTPUT_INFO = 'text title="Output"'  # what the embedded code before it prints
# The chapter's closing `Next: [N. Title](page.md)` paragraph comes after the last solution: under
# a heading of its own, so that Jupyter, Colab and the notebook page do not fold it into that one.
NEXT_HEADING = "## Next"


@dataclass
class Cell:
    """One notebook cell, and for code the text output the chapter shows for it."""

    kind: str  # "markdown" or "code"
    source: str
    output: str = ""  # stdout plus the displayed value, as the chapter's console shows them
    metadata: dict = field(default_factory=dict)  # FOLDED for a solution's heading


def flatten_blocks(lines: list[str]) -> list[str]:
    """Unwrap `??? info "Title"` blocks: a bold title line (a solution: SOLUTION_HEADING), then
    their content dedented."""
    out, i = [], 0
    while i < len(lines):
        block = BLOCK.match(lines[i])
        if not block:
            out.append(lines[i])
            i += 1
            continue
        inner = block["indent"] + "    "
        body, i = [], i + 1
        while i < len(lines) and (not lines[i].strip() or lines[i].startswith(inner)):
            body.append(lines[i][len(inner) :] if lines[i].strip() else "")
            i += 1
        if (block["kind"], block["title"]) == SOLUTION_BOX:
            out += [solution_heading(out), ""]
        elif block["title"]:
            title = block["title"].replace('\\"', '"')  # Material shows \" as "
            out += [f"**{title}**", ""]
        while body and not body[0]:  # the title's own blank line follows it
            body.pop(0)
        out += flatten_blocks(body)
    return out


def solution_heading(before: list[str]) -> str:
    """The heading of a solution, numbered after the last exercise heading in `before`, so that
    the notebook's page gives each one an id of its own ("solution-81", not four "solution")."""
    numbers = [m["number"] for line in before if (m := EXERCISE_NUMBER.match(line))]
    return f"{SOLUTION_HEADING} {numbers[-1]}" if numbers else SOLUTION_HEADING


def console_cells(session: str) -> list[Cell]:
    """Turn a `>>>` session into code cells without prompts, one per shown result."""
    cells, sources = [], []
    for example in doctest.DocTestParser().get_examples(session):
        if example.exc_msg is not None:  # print the error instead, so "Run all" goes on
            sources.append(catching(example.source, example.exc_msg))
            want = example.exc_msg
        else:
            sources.append(example.source)
            want = example.want
        if want:  # a cell shows one result, so it ends at each example with output
            cells.append(Cell("code", "".join(sources).rstrip("\n"), want))
            sources = []
    if sources:
        cells.append(Cell("code", "".join(sources).rstrip("\n")))
    return cells


def catching(source: str, exc_msg: str) -> str:
    """Code that runs `source` and prints the exception it raises as `Type: message`."""
    name = exc_msg.split(":", 1)[0]
    body = textwrap.indent(source, "    ")
    return f'try:\n{body}except {name} as error:\n    print(f"{name}: {{error}}")\n'


def fenced_cells(info: str, body: str, src: Path) -> list[Cell] | None:
    """The code cells for one fence, or None when the fence stays in the prose."""
    language = info.split()[0] if info.split() else ""
    if language == "pycon":
        return console_cells(body)
    if language in ("python", "py"):
        code = expand_embeds(body, src)  # the section text the page shows
        if code is not None:
            return [Cell("code", code.strip("\n"))]
    return None


def prose_text(lines: list[str]) -> str:
    """The prose gathered so far, without surrounding blank lines."""
    return "\n".join(lines).strip("\n")


def notebook_prose(text: str) -> str:
    """A chapter's prose as the notebook says it: links to notebooks, the recap's code in the
    next cell instead of a box."""
    text = CHAPTER_LINK.sub(r"](\g<page>.ipynb\g<anchor>)", text)
    return OPEN_THE_BOX.sub(NEXT_CELL, text)


def closing_section(lines: list[str]) -> list[str]:
    """The lines with the chapter's closing `Next: [...]` paragraph under NEXT_HEADING."""
    out: list[str] = []
    for line in lines:
        out += [NEXT_HEADING, "", line.removeprefix("Next: ")] if line.startswith(NEXT) else [line]
    return out


def chapter_cells(markdown: str, src: Path) -> list[Cell]:
    """Split a chapter into markdown and code cells, in page order."""
    lines = closing_section(flatten_blocks(COMMENT.sub("", markdown).splitlines()))
    cells: list[Cell] = []
    prose: list[str] = []

    def flush() -> None:
        text = prose_text(prose)
        if text:
            cells.append(Cell("markdown", notebook_prose(text)))
        prose.clear()

    i = 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if fence:
            end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == fence["fence"])
            info, body = fence["info"].strip(), "\n".join(lines[i + 1 : end]) + "\n"
            code = fenced_cells(info, body, src)
            if info == OUTPUT_INFO and cells and cells[-1].kind == "code" and not prose_text(prose):
                cells[-1].output = body  # the printed output of the code cell just before
            elif code is None:
                prose.extend(lines[i : end + 1])
            else:
                flush()
                cells.extend(code)
            i = end + 1
            continue
        if lines[i].startswith("#") and prose:  # one markdown cell per section
            flush()
        if SOLUTION_LINE.match(lines[i]):  # a cell of its own, so that its cells fold under it
            cells.append(Cell("markdown", lines[i], metadata=dict(FOLDED)))
            i += 1
            continue
        if not FIGURE.match(lines[i].strip()):
            prose.append(lines[i])
        i += 1
    flush()
    return cells


def to_notebook(cells: list[Cell], chapter: str) -> dict:
    """An nbformat 4.5 notebook (a plain dict) holding `cells`, with no outputs."""
    nb_cells, folded = [], []
    for n, cell in enumerate(cells):
        nb_cell = {"cell_type": cell.kind, "id": f"{chapter}-{n}", "metadata": dict(cell.metadata)}
        if cell.metadata == FOLDED:
            nb_cell["metadata"]["id"] = nb_cell["id"]  # the id Colab's collapsed_sections names
            folded.append(nb_cell["id"])
        nb_cell["source"] = cell.source.splitlines(keepends=True)
        if cell.kind == "code":
            nb_cell |= {"execution_count": None, "outputs": []}
        nb_cells.append(nb_cell)
    metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "linreg": {"generated_from": f"docs/{chapter}.md"},
    }
    if folded:
        metadata["colab"] = {"collapsed_sections": folded}
    return {"cells": nb_cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def dumps(notebook: dict) -> str:
    """Serialise a notebook the way nbformat writes it, so the committed file is stable."""
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def chapter_notebook(docs: Path, src: Path, chapter: str) -> str:
    """The notebook text generated from docs/<chapter>.md."""
    markdown = (docs / f"{chapter}.md").read_text(encoding="utf-8")
    return dumps(to_notebook(chapter_cells(markdown, src), chapter))


def notebook_path(docs: Path, chapter: str) -> Path:
    """Where a chapter's committed notebook lives."""
    return docs / NOTEBOOK_DIR / f"{chapter}.ipynb"


def stale_notebooks(docs: Path, src: Path) -> list[Path]:
    """The committed notebooks that differ from what their chapters generate now."""
    return [
        notebook_path(docs, chapter)
        for chapter in CHAPTERS
        if not notebook_path(docs, chapter).is_file()
        or notebook_path(docs, chapter).read_text(encoding="utf-8")
        != chapter_notebook(docs, src, chapter)
    ]


def write_notebooks(docs: Path, src: Path) -> list[Path]:
    """Regenerate the stale notebooks; return the paths written."""
    stale = stale_notebooks(docs, src)
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(chapter_notebook(docs, src, path.stem), encoding="utf-8")
    return stale


def main(argv: list[str] | None = None) -> int:
    """Command line: regenerate the notebooks, or with --check report stale ones and exit 1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale notebooks")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root")
    args = parser.parse_args(argv)
    docs, src = args.root / "docs", args.root / "src"
    paths = stale_notebooks(docs, src) if args.check else write_notebooks(docs, src)
    for path in paths:
        print(f"{'stale' if args.check else 'wrote'}: {path.relative_to(args.root)}")
    return 1 if args.check and paths else 0


if __name__ == "__main__":
    sys.exit(main())
