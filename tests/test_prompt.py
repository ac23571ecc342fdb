"""Every chapter pasted into a real prompt the way a learner does it.

One browser pass opens every collapsed box on the home page and on each chapter, clicks each
Python code block's copy button in page order and keeps what lands on the clipboard. Each page's
copies are then pasted, one block and one Enter at a time, into a fresh `python -q -i`, a fresh
IPython and, where there is one, Python 3.13's new prompt, each in a pseudo-terminal, from an
empty folder where this project's packages can't be imported (tutorial_tools.paste says how
each prompt reads a paste, and what it should show).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tutorial_tools.notebooks import CHAPTERS
from tutorial_tools.site_check import (
    console_code,
    serve,
)

pytestmark = pytest.mark.site
CI = os.environ.get("CI") == "true"
if CI:  # in CI a missing tool is a failure, never a skip
    import pexpect  # noqa: F401
    import playwright.sync_api as playwright_api
else:
    pytest.importorskip("pexpect", reason="pip install -e '.[test]'")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")

from tutorial_tools.paste import (
    PROMPTS,
    Block,
    Prompt,
    expected_lines,
    paste_problems,
    pyrepl_python,
)

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/"] + [f"/{chapter}/" for chapter in CHAPTERS]  # the pages with code on them
COPY_BUTTON = 'button[data-md-type="copy"], button.md-clipboard'


def copy(page: "playwright_api.Page", block: "playwright_api.Locator") -> str:
    """Click a code block's copy button like a reader and return what lands on the clipboard."""
    page.evaluate("navigator.clipboard.writeText('(nothing copied)')")
    block.scroll_into_view_if_needed()
    block.hover()
    block.locator(COPY_BUTTON).click()
    return page.evaluate("navigator.clipboard.readText()")


def open_every_box(page: "playwright_api.Page") -> None:
    """Click each closed box's title, outer boxes first, as a reader opens them."""
    summaries = page.locator("article details > summary")
    for index in range(summaries.count()):
        summary = summaries.nth(index)
        if not summary.evaluate("summary => summary.parentElement.open"):
            summary.click()


def page_blocks(page: "playwright_api.Page") -> list[Block]:
    """Each Python block of the open page in order (console examples and embedded sections):
    what its copy button copies, and the outputs the page shows for it."""
    blocks: list[Block] = []
    highlights = page.locator("article div.highlight")
    for index in range(highlights.count()):
        element = highlights.nth(index)
        kind = element.get_attribute("class").split()
        text = element.locator("code").text_content()
        if "language-pycon" in kind:
            blocks.append(Block(copy(page, element), session=text))
        elif "language-python" in kind:
            blocks.append(Block(copy(page, element)))
        elif element.locator(".filename").all_text_contents() == ["Output"]:
            assert blocks and not blocks[-1].session, "an Output fence follows no embedded code"
            blocks[-1].output = text
    return blocks


@pytest.fixture(scope="module")
def copied(site: Path, browser: "playwright_api.Browser") -> dict[str, list[Block]]:
    """Every page's Python blocks, copied in one pass of a real browser over the built site."""
    with serve(site) as base_url:
        context = browser.new_context(
            viewport={"width": 1280, "height": 900},
            permissions=["clipboard-read", "clipboard-write"],
        )
        page = context.new_page()
        blocks = {}
        for url_path in PAGES:
            page.goto(base_url + url_path)
            page.wait_for_load_state("networkidle")
            open_every_box(page)
            blocks[url_path] = page_blocks(page)
        context.close()
    return blocks


def test_every_chapter_has_code_to_paste(copied: dict[str, list[Block]]) -> None:
    """Each chapter has console examples and embedded sections; the home page an example."""
    for path, blocks in copied.items():
        assert any(block.session for block in blocks), path
        assert path == "/" or any(not block.session for block in blocks), path


def test_copies_are_the_code_ending_in_one_newline(copied: dict[str, list[Block]]) -> None:
    """A console example copies as its code alone, a bare `...` line as an empty line, and
    every copy ends with one newline: the learner's Enter adds the empty line that ends a
    final `for`, `with` or `def` (Material trims it; docs/javascripts/copy_newline.js)."""
    wrong = []
    for path, blocks in copied.items():
        for number, block in enumerate(blocks, 1):
            code = console_code(block.session).rstrip("\n") + "\n" if block.session else None
            if not block.copied.endswith("\n") or block.copied.endswith("\n\n"):
                wrong.append(f"{path} block {number} ends {block.copied[-30:]!r}")
            elif code is not None and block.copied != code:
                wrong.append(f"{path} block {number} copied {block.copied!r}, not {code!r}")
    assert not wrong, "\n".join(wrong)


def interpreter(prompt: str) -> str:
    """The Python that runs `prompt`: this one, or for Python 3.13's prompt (PyREPL) a Python
    3.13 or later with torch, which is optional, even in CI (see the README)."""
    if prompt == "ipython" and not CI:
        pytest.importorskip("IPython", reason="pip install -e '.[test]'")
    if prompt != "pyrepl":
        return sys.executable
    python = pyrepl_python(ROOT)
    check = [python, "-c", "import torch, matplotlib"]
    if python is None or subprocess.run(check, check=False).returncode:
        pytest.skip("no Python 3.13 with torch for its new prompt: see the README")
    return python


def label(number: int, block: Block) -> str:
    """A block as a failure names it: its number on the page and its first line."""
    kind = "console example" if block.session else "embedded code"
    return f"block {number} ({kind}: {block.copied.splitlines()[0]!r})"


@pytest.mark.parametrize("prompt", [*PROMPTS, "pyrepl"])
@pytest.mark.parametrize("path", PAGES)
def test_pasting_a_page_into_a_prompt_shows_its_outputs(
    copied: dict[str, list[Block]], path: str, prompt: str, tmp_path: Path
) -> None:
    """Pasted block by block, with Enter after each, the page runs without an error it does not
    show, and every output line it shows appears, in order."""
    python = interpreter(prompt)
    folder, home = tmp_path / "learner", tmp_path / "home"
    folder.mkdir()
    home.mkdir()
    session = Prompt(prompt, python, folder, home)
    problems, checked = [], 0
    try:
        for number, block in enumerate(copied[path], 1):
            pasted = session.paste(block.copied)
            checked += len(expected_lines(block, prompt))
            found = paste_problems(block, pasted, prompt)
            problems += [f"{label(number, block)}: {problem}" for problem in found]
    finally:
        session.close()
    assert checked, f"{path}: no output line to check"
    assert not problems, "\n".join(problems)
