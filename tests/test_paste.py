"""tutorial_tools.paste: the prompt's output as lines, what each prompt should show, the checks,
and real prompts in a pseudo-terminal catching real paste failures."""

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

if os.environ.get("CI") == "true":  # in CI a missing pexpect is a failure, never a skip
    import pexpect  # noqa: F401
else:
    pytest.importorskip("pexpect", reason="pip install -e '.[test]'")

from tutorial_tools.paste import (
    PROMPTS,
    Block,
    Prompt,
    expected_lines,
    missing_lines,
    output_lines,
    paste_problems,
    pyrepl_python,
    screen_lines,
    unexpected_errors,
)
from tutorial_tools.site_check import console_code

ROOT = Path(__file__).resolve().parent.parent
SESSION = """\
>>> x = 2
>>> x
2
>>> for i in range(2):
...     print(i)
...
0
1
>>> x * 10, x + 1
(20, 3)
"""


def test_screen_lines_drop_escapes_and_overwrite_after_a_carriage_return() -> None:
    raw = "\x1b]0;IPython\x07\x1b[?2004l\x1b[31mNameError\x1b[39m: x\r\nabcdef\rXY\r\n"
    assert screen_lines(raw) == ["NameError: x", "XYcdef", ""]


def test_output_lines_drop_the_echoed_input_of_pythons_prompt() -> None:
    raw = ">>> x = 2\r\n>>> for i in x:\r\n...     i\r\n... \r\n2\r\n>>> \r\n"
    assert output_lines(raw, "python") == ["2", ""]


def test_output_lines_join_an_ipython_display_and_its_whitespace() -> None:
    raw = "printed\r\nOut[3]:\r\n(tensor([[1.]]),\r\n tensor([2.]))\r\n\r\n"
    assert output_lines(raw, "ipython") == ["printed", "(tensor([[1.]]), tensor([2.]))", "", ""]


def test_output_lines_drop_the_operation_name_torch_2_15_adds() -> None:
    raw = "RuntimeError: mm: mat1 and mat2 shapes cannot be multiplied (10x2 and 1x1)\r\n"
    assert output_lines(raw, "python") == [
        "RuntimeError: mat1 and mat2 shapes cannot be multiplied (10x2 and 1x1)",
        "",
    ]


def test_pythons_prompt_shows_every_output_of_the_session() -> None:
    block = Block(console_code(SESSION), session=SESSION)
    assert expected_lines(block, "python") == [
        "2",
        "0",
        "1",
        "(20, 3)",
    ]


def test_ipython_shows_printed_output_and_only_the_last_value() -> None:
    """In one cell, `x` is not displayed; the last statement's value is, on one line."""
    block = Block(console_code(SESSION), session=SESSION)
    assert expected_lines(block, "ipython") == [
        "0",
        "1",
        "(20, 3)",
    ]


def test_a_print_call_is_printed_in_ipython_too() -> None:
    session = ">>> print('a')\na\n>>> 'b'\n'b'\n>>> print('c')\nc\n"
    assert expected_lines(Block("", session=session), "ipython") == ["a", "c"]


def test_an_exception_shows_as_the_line_naming_it() -> None:
    session = ">>> 1 / 0\nTraceback (most recent call last):\n    ...\n"
    session += "ZeroDivisionError: division by zero\n"
    expected = ["ZeroDivisionError: division by zero"]
    assert expected_lines(Block("", session=session), "python") == expected
    assert expected_lines(Block("", session=session), "ipython") == expected


def test_an_embedded_block_expects_its_output_fence() -> None:
    block = Block("print('x')\n", output="x\n\ny\n")
    assert expected_lines(block, "python") == expected_lines(block, "ipython") == ["x", "", "y"]


def test_missing_lines_reads_in_order() -> None:
    assert missing_lines(["a", "b"], [">>> a", "a", "x", "b"]) == []
    assert missing_lines(["a", "b"], ["b", "a"]) == ["b"]
    assert missing_lines(["a", "a"], ["a"]) == ["a"]


def test_unexpected_errors_are_those_the_page_does_not_show() -> None:
    got = ["ValueError: bad", "NameError: name 'W' is not defined", "SyntaxError: invalid syntax"]
    expected = ["ValueError: bad"]
    assert unexpected_errors(expected, got) == got[1:]
    assert unexpected_errors(expected, ["ValueError: bad", "ValueError: bad"]) == [
        "ValueError: bad"
    ]
    assert unexpected_errors([], ["NameError  Traceback (most recent call last)"]) == []


@pytest.fixture(params=[*PROMPTS, "pyrepl"])
def prompt(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Prompt]:
    """A real prompt of each kind, started in an empty folder (PyREPL only where a Python 3.13
    or later is at hand: these pastes need no torch)."""
    python = sys.executable
    if request.param == "ipython" and os.environ.get("CI") != "true":
        pytest.importorskip("IPython", reason="pip install -e '.[test]'")
    if request.param == "pyrepl":
        python = pyrepl_python(ROOT)
        if python is None:
            pytest.skip("no Python 3.13 or later: see the README on Python 3.13's prompt")
    (tmp_path / "folder").mkdir()
    started = Prompt(request.param, python, tmp_path / "folder", tmp_path)
    yield started
    started.close()


def paste(prompt: Prompt, code: str, session: str = "", output: str = "") -> list[str]:
    """Paste `code` into the prompt; the problems found against what the page shows."""
    block = Block(code, session=session, output=output)
    return paste_problems(block, prompt.paste(code), prompt.kind)


def test_a_clean_paste_has_no_problem(prompt: Prompt) -> None:
    assert paste(prompt, console_code(SESSION), session=SESSION) == []


def test_a_loop_with_a_blank_line_inside_breaks_only_pythons_prompt(
    prompt: Prompt,
) -> None:
    """The classic prompt ends the loop at the blank line: the rest is an IndentationError."""
    code = "total = 0\nfor i in range(3):\n    total += i\n\n    total += 10\nprint(total)\n"
    problems = paste(prompt, code, output="33\n")
    if prompt.kind == "python":
        assert problems == ["unexpected IndentationError: unexpected indent", "missing '33'"]
    else:
        assert problems == []


def test_a_statement_right_after_a_loop_is_a_syntax_error_at_pythons_prompt(
    prompt: Prompt,
) -> None:
    code = "for i in range(2):\n    print(i)\nprint('end')\n"
    problems = paste(prompt, code, output="0\n1\nend\n")
    if prompt.kind == "python":
        assert problems == [
            "unexpected SyntaxError: invalid syntax",
            "missing '0'",
            "missing '1'",
            "missing 'end'",
        ]
    else:
        assert problems == []


def test_a_copy_that_ends_inside_a_loop_is_not_run_by_one_enter(
    prompt: Prompt,
) -> None:
    """Without a final newline, one Enter leaves the loop open: Python's prompt then reads the
    next line typed as part of it, IPython waits for a second Enter."""
    problems = paste(prompt, "for i in range(2):\n    print(i)", output="0\n1\n")
    assert problems[0] == "the prompt had not run it all after one Enter"
    assert paste(prompt, "for i in range(2):\n    print(i)\n", output="0\n1\n") == []


def test_a_missing_output_line_is_reported(prompt: Prompt) -> None:
    assert paste(prompt, "print(2 + 2)\n", output="5\n") == ["missing '5'"]


def test_the_projects_packages_are_not_importable_and_no_name_leaks(
    prompt: Prompt,
) -> None:
    problems = paste(prompt, "import tutorial_tools\n")
    assert problems[0].startswith("unexpected ModuleNotFoundError: import of tutorial_tools")
    (problem,) = paste(prompt, "sys\n")  # 3.13 adds: Did you forget to import 'sys'?
    assert problem.startswith("unexpected NameError: name 'sys' is not defined")


def test_ipython_stops_a_cell_at_its_first_error(prompt: Prompt) -> None:
    """Python's prompts run the statement after the error; IPython does not."""
    session = ">>> 1 / 0\nTraceback (most recent call last):\n    ...\n"
    session += "ZeroDivisionError: division by zero\n>>> print('after')\nafter\n"
    problems = paste(prompt, console_code(session), session=session)
    assert problems == ([] if prompt.kind != "ipython" else ["missing 'after'"])


def test_only_pythons_prompt_echoes_a_value_inside_a_loop_that_is_not_last(
    prompt: Prompt,
) -> None:
    session = ">>> for i in range(2):\n...     i * 10\n...\n0\n10\n>>> x = 1\n"
    problems = paste(prompt, console_code(session), session=session)
    assert problems == ([] if prompt.kind == "python" else ["missing '0'", "missing '10'"])


def test_pyrepl_echoes_the_last_value_plainly() -> None:
    session = ">>> x = (1,\n...      2)\n>>> x\n(1, 2)\n>>> x\n(1, 2)\n"
    assert expected_lines(Block("", session=session), "pyrepl") == ["(1, 2)"]
