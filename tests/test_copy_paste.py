"""A reader who copies a chapter's code blocks in order into a fresh Python gets its outputs.

Each chapter is turned into what the copy buttons give (embedded source, and console
examples without prompts or output) and run in a new interpreter where the project's own
packages cannot be imported. Hidden check blocks are not copied: the reader can't see them.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tutorial_tools.snippets import expand_embeds
from tutorial_tools.sybil_parsers import OPERATION_NAME

ROOT = Path(__file__).resolve().parent.parent
# Every page with code on it (the notebooks page only lists links)
CHAPTERS = [page for page in sorted((ROOT / "docs").glob("*.md")) if "```" in page.read_text()]
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=indent)```",
    re.MULTILINE | re.DOTALL,
)
PROMPT = re.compile(r"^(>>> |\.\.\. |>>>$|\.\.\.$)")

# Runs in the fresh interpreter: paste each block as the interactive prompt would run it.
RUNNER = r"""
import ast, json, sys, traceback
sys.modules["linreg"] = sys.modules["tutorial_tools"] = None  # only torch, as for a reader
namespace = {"__name__": "__main__"}
for block in json.load(sys.stdin):
    for statement in ast.parse(block).body:
        code = compile(ast.Interactive(body=[statement]), "<paste>", "single")
        try:
            exec(code, namespace)
        except Exception as error:
            print("Traceback (most recent call last):\n    ...")
            print(traceback.format_exception_only(type(error), error)[-1], end="")
"""


def copied_blocks(markdown: str) -> tuple[list[str], str]:
    """What the copy buttons give for each visible code block, and the outputs the page shows."""
    blocks, shown = [], []
    for fence in FENCE.finditer(markdown):
        lines = [line.removeprefix(fence["indent"]) for line in fence["body"].splitlines()]
        language = fence["info"].split()[0] if fence["info"].strip() else ""
        if language == "pycon":
            code = [PROMPT.sub("", line) for line in lines if PROMPT.match(line)]
            shown += [line for line in lines if not PROMPT.match(line)]
            blocks.append("\n".join(code) + "\n")
        elif language == "python":
            embedded = expand_embeds("\n".join(lines), ROOT / "src")
            assert embedded is not None, f"python fence that embeds nothing: {lines[:2]}"
            blocks.append(embedded)
        elif fence["info"].strip() == 'text title="Output"':  # what the code before it prints
            shown += lines
    return blocks, "".join(line + "\n" for line in shown)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.name)
def test_copying_a_chapter_reproduces_its_outputs(chapter: Path, tmp_path: Path) -> None:
    blocks, shown = copied_blocks(chapter.read_text(encoding="utf-8"))
    assert blocks, f"{chapter.name} has no code blocks"
    result = subprocess.run(
        [sys.executable, "-I", "-c", RUNNER],
        check=False,
        input=json.dumps(blocks),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    # torch 2.15 names the matrix product in shape errors; the pages say so (as the doc tests do)
    assert OPERATION_NAME.sub(r"\g<type>: ", result.stdout) == shown


def test_every_chapter_is_copied() -> None:
    assert {"index.md", "model.md", "loss.md", "training.md"} <= {page.name for page in CHAPTERS}


def test_copied_blocks_strip_prompts_and_outputs() -> None:
    page = "```pycon\n>>> for i in range(2):\n...     print(i)\n0\n1\n>>> 1 + 1\n2\n```\n"
    blocks, shown = copied_blocks(page)
    assert blocks == ["for i in range(2):\n    print(i)\n1 + 1\n"]
    assert shown == "0\n1\n2\n"


def test_the_runner_blocks_the_project_packages(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-I", "-c", RUNNER],
        check=False,
        input=json.dumps(["import linreg\n"]),
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert "ModuleNotFoundError" in result.stdout or "ImportError" in result.stdout
