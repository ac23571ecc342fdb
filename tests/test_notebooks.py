"""The notebook editions: generated from the chapters, committed up to date, run clean, same outputs."""

import asyncio
import json
import shutil
from pathlib import Path

import pytest

from tutorial_tools import execute
from tutorial_tools.figures import figure_names
from tutorial_tools.notebooks import (
    CHAPTERS,
    FOLDED,
    NEXT_CELL,
    NEXT_HEADING,
    SOLUTION_HEADING,
    SOLUTION_LINE,
    chapter_cells,
    chapter_notebook,
    console_cells,
    main,
    notebook_path,
    stale_notebooks,
    to_notebook,
)
from tutorial_tools.sybil_parsers import OPERATION_NAME

ROOT = Path(__file__).resolve().parent.parent
DOCS, SRC = ROOT / "docs", ROOT / "src"
CACHE = ROOT / ".cache" / "notebooks"  # the site build's cache: a warm build makes this fast


def test_committed_notebooks_are_up_to_date() -> None:
    """Like `cog --check`: run `python -m tutorial_tools.notebooks` after editing a chapter."""
    stale = [path.relative_to(ROOT).as_posix() for path in stale_notebooks(DOCS, SRC)]
    assert not stale, f"regenerate with `python -m tutorial_tools.notebooks`: {stale}"


def test_check_fails_when_a_chapter_changes_until_regenerated(tmp_path: Path) -> None:
    """--check exits 1 and names the notebook after a chapter edit; regenerating fixes it."""
    shutil.copytree(DOCS, tmp_path / "docs")
    shutil.copytree(SRC / "linreg", tmp_path / "src" / "linreg")
    chapter = tmp_path / "docs" / "loss.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert main(["--check", "--root", str(tmp_path)]) == 1
    assert main(["--root", str(tmp_path)]) == 0
    assert main(["--check", "--root", str(tmp_path)]) == 0
    assert "One more line." in (tmp_path / "docs" / "notebooks" / "loss.ipynb").read_text()


def test_check_fails_when_an_embedded_section_changes(tmp_path: Path) -> None:
    """A notebook holds the embedded source itself, so editing src/ makes it stale too."""
    shutil.copytree(DOCS, tmp_path / "docs")
    shutil.copytree(SRC / "linreg", tmp_path / "src" / "linreg")
    model = tmp_path / "src" / "linreg" / "model.py"
    model.write_text(model.read_text().replace("one prediction per row", "one per row"))
    assert main(["--check", "--root", str(tmp_path)]) == 1


def test_console_session_becomes_cells_without_prompts() -> None:
    """One cell per shown result; prompts go; an expected error is printed, not raised."""
    session = (
        ">>> x = 1\n>>> x + 1\n2\n>>> for i in range(2):\n...     print(i)\n0\n1\n"
        ">>> int('a')\nTraceback (most recent call last):\n    ...\n"
        "ValueError: invalid literal for int() with base 10: 'a'\n>>> y = 3\n"
    )
    cells = console_cells(session)
    assert [c.source for c in cells] == [
        "x = 1\nx + 1",
        "for i in range(2):\n    print(i)",
        "try:\n    int('a')\nexcept ValueError as error:\n    print(f\"ValueError: {error}\")",
        "y = 3",
    ]
    assert [c.output for c in cells] == [
        "2\n",
        "0\n1\n",
        "ValueError: invalid literal for int() with base 10: 'a'\n",
        "",
    ]


def test_chapter_markdown_becomes_cells() -> None:
    """Embeds become their source, hidden checks and figure images go, boxes unwrap, links follow."""
    markdown = (
        "# Title\n\nSee [chapter 6](loss.md#61-x).\n\n"
        '??? info "The checks"\n\n    ```python title="src/linreg/model.py"\n'
        '    --8<-- "linreg/model.py:forward"\n    ```\n\n'
        "<!-- invisible-code-block: python\nassert True\n-->\n\n"
        "![A figure](figures/fit_before.svg)\n\n```bash\nls\n```\n"
    )
    cells = chapter_cells(markdown, SRC)
    assert [c.kind for c in cells] == ["markdown", "code", "markdown"]
    assert cells[0].source == "# Title\n\nSee [chapter 6](loss.ipynb#61-x).\n\n**The checks**"
    assert cells[1].source.startswith("def forward(")
    assert cells[2].source == "```bash\nls\n```"


def test_a_box_title_with_escaped_quotes_unwraps_like_any_box() -> None:
    """Material reads `\\"` in a box's title as a quote; the notebook unwraps such a box too,
    rather than keep its indented body as a code block."""
    markdown = '??? info "Why `driver=\\"gels\\"`?"\n\n    We name the method.\n'
    cells = chapter_cells(markdown, SRC)
    assert [c.source for c in cells] == ['**Why `driver="gels"`?**\n\nWe name the method.']


def test_the_sentence_that_asks_to_open_the_recap_box_points_at_the_next_cell() -> None:
    """A notebook has no box: the chapter's request to open it and copy the code (the line may
    break anywhere in it) becomes a pointer to the next cell, which holds that code."""
    markdown = (
        "This page uses two functions. If you follow along in a fresh\nPython, open the box and"
        ' copy them first.\n\n??? abstract "Code from chapter 5"\n\n    ```pycon\n    >>> x = 1\n'
        "    ```\n\nAnd one. If you follow along in a fresh Python, open the box and copy it"
        " first.\n"
    )
    cells = chapter_cells(markdown, SRC)
    assert cells[0].source == (
        "This page uses two functions. The next cell defines them.\n\n**Code from chapter 5**"
    )
    assert cells[1].source == "x = 1"
    assert cells[-1].source == "And one. The next cell defines it."
    assert NEXT_CELL.startswith("The next cell")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_notebook_asks_to_open_a_box(chapter: str) -> None:
    """Whatever a chapter says before its recap box, its notebook does not send readers to a box:
    a new wording needs its rule in notebooks.OPEN_THE_BOX."""
    notebook = json.loads(notebook_path(DOCS, chapter).read_text(encoding="utf-8"))
    markdown = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"]
    assert "open the box" not in " ".join(" ".join(markdown).split())


def test_a_solution_box_becomes_a_folded_heading_with_its_cells_under_it() -> None:
    """Jupyter and Colab fold what follows a heading, up to the next exercise: the box's title
    is a heading cell of its own, marked folded for both; its prose and code follow, without
    its hidden checks; other boxes still unwrap to a bold title."""
    markdown = (
        "### Exercise 1.1: Add\n\nPredict `1 + 1`.\n\n"
        '??? success "Solution"\n\n    Run it:\n\n    ```pycon\n    >>> 1 + 1\n    2\n    ```\n\n'
        "    <!-- invisible-code-block: python\n    assert 1 + 1 == 2\n    -->\n\n"
        "    It is 2.\n\n"
        '### Exercise 1.2: More\n\n??? note "A hint"\n\n    Think.\n'
    )
    cells = chapter_cells(markdown, SRC)
    assert [(c.kind, c.source) for c in cells] == [
        ("markdown", "### Exercise 1.1: Add\n\nPredict `1 + 1`."),
        ("markdown", f"{SOLUTION_HEADING} 1.1"),
        ("markdown", "Run it:"),
        ("code", "1 + 1"),
        ("markdown", "It is 2."),
        ("markdown", "### Exercise 1.2: More\n\n**A hint**\n\nThink."),
    ]
    assert SOLUTION_HEADING == "#### Solution"
    assert [c.metadata for c in cells] == [{}, FOLDED, {}, {}, {}, {}]
    notebook = to_notebook(cells, "ch")
    heading = notebook["cells"][1]
    assert heading["metadata"] == {"jp-MarkdownHeadingCollapsed": True, "id": heading["id"]}
    assert notebook["metadata"]["colab"] == {"collapsed_sections": [heading["id"]]}
    assert "colab" not in to_notebook(cells[:1], "ch")["metadata"]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_solution_of_a_chapter_is_a_folded_heading_in_its_notebook(chapter: str) -> None:
    """One folded heading per solution box, each followed by at least one code cell before the
    next heading."""
    markdown = (DOCS / f"{chapter}.md").read_text(encoding="utf-8")
    notebook = json.loads(notebook_path(DOCS, chapter).read_text(encoding="utf-8"))
    cells = notebook["cells"]
    headings = [i for i, c in enumerate(cells) if SOLUTION_LINE.match("".join(c["source"]))]
    assert len(headings) == markdown.count('\n??? success "Solution"\n') >= 3
    titles = ["".join(cells[i]["source"]) for i in headings]
    assert len(set(titles)) == len(titles), titles  # one heading id each on the notebook's page
    assert notebook["metadata"]["colab"]["collapsed_sections"] == [cells[i]["id"] for i in headings]
    for i in headings:
        assert cells[i]["metadata"]["jp-MarkdownHeadingCollapsed"] is True
        under = []
        for cell in cells[i + 1 :]:
            if cell["cell_type"] == "markdown" and "".join(cell["source"]).startswith("#"):
                break
            under.append(cell["cell_type"])
        assert "code" in under, (chapter, i)


def test_the_closing_next_paragraph_gets_a_heading_so_no_solution_folds_it() -> None:
    """Jupyter and Colab fold a solution's heading up to the next heading: the chapter's closing
    `Next:` paragraph, after the last solution, gets one of its own."""
    markdown = (
        "### Exercise 1.1: Add\n\nPredict.\n\n"
        '??? success "Solution"\n\n    ```pycon\n    >>> 1 + 1\n    2\n    ```\n\n'
        "Next: [2. More](more.md), where it goes on.\n"
    )
    cells = chapter_cells(markdown, SRC)
    assert [c.source for c in cells[1:]] == [
        f"{SOLUTION_HEADING} 1.1",
        "1 + 1",
        f"{NEXT_HEADING}\n\n[2. More](more.ipynb), where it goes on.",
    ]
    assert NEXT_HEADING.startswith("## ")  # above the solutions' level: it ends their fold


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_solution_folds_the_chapters_closing_paragraph(chapter: str) -> None:
    """The cells under each folded solution heading, up to the next heading, hold no pointer
    to the next chapter."""
    notebook = json.loads(notebook_path(DOCS, chapter).read_text(encoding="utf-8"))
    sources = ["".join(c["source"]) for c in notebook["cells"]]
    folded = False
    for cell, source in zip(notebook["cells"], sources):
        if source.startswith("#"):
            folded = bool(cell["metadata"].get("jp-MarkdownHeadingCollapsed"))
        assert not (folded and "Next:" in source), (chapter, source)
    markdown = (DOCS / f"{chapter}.md").read_text(encoding="utf-8")
    if "\nNext: [" in markdown:
        assert sum(source.startswith(NEXT_HEADING + "\n") for source in sources) == 1


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_notebook_never_imports_the_project(chapter: str) -> None:
    """A notebook needs only torch (and matplotlib where it plots): the code is in its cells."""
    notebook = json.loads(notebook_path(DOCS, chapter).read_text(encoding="utf-8"))
    code = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    assert "linreg" not in code and "tutorial_tools" not in code


def text_output(cell: dict) -> str:
    """A code cell's printed text and displayed value, as a console would show them."""
    parts = []
    for output in cell["outputs"]:
        if output["output_type"] == "stream":
            parts.append("".join(output["text"]))
        elif output["output_type"] == "execute_result":
            parts.append("".join(output["data"]["text/plain"]) + "\n")
    return "".join(parts)


@pytest.fixture(scope="module")
def runs() -> dict[str, Path]:
    """Each chapter's executed notebook and figures, from the build's cache or a fresh run."""
    return execute.run_chapters(DOCS, SRC, CACHE)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_notebook_outputs_equal_the_chapter_outputs(runs: dict[str, Path], chapter: str) -> None:
    """Run top to bottom by the build, every code cell prints what the chapter shows."""
    executed = json.loads((runs[chapter] / "notebooks" / f"{chapter}.ipynb").read_text())
    code_cells = [c for c in executed["cells"] if c["cell_type"] == "code"]
    markdown = (DOCS / f"{chapter}.md").read_text(encoding="utf-8")
    expected = [c for c in chapter_cells(markdown, SRC) if c.kind == "code"]
    assert len(code_cells) == len(expected)
    for cell, want in zip(code_cells, expected):
        assert "".join(cell["source"]) == want.source
        # the notebook's text output is the chapter's console output
        # exactly, but for the matrix product's name that torch 2.15 puts in shape errors
        assert OPERATION_NAME.sub(r"\g<type>: ", text_output(cell)) == want.output, want.source


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_build_runs_the_notebook_it_would_commit(runs: dict[str, Path], chapter: str) -> None:
    """The executed notebook is the generated one plus outputs: same cells, same sources."""
    executed = json.loads((runs[chapter] / "notebooks" / f"{chapter}.ipynb").read_text())
    generated = json.loads(chapter_notebook(DOCS, SRC, chapter))
    assert [c["source"] for c in executed["cells"]] == [c["source"] for c in generated["cells"]]


@pytest.fixture(scope="module")
def alone(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each committed notebook run in a kernel of its own from an empty folder, all at once."""
    folders = {c: tmp_path_factory.mktemp(c) for c in CHAPTERS}

    async def run(chapter: str) -> None:
        text = notebook_path(DOCS, chapter).read_text(encoding="utf-8")
        markdown = (DOCS / f"{chapter}.md").read_text(encoding="utf-8")
        executed = await execute.execute(text, folders[chapter], figure_names(markdown))
        (folders[chapter] / f"{chapter}.ipynb").write_text(executed, encoding="utf-8")

    async def run_all() -> None:
        await asyncio.gather(*(run(c) for c in CHAPTERS))

    execute.run_sync(run_all())
    return folders


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_notebook_runs_alone_as_the_build_ran_it(
    runs: dict[str, Path], alone: dict[str, Path], chapter: str
) -> None:
    """Runs clean anywhere: in a fresh kernel of its own, the committed notebook gives the same
    notebook, byte for byte (outputs and execution counts), and the same figures as the
    build's run in its shared kernel."""
    built = (runs[chapter] / "notebooks" / f"{chapter}.ipynb").read_text(encoding="utf-8")
    assert (alone[chapter] / f"{chapter}.ipynb").read_text(encoding="utf-8") == built
    for svg in (runs[chapter] / "figures").glob("*.svg"):
        assert (alone[chapter] / "figures" / svg.name).read_bytes() == svg.read_bytes()


def code_notebook(*sources: str) -> str:
    """A Python notebook of code cells with these sources."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    return nbformat.writes(notebook)


def test_the_shared_kernel_gives_each_notebook_a_fresh_start(tmp_path: Path) -> None:
    """Nothing of one notebook reaches the next in the shared kernel: no variables, no open
    figures, no files in its folder; counts restart at 1 and it runs in its own folder."""
    first = code_notebook(
        "x = 1\nimport matplotlib\nmatplotlib.use('agg')\nimport matplotlib.pyplot as plt",
        "figure = plt.figure(); open('left-behind.txt', 'w').close()",
    )
    second = code_notebook(
        "import os, sys\nprint('x' in globals(), 'figure' in globals(), os.listdir('.'))",
        "print(sys.modules['matplotlib.pyplot'].get_fignums(), os.getcwd())",
        "6 * 7",
    )

    async def run_both() -> list[dict]:
        kernel = await execute.start_kernel(tmp_path)
        try:
            outputs = []
            for name, notebook in (("first", first), ("second", second)):
                (tmp_path / name).mkdir()
                text = await execute.execute(notebook, tmp_path / name, [], kernel)
                outputs.append(json.loads(text))
            return outputs
        finally:
            await execute.stop_kernel(kernel)

    _, second_run = execute.run_sync(run_both())
    cells = second_run["cells"]
    assert [c["execution_count"] for c in cells] == [1, 2, 3]
    assert text_output(cells[0]) == "False False ['figures']\n"
    assert text_output(cells[1]) == f"[] {tmp_path / 'second'}\n"
    assert cells[2]["outputs"][0]["execution_count"] == 3


@pytest.mark.parametrize("kernels", [1, 2, 3, 4])
def test_lanes_give_each_chapter_one_kernel_in_page_order(kernels: int) -> None:
    """Every stale chapter runs exactly once, in page order, in at most `kernels` kernels."""
    for count in range(len(CHAPTERS) + 1):
        stale = list(CHAPTERS[:count])
        split = execute.lanes(stale, kernels)
        assert [c for lane in split for c in lane] == stale
        assert len(split) <= kernels and all(split)
    assert len(execute.lanes(list(CHAPTERS), kernels)) == min(kernels, len(CHAPTERS))


def test_a_cells_printing_is_one_output_however_the_kernel_chunked_it(tmp_path: Path) -> None:
    """Printing that reaches the client in pieces (a flush, then a pause) is merged: a run's
    notebook does not depend on timing."""
    notebook = code_notebook("import time\nprint('a', flush=True)\ntime.sleep(0.5)\nprint('b')")
    cell = json.loads(execute.run_sync(execute.execute(notebook, tmp_path, [])))["cells"][0]
    assert cell["outputs"] == [{"name": "stdout", "output_type": "stream", "text": ["a\n", "b\n"]}]


def test_a_kernel_that_never_gets_ready_is_shut_down(tmp_path: Path, monkeypatch) -> None:
    """A failed start raises and leaves no kernel process behind."""
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.manager import AsyncKernelManager

    async def never_ready(self: AsyncKernelClient, timeout: float | None = None) -> None:
        raise RuntimeError("kernel did not answer")

    started = []
    original_start = AsyncKernelManager._async_start_kernel

    async def record_start(self: AsyncKernelManager, **kwargs: object) -> None:
        started.append(self)
        await original_start(self, **kwargs)

    monkeypatch.setattr(AsyncKernelClient, "wait_for_ready", never_ready)
    monkeypatch.setattr(AsyncKernelManager, "start_kernel", record_start)
    with pytest.raises(RuntimeError, match="kernel did not answer"):
        execute.run_sync(execute.start_kernel(tmp_path))
    (manager,) = started
    assert not execute.run_sync(manager.is_alive())


def test_a_cell_that_raises_fails_the_run(tmp_path: Path) -> None:
    """allow_errors is off: an unexpected exception stops the build with the cell's error."""
    from nbclient.exceptions import CellExecutionError

    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "a",
                "metadata": {},
                "outputs": [],
                "source": ["1 / 0"],
            }
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        execute.run_sync(execute.execute(json.dumps(notebook), tmp_path, []))


def test_cache_key_follows_chapter_src_and_torch(tmp_path: Path, monkeypatch) -> None:
    """The key changes with the chapter's text, any file in src/, and the installed torch."""
    docs, src = tmp_path / "docs", tmp_path / "src"
    shutil.copytree(DOCS, docs)
    shutil.copytree(SRC / "linreg", src / "linreg")

    def key() -> str:
        return execute.cache_key(docs, src, "model", execute.tree_digest(src))

    first = key()
    assert key() == first
    (docs / "model.md").write_text((docs / "model.md").read_text() + "\n")
    second = key()
    (src / "linreg" / "plots.py").write_text((src / "linreg" / "plots.py").read_text() + "\n")
    third = key()
    monkeypatch.setattr(execute.importlib.metadata, "version", lambda name: "9.9.9")
    fourth = key()
    assert len({first, second, third, fourth}) == 4
