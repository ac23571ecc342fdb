"""The exercises that end a chapter, and what makes them well formed.

A chapter's last section, `## Exercises`, holds 3 to 5 exercises. Each is a heading,
`### Exercise 5.1: Title`, the task, and then, as its last block, a solution folded in a
collapsible admonition that is closed by default, `??? success "Solution"`, whose content
(indented 4 spaces) holds console examples the doc tests run. After the exercises the page
may close with a `Next: [N. Title](page.md)` paragraph, its pointer to the next chapter.
tests/test_exercises.py checks the chapters with `problems`; the site tests find the exercises
with `exercises`.
"""

import re
from dataclasses import dataclass

SECTION = "## Exercises"
HEADING = re.compile(r"^### Exercise (?P<number>\d+\.\d+): (?P<title>\S.*)$")
SOLUTION = '??? success "Solution"'
BOX = re.compile(r"^(?:\?\?\?\+?|!!!) ")  # any admonition, collapsible or not, at column 0
INDENT = "    "  # a box's content
PROMPT = re.compile(r"^ *>>> ")
CHAPTER_NUMBER = re.compile(r"^# (?P<number>\d+)\. ", re.MULTILINE)
NEXT = "Next: ["  # the page's closing pointer to the next chapter, after the exercises
FEWEST, MOST = 3, 5


@dataclass
class Exercise:
    """One exercise: its heading, its task, and the lines of its solution box, if any."""

    number: str  # "5.1"
    title: str  # as written, Markdown included
    line: int  # the heading's line, counted from 1
    task: list[str]  # the lines between the heading and the solution
    solution: list[str] | None  # the box's lines, from its `???` line on; None when missing
    solution_line: int = 0  # the line of its `???`, counted from 1

    @property
    def examples(self) -> int:
        """The console examples (`>>>` lines) in the solution."""
        return sum(bool(PROMPT.match(line)) for line in self.solution or [])


def section_lines(markdown: str) -> tuple[int, list[str]] | None:
    """The index of the Exercises heading among the page's lines, and the lines after it."""
    lines = markdown.splitlines()
    if SECTION not in lines:
        return None
    start = lines.index(SECTION)
    end = next((i for i, line in enumerate(lines) if i > start and line.startswith(NEXT)), None)
    return start, lines[start + 1 : end]


def exercises(markdown: str) -> list[Exercise]:
    """The exercises of a page's Exercises section, in order (none without one)."""
    found = section_lines(markdown)
    if found is None:
        return []
    start, lines = found
    headings = [i for i, line in enumerate(lines) if line.startswith("### ")] + [len(lines)]
    result = []
    for i, end in zip(headings, headings[1:]):
        heading = HEADING.match(lines[i])
        number, title = (heading["number"], heading["title"]) if heading else ("?", lines[i])
        body = lines[i + 1 : end]
        boxes = [k for k, line in enumerate(body) if line.strip() == SOLUTION]
        k = boxes[0] if boxes else len(body)
        exercise = Exercise(number, title, start + i + 2, body[:k], body[k:] or None)
        exercise.solution_line = start + i + 2 + k + 1 if boxes else 0
        result.append(exercise)
    return result


def problems(markdown: str) -> list[str]:
    """What is wrong with a page's exercises, one line each; empty when they are well formed."""
    found = section_lines(markdown)
    if found is None:
        return [f"no '{SECTION}' section"]
    _, lines = found
    out = []
    if any(line.startswith("## ") or line.startswith("# ") for line in lines):
        out.append(f"'{SECTION}' is not the page's last section")
    chapter = CHAPTER_NUMBER.search(markdown)
    listed = exercises(markdown)
    if not FEWEST <= len(listed) <= MOST:
        out.append(f"{len(listed)} exercises, not {FEWEST} to {MOST}")
    for n, exercise in enumerate(listed, start=1):
        where = f"line {exercise.line}"
        expected = f"{chapter['number']}.{n}" if chapter else exercise.number
        if not HEADING.match(f"### Exercise {exercise.number}: {exercise.title}"):
            out.append(f"{where}: heading is not '### Exercise N.M: Title'")
        elif exercise.number != expected:
            out.append(f"{where}: Exercise {exercise.number} should be numbered {expected}")
        if not "".join(exercise.task).strip():
            out.append(f"{where}: the exercise says nothing before its solution")
        if any(BOX.match(line) for line in exercise.task):
            out.append(f"{where}: a box other than '{SOLUTION}' (an open '???+' one?)")
        if exercise.solution is None:
            out.append(f"{where}: no '{SOLUTION}' box after the exercise")
            continue
        after = [line for line in exercise.solution[1:] if line.strip()]
        if any(not line.startswith(INDENT) for line in after):
            out.append(f"{where}: text after the solution box; the solution must come last")
        if not exercise.examples:
            out.append(f"{where}: the solution has no console example")
    return out
