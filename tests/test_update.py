"""Update mode rewrites stale outputs from a real run, and nothing else."""

import textwrap
from pathlib import Path

import pytest

from tutorial_tools.update import main, update_file

SOURCE = '''\
"""A tiny package for the tests."""


# --8<-- [start:answer]
def answer(x: int = 0) -> int:
    """The answer, shifted by x."""
    if x < 0:
        raise ValueError(f"x must be at least 0, got {x}")
    return ANSWER + x


# --8<-- [end:answer]
'''

CHAPTER = """\
# A chapter

Some prose with   odd spacing, kept as it is.

```python title="src/pkg.py"
--8<-- "pkg.py:answer"
```

```pycon
>>> ANSWER = 41
>>> answer()
41
>>> for i in range(2):
...     print(answer(i))
41
42
>>> answer(-1)
Traceback (most recent call last):
    ...
ValueError: x must be at least 0, got -1
```

The answer is 41.

<!-- invisible-code-block: python
assert answer() == 41
-->

??? note "Indented, inside an admonition"

    ```pycon
    >>> print(f"{answer():d}\\n\\ndone")
    41
    <BLANKLINE>
    done
    ```
"""


def make_project(tmp_path: Path, chapter: str = CHAPTER, source: str = SOURCE) -> Path:
    """Write src/pkg.py and docs/chapter.md under tmp_path; return the chapter's path."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "pkg.py").write_text(source, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    path = tmp_path / "docs" / "chapter.md"
    path.write_text(chapter, encoding="utf-8")
    return path


def changed_lines(old: str, new: str) -> list[tuple[int, str, str]]:
    """(line number, old line, new line) for every line that differs; the line count must hold."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    assert len(old_lines) == len(new_lines)
    pairs = enumerate(zip(old_lines, new_lines, strict=True), start=1)
    return [(number, a, b) for number, (a, b) in pairs if a != b]


def test_an_up_to_date_chapter_is_left_byte_identical(tmp_path: Path) -> None:
    path = make_project(tmp_path)
    report = update_file(path, tmp_path / "src")
    assert report.changed == [] and report.broken == [] and report.claims == []
    assert path.read_text(encoding="utf-8") == CHAPTER


def test_a_stale_output_is_fixed_and_only_output_lines_change(tmp_path: Path) -> None:
    path = make_project(tmp_path, CHAPTER.replace(">>> ANSWER = 41", ">>> ANSWER = 40"))
    old = path.read_text(encoding="utf-8")
    report = update_file(path, tmp_path / "src")
    new = path.read_text(encoding="utf-8")
    assert report.changed == [11, 13, 32]  # the lines of the three examples that changed
    assert changed_lines(old, new) == [  # the output lines, and nothing else
        (12, "41\n", "40\n"),
        (15, "41\n", "40\n"),
        (16, "42\n", "41\n"),
        (33, "    41\n", "    40\n"),
    ]
    assert report.claims == ["25: assert answer() == 41: AssertionError"]  # reported, not edited


def test_a_changed_exception_message_keeps_its_traceback_lines(tmp_path: Path) -> None:
    path = make_project(tmp_path, source=SOURCE.replace("must be at least 0", "cannot be negative"))
    old = path.read_text(encoding="utf-8")
    update_file(path, tmp_path / "src")
    assert changed_lines(old, path.read_text(encoding="utf-8")) == [
        (
            20,
            "ValueError: x must be at least 0, got -1\n",
            "ValueError: x cannot be negative, got -1\n",
        )
    ]


def test_a_second_run_changes_nothing(tmp_path: Path) -> None:
    path = make_project(tmp_path, CHAPTER.replace(">>> ANSWER = 41", ">>> ANSWER = 7"))
    first = update_file(path, tmp_path / "src")
    once = path.read_bytes()
    second = update_file(path, tmp_path / "src")
    assert first.changed and second.changed == []
    assert path.read_bytes() == once


def test_a_broken_example_is_reported_not_fixed(tmp_path: Path) -> None:
    broken = CHAPTER.replace(">>> answer()\n41", ">>> answer('1')\n42")
    path = make_project(tmp_path, broken)
    report = update_file(path, tmp_path / "src")
    assert report.broken == [
        "11: answer('1'): TypeError: '<' not supported between instances of 'str' and 'int'"
    ]
    assert path.read_text(encoding="utf-8") == broken


def test_a_broken_snippet_is_reported(tmp_path: Path) -> None:
    path = make_project(tmp_path, source=SOURCE.replace("def answer", "def answer(:"))
    report = update_file(path, tmp_path / "src")
    assert report.broken[0].startswith("5: def answer(:")
    assert "SyntaxError" in report.broken[0]


def test_windows_line_endings_are_kept(tmp_path: Path) -> None:
    path = make_project(tmp_path)
    crlf = CHAPTER.replace(">>> ANSWER = 41", ">>> ANSWER = 1").replace("\n", "\r\n")
    path.write_bytes(crlf.encode("utf-8"))
    update_file(path, tmp_path / "src")
    assert path.read_bytes().count(b"\r\n") == crlf.count("\r\n")
    assert b"\r\n>>> answer()\r\n1\r\n" in path.read_bytes()


def test_the_command_updates_docs_and_fails_when_a_person_is_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_project(tmp_path, CHAPTER.replace(">>> ANSWER = 41", ">>> ANSWER = 40"))
    monkeypatch.chdir(tmp_path)
    assert main([]) == 1  # the prose claim "The answer is 41" no longer holds
    out = capsys.readouterr().out
    assert "docs/chapter.md: rewrote the output at line 11" in out
    assert "docs/chapter.md:25: assert answer() == 41: AssertionError (prose number" in out
    assert out.endswith("3 output(s) rewritten in 1 file(s); see the problems above\n")
    Path("docs/chapter.md").write_text(textwrap.dedent(CHAPTER), encoding="utf-8")
    assert main(["docs/chapter.md", "--src", "src"]) == 0


PRINTING = """\
# --8<-- [start:table]
for i in range(3):
    print(f"row {i}: {SCALE * i}")
# --8<-- [end:table]
"""

EMBED_AND_OUTPUT = """\
```python title="src/table.py"
--8<-- "table.py:table"
```

```text title="Output"
row 0: 0
row 1: 2
row 2: 4
```
"""
# The same embed and Output fence, at the top level and indented inside an admonition
OUTPUT_CHAPTER = (
    "```pycon\n>>> SCALE = 2\n```\n\n"
    + EMBED_AND_OUTPUT
    + '\n??? note "The same, indented"\n\n'
    + textwrap.indent(EMBED_AND_OUTPUT, "    ")
)


def test_output_fences_are_rewritten_at_their_indent(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "table.py").write_text(PRINTING)
    path = tmp_path / "chapter.md"
    path.write_text(OUTPUT_CHAPTER.replace("SCALE = 2", "SCALE = 3"))
    report = update_file(path, tmp_path / "src")
    assert report.changed == [5, 17] and not report.broken
    expected = OUTPUT_CHAPTER.replace("SCALE = 2", "SCALE = 3")
    expected = expected.replace("row 1: 2", "row 1: 3").replace("row 2: 4", "row 2: 6")
    assert path.read_text() == expected
    assert update_file(path, tmp_path / "src").changed == []  # a second run changes nothing


SOLUTION_CHAPTER = """\
# A chapter

??? success "Solution"

    ```pycon
    >>> x = 3
    >>> for i in range(2):
    ...     print(i * x)
    0
    3
    >>> x + 1
    4
    ```
"""


def test_later_examples_of_an_indented_fence_are_rewritten_in_place(tmp_path: Path) -> None:
    """In a solution box, the second and third examples' outputs are rewritten, not the lines
    before them (their source lines stay)."""
    path = tmp_path / "chapter.md"
    path.write_text(SOLUTION_CHAPTER.replace(">>> x = 3", ">>> x = 5"))
    old = path.read_text()
    report = update_file(path, tmp_path)
    assert report.changed == [7, 11] and not report.broken
    assert changed_lines(old, path.read_text()) == [
        (10, "    3\n", "    5\n"),
        (12, "    4\n", "    6\n"),
    ]


CLOSED_BLOCKS = """\
```pycon
>>> x = 3
>>> for i in range(2):
...     print(i * x)
...
0
3
>>> x + 1
4
```

??? success "Solution"

    ```pycon
    >>> if x > 0:
    ...     print(x)
    ...
    3
    ```
"""


def test_a_bare_continuation_line_that_closes_a_block_stays_a_source_line(tmp_path: Path) -> None:
    """Pasted into Python's prompt, a block ends with a bare `...` line before its output. Its
    example's source has no line for it, and the output after it is rewritten, not the `...`."""
    path = tmp_path / "chapter.md"
    path.write_text(CLOSED_BLOCKS.replace(">>> x = 3", ">>> x = 5"))
    old = path.read_text()
    report = update_file(path, tmp_path)
    assert report.changed == [3, 8, 15] and not report.broken
    assert changed_lines(old, path.read_text()) == [
        (7, "3\n", "5\n"),
        (9, "4\n", "6\n"),
        (18, "    3\n", "    5\n"),
    ]
    assert update_file(path, tmp_path).changed == []  # a second run changes nothing


def test_a_block_closed_by_a_bare_continuation_line_keeps_it(tmp_path: Path) -> None:
    """A loop closed by a bare `...` line, as the classic prompt shows it: doctest's source
    for it has one line fewer than the text, and the rewrite must still start after the `...`."""
    chapter = CHAPTER.replace(
        "...     print(answer(i))\n41\n", "...     print(answer(i))\n...\n41\n"
    )
    path = make_project(tmp_path, chapter.replace("42\n>>> answer(-1)", "43\n>>> answer(-1)"))
    before = path.read_text(encoding="utf-8")
    update_file(path, tmp_path / "src")
    after = path.read_text(encoding="utf-8")
    assert changed_lines(before, after) == [(17, "43\n", "42\n")]
    assert "...     print(answer(i))\n...\n41\n42\n>>> answer(-1)" in after
