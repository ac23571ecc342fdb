"""Every chapter ends with exercises, each followed by a closed solution whose examples the doc
tests run, like every other example on the page."""

import ast
import doctest
import re
from pathlib import Path

import pytest
from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser

from tutorial_tools.exercises import SECTION, SOLUTION, exercises, problems
from tutorial_tools.notebooks import CHAPTERS
from tutorial_tools.snippets import expand_embeds
from tutorial_tools.sybil_parsers import PyconParser, SnippetParser

ROOT = Path(__file__).resolve().parent.parent
DOCS, SRC = ROOT / "docs", ROOT / "src"
REQUIRED = [f"{chapter}.md" for chapter in CHAPTERS]  # every chapter must have exercises
# ... and any other page that has an Exercises section is held to the same rules
PAGES = REQUIRED + sorted(
    path.name
    for path in DOCS.glob("*.md")
    if path.name not in REQUIRED and f"\n{SECTION}\n" in path.read_text(encoding="utf-8")
)
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=indent)```",
    re.MULTILINE | re.DOTALL,
)


def read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def parsers() -> list:
    """The parsers docs/conftest.py gives Sybil."""
    return [SnippetParser(SRC), PyconParser(), PythonCodeBlockParser()]


def line_of(text: str, offset: int) -> int:
    """The line (counted from 1) that holds `offset`."""
    return text.count("\n", 0, offset) + 1


def solution_span(name: str, number: str) -> tuple[int, int]:
    """First and last line (from 1) of exercise `number`'s solution box on page `name`."""
    exercise = next(e for e in exercises(read(name)) if e.number == number)
    return exercise.solution_line, exercise.solution_line + len(exercise.solution) - 1


@pytest.mark.parametrize("name", PAGES)
def test_each_chapter_ends_with_exercises_each_with_a_closed_solution(name: str) -> None:
    """3 to 5 exercises, numbered by chapter, each followed by a `??? success "Solution"` box
    (closed: `???`, not `???+`) that comes last and holds at least one console example."""
    assert problems(read(name)) == []


@pytest.mark.parametrize("name", PAGES)
def test_every_solution_example_is_run_by_the_doc_tests(name: str) -> None:
    """Sybil collects every `>>>` example and every hidden check inside each solution box."""
    text = read(name)
    examples = list(Sybil(parsers()).parse(DOCS / name))
    lines = text.splitlines()
    for exercise in exercises(text):
        first, last = solution_span(name, exercise.number)
        inside = [e for e in examples if first <= line_of(text, e.region.start) <= last]
        consoles = [e for e in inside if isinstance(e.region.parsed, doctest.Example)]
        prompts = [i for i in range(first, last + 1) if lines[i - 1].lstrip().startswith(">>> ")]
        assert [line_of(text, e.region.start) for e in consoles] == prompts, exercise.number
        assert len(consoles) == exercise.examples >= 1
        hidden = sum("invisible-code-block" in line for line in lines[first - 1 : last])
        assert len(inside) - len(consoles) == hidden, exercise.number


@pytest.mark.parametrize("name", PAGES)
def test_a_changed_digit_in_a_solution_fails_the_doc_tests(name: str, tmp_path: Path) -> None:
    """Edit one digit of the last solution's shown output: the page's doc tests fail there."""
    text = read(name)
    first, last = solution_span(name, exercises(text)[-1].number)
    lines = text.splitlines(keepends=True)
    outputs = [
        i
        for fence in FENCE.finditer(text)
        if fence["info"].strip() == "pycon" and first <= line_of(text, fence.start()) <= last
        for i in range(line_of(text, fence.start("body")), line_of(text, fence.end("body")))
        if not lines[i - 1].lstrip().startswith((">>>", "...")) and re.search(r"\d", lines[i - 1])
    ]
    assert outputs, "the last solution shows no output with a digit"
    line = lines[outputs[0] - 1]
    digit = re.search(r"\d", line)
    changed = line[: digit.start()] + str((int(digit[0]) + 1) % 10) + line[digit.end() :]
    lines[outputs[0] - 1] = changed
    page = tmp_path / name
    page.write_text("".join(lines), encoding="utf-8")
    for example in Sybil(parsers()).parse(DOCS / name):  # the page as it is passes
        example.evaluate()
    with pytest.raises(Exception, match=re.escape(changed.strip())):
        for example in Sybil(parsers()).parse(page):
            example.evaluate()


class Names(ast.NodeVisitor):
    """The names a piece of code binds at the top level of a session (not inside functions)."""

    def __init__(self) -> None:
        self.bound: set[str] = set()

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store):
            self.bound.add(node.id)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.bound.add(node.name)  # its body is a scope of its own

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        self.bound |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}

    visit_ImportFrom = visit_Import
    visit_ClassDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        pass  # a scope of its own

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self.visit(node.iter)  # its loop variable is local to the comprehension
        for condition in node.ifs:
            self.visit(condition)


def bound_names(markdown: str) -> set[str]:
    """The names the code blocks of `markdown` bind, as a reader pasting them would."""
    names = Names()
    for fence in FENCE.finditer(markdown):
        body = "".join(
            line.removeprefix(fence["indent"]) for line in fence["body"].splitlines(keepends=True)
        )
        language = fence["info"].split()[0] if fence["info"].strip() else ""
        if language == "pycon":
            code = "".join(e.source for e in doctest.DocTestParser().get_examples(body))
        elif language == "python":
            code = expand_embeds(body, SRC) or ""
        else:
            continue
        names.visit(ast.parse(code))
    return names.bound - {"_"}


@pytest.mark.parametrize("name", PAGES)
def test_solutions_leave_the_pages_names_alone(name: str) -> None:
    """A solution works on names of its own (copies, fresh tensors): it never rebinds a name the
    page made before its exercises, so nothing the page or a later solution uses changes."""
    text = read(name)
    body, _, _ = text.partition(f"\n{SECTION}\n")
    page_names = bound_names(body)
    assert {"X", "y", "W", "b"} <= page_names
    for exercise in exercises(text):
        rebound = bound_names("\n".join(exercise.solution)) & page_names
        assert not rebound, f"{name} exercise {exercise.number} rebinds {sorted(rebound)}"


@pytest.mark.parametrize("name", PAGES)
def test_solution_code_fits_in_79_columns(name: str) -> None:
    """Each code line of a solution, as the reader sees it (without the box's indent)."""
    long = [
        line
        for exercise in exercises(read(name))
        for line in exercise.solution
        if line.lstrip().startswith((">>>", "...")) and len(line.removeprefix("    ")) > 79
    ]
    assert not long


GOOD = """\
# 9. A chapter

Text.

## Exercises

Predict, then run.

### Exercise 9.1: One

Try this.

??? success "Solution"

    ```pycon
    >>> 1 + 1
    2
    ```

### Exercise 9.2: Two

Try that.

??? success "Solution"

    Because:

    ```pycon
    >>> 2 * 3
    6
    ```

    <!-- invisible-code-block: python
    assert 2 * 3 == 6
    -->

### Exercise 9.3: Three

And this.

??? success "Solution"

    ```pycon
    >>> 3
    3
    ```
"""


def test_a_well_formed_page_has_no_problems() -> None:
    assert problems(GOOD) == []
    assert [(e.number, e.title, e.examples) for e in exercises(GOOD)] == [
        ("9.1", "One", 1),
        ("9.2", "Two", 1),
        ("9.3", "Three", 1),
    ]
    assert [e.solution_line for e in exercises(GOOD)] == [13, 24, 41]


def test_a_closing_next_paragraph_is_not_part_of_the_last_exercise() -> None:
    page = GOOD + "\nNext: [10. More](more.md), where it goes on.\n"
    assert problems(page) == []
    solution = [line for line in exercises(page)[-1].solution if line.strip()]
    assert solution == [line for line in exercises(GOOD)[-1].solution if line.strip()]


def test_text_other_than_next_after_the_last_solution_is_reported() -> None:
    page = GOOD + "\nSee [10. More](more.md).\n"
    assert any("line 37: text after the solution box" in p for p in problems(page))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("Exercises\n", "Exercise list\n"), "no '## Exercises' section"),
        (("### Exercise 9.3: Three", "Three"), "2 exercises, not 3 to 5"),
        (('Try this.\n\n??? success "Solution"', "Try this."), "line 9: no '??? success"),
        (
            ('??? success "Solution"\n\n    ```pycon\n    >>> 1 + 1\n    2\n    ```\n', "x\n"),
            "line 9: no '??? success",
        ),
        (("    >>> 3\n    3\n", "    3\n"), "line 37: the solution has no console example"),
        (
            ('And this.\n\n??? success "Solution"', 'And this.\n\n???+ success "Solution"'),
            "line 37: a box other than",
        ),
        (
            ("Try this.\n\n", 'Try this.\n\n??? tip "Hint"\n\n    Add.\n\n'),
            "line 9: a box other than",
        ),
        (("    2\n    ```\n", "    2\n    ```\n\nAfter.\n"), "line 9: text after the solution box"),
        (("Try this.\n", ""), "line 9: the exercise says nothing"),
        (("Exercise 9.2", "Exercise 9.5"), "line 20: Exercise 9.5 should be numbered 9.2"),
        (("### Exercise 9.1: One", "### One"), "heading is not"),
        (("    ```\n", "    ```\n\n## Next\n", 1), "is not the page's last section"),
    ],
)
def test_a_badly_formed_exercise_is_reported(change: tuple, problem: str) -> None:
    """No solution, a solution without an example, an open box, text after it, a wrong number..."""
    page = GOOD.replace(*change)
    assert page != GOOD
    found = problems(page)
    assert any(problem in p for p in found), found


def test_required_chapters_are_the_notebook_chapters() -> None:
    """A new chapter listed in tutorial_tools.notebooks.CHAPTERS must have exercises too."""
    assert set(REQUIRED) <= set(PAGES) and {"model.md", "loss.md", "training.md"} <= set(PAGES)
    assert all(SOLUTION in read(name) for name in PAGES)
