"""Paste code blocks into Python's interactive prompts as a learner does, and check what shows.

A learner clicks a code block's copy button, pastes into a prompt in a terminal and presses
Enter. Here a pseudo-terminal (pexpect) stands in for the terminal, and each prompt reads the
paste its own way:

- Python's own prompt (3.11 and 3.12; 3.13 with PYTHON_BASIC_REPL=1) never turns bracketed
  paste on, so a terminal sends a paste as if it were typed, line by line. Each statement runs
  on its own: an error stops only that statement, and every expression statement's value is
  echoed, inside a loop too.
- IPython turns bracketed paste on (ESC[?2004h), so a terminal wraps the paste in ESC[200~ …
  ESC[201~ and the whole paste becomes one cell: the cell stops at its first exception, and
  only the value of its last statement, if that is an expression, is displayed, pretty-printed
  as `Out[n]: value`.
- Python 3.13's new prompt (PyREPL) turns bracketed paste on too, and takes the paste as one
  input whose statements run in turn: an error stops only its statement, and only the last
  statement echoes values, plainly (inside a loop too).
"""

import ast
import doctest
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pexpect

from tutorial_tools.sybil_parsers import OPERATION_NAME

PROMPTS = ("python", "ipython")  # and "pyrepl", given a Python 3.13 or later with torch
# Escape sequences: CSI (colours, cursor moves, modes), OSC (the window title), charset and
# keypad selections, and the bell.
ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x07"
)
ECHO = re.compile(r"^(?:>>>|\.\.\.)(?: |$)")  # a line the classic prompt echoes as it reads it
DISPLAY = re.compile(r"^Out\[\d+\]: ?")  # IPython's display of a cell's value
# The last line of a traceback, which names the exception (IPython's first line names it too,
# with no colon after it).
ERROR = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception|Interrupt)(?::|$)")
BRACKETED_ON, BRACKETED_OFF = "\x1b[?2004h", "\x1b[?2004l"  # a prompt ready, input taken
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"  # what a terminal wraps a paste in
ENTER = "\r"  # what the Return key sends; terminals send it for each newline of a paste too
# Run at start-up (PYTHONSTARTUP, which IPython honours too) without leaving a name behind: a
# learner has torch, numpy and matplotlib, but not this project's packages.
BLOCK_PROJECT = '__import__("sys").modules.update(dict.fromkeys(("linreg", "tutorial_tools")))\n'
SETTINGS_TO_DROP = (
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "PYTHON_BASIC_REPL",
    "COLUMNS",
    "LINES",
)


@dataclass
class Block:
    """A code block as a learner meets it: what its copy button copies, and what the page shows
    it print, as a console session (prompts and outputs) or as the Output fence after it."""

    copied: str
    session: str = ""
    output: str = ""


@dataclass
class Pasted:
    """What a prompt printed for one paste, and whether one Enter was enough to run it all."""

    output: str
    finished: bool


def screen_lines(text: str) -> list[str]:
    """The lines a terminal shows for `text`: escape sequences dropped, and a carriage return
    overwriting its line from the start."""
    lines = []
    for raw in ESCAPE.sub("", text).split("\n"):
        line = ""
        for part in raw.split("\r"):
            line = part + line[len(part) :]
        lines.append(line.rstrip())
    return lines


def collapse(text: str) -> str:
    """`text` on one line, each run of whitespace a single space."""
    return " ".join(text.split())


def output_lines(text: str, prompt: str) -> list[str]:
    """The lines a prompt printed for a paste, comparable with the page's: without the input the
    classic prompt echoes, each IPython `Out[n]:` display on one line, and without the operation
    name torch 2.15 puts in shape errors (the pages show the message without it)."""
    lines = [OPERATION_NAME.sub(r"\g<type>: ", line) for line in screen_lines(text)]
    if prompt == "python":
        return [line for line in lines if not ECHO.match(line)]
    if prompt == "pyrepl":
        return lines  # the input was echoed before it was taken
    joined: list[str] = []
    for line in lines:
        if joined and DISPLAY.match(joined[-1]) and line:  # a display runs to a blank line
            joined[-1] += " " + line
        else:
            joined.append(line)
    return [collapse(DISPLAY.sub("", line)) if DISPLAY.match(line) else line for line in joined]


def shown_lines(example: doctest.Example) -> list[str]:
    """The output lines the page shows for one console example; for an exception only the line
    naming it, as the page elides the traceback with `...`."""
    return (example.want if example.exc_msg is None else example.exc_msg).splitlines()


def is_echoed_value(example: doctest.Example) -> bool:
    """Whether an example's output is the value the prompt echoes: an expression statement that
    raises nothing, other than a print() call (whose output is printed and whose None is not)."""
    *_, statement = ast.parse(example.source).body
    call = statement.value if isinstance(statement, ast.Expr) else None
    printing = isinstance(call, ast.Call) and getattr(call.func, "id", None) == "print"
    return isinstance(statement, ast.Expr) and not printing and example.exc_msg is None


def expected_lines(block: Block, prompt: str) -> list[str]:
    """The lines the page shows for a block, as `prompt` shows them: everything at Python's
    prompt; in IPython and PyREPL, printed output and errors, but the echoed value of an
    expression only for the block's last statement (in IPython on one line, as `output_lines`
    turns its display)."""
    examples = doctest.DocTestParser().get_examples(block.session)
    lines = block.output.splitlines()
    for index, example in enumerate(examples):
        if prompt == "python" or not is_echoed_value(example):
            lines += shown_lines(example)
        elif index < len(examples) - 1:
            continue  # only the last statement's value shows
        elif prompt == "pyrepl":
            lines += shown_lines(example)
        elif example.want:
            lines.append(collapse(example.want))
    return lines


def missing_lines(expected: list[str], got: list[str]) -> list[str]:
    """The expected lines that `got` lacks, reading both in order (`expected` must be a
    subsequence of `got`)."""
    missing, position = [], 0
    for line in expected:
        try:
            position = got.index(line, position) + 1
        except ValueError:
            missing.append(line)
    return missing


def unexpected_errors(expected: list[str], got: list[str]) -> list[str]:
    """The exception lines in `got` (SyntaxError: …, NameError: …) that `expected` lacks."""
    shown = Counter(line for line in expected if ERROR.match(line))
    unexpected = []
    for line in filter(ERROR.match, got):
        if shown[line]:
            shown[line] -= 1
        else:
            unexpected.append(line)
    return unexpected


def paste_problems(block: Block, pasted: Pasted, prompt: str) -> list[str]:
    """What a learner finds wrong after pasting `block`: unfinished input, exceptions the page
    does not show, and lines the page shows that the prompt did not print."""
    expected, got = expected_lines(block, prompt), output_lines(pasted.output, prompt)
    problems = [] if pasted.finished else ["the prompt had not run it all after one Enter"]
    problems += [f"unexpected {line}" for line in unexpected_errors(expected, got)]
    return problems + [f"missing {line!r}" for line in missing_lines(expected, got)]


def learner_env(home: Path, prompt: str) -> dict[str, str]:
    """A learner's terminal settings: only torch and the like importable (not this project's
    packages), figures drawn off-screen (Agg), IPython with a fresh profile in `home`."""
    startup = home / "startup.py"
    startup.write_text(BLOCK_PROJECT, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_TO_DROP}
    env.update(TERM="xterm-256color", MPLBACKEND="Agg", PYTHONSTARTUP=str(startup))
    env.update(IPYTHONDIR=str(home / "ipython"), PROMPT_TOOLKIT_NO_CPR="1")
    if prompt == "python":
        env["PYTHON_BASIC_REPL"] = "1"  # Python 3.13 and later: the classic prompt
    return env


def pyrepl_python(root: Path) -> str | None:
    """A Python whose prompt is the new one (3.13 or later): this one, else the repository's
    `.venv-py3.13`; None without either."""
    if sys.version_info >= (3, 13):
        return sys.executable
    venv = root / ".venv-py3.13" / "bin" / "python"
    return str(venv) if venv.is_file() else None


def prompt_command(prompt: str, python: str) -> list[str]:
    """The command that starts `prompt` with the interpreter `python`."""
    if prompt == "ipython":
        return [python, "-m", "IPython", "--no-banner"]
    return [python, "-q", "-i"]


class Prompt:
    """An interactive Python in a pseudo-terminal, which a learner pastes code blocks into."""

    def __init__(self, prompt: str, python: str, folder: Path, home: Path, timeout: float = 120):
        """Start `prompt` in `folder`; `home` holds its start-up file and IPython profile."""
        command = prompt_command(prompt, python)
        self.kind = prompt
        self.bracketed = prompt != "python"  # IPython and PyREPL turn bracketed paste on
        self.pastes = 0
        self.child = pexpect.spawn(
            command[0],
            command[1:],
            cwd=folder,
            env=learner_env(home, prompt),
            encoding="utf-8",
            dimensions=(50, 200),  # wide enough that echoed input never wraps
            timeout=timeout,
        )
        self.child.expect_exact(BRACKETED_ON if self.bracketed else ">>> ")

    def paste(self, text: str) -> Pasted:
        """Paste `text` as a terminal does, press Enter, and return what the prompt printed."""
        self.pastes += 1
        return self._paste_bracketed(text) if self.bracketed else self._paste_lines(text)

    def _paste_lines(self, text: str) -> Pasted:
        """Paste into the classic prompt; a print() call typed after it marks where it ends.

        The paste, its Enter and the print() go in one write, so that the terminal holds them
        all (up to 4 KB) while the prompt reads: text that arrives while code runs is echoed
        by the terminal itself, into the middle of that code's output."""
        check = f'print("<paste %d done>" % {self.pastes})'
        self.write(text.replace("\n", ENTER) + ENTER + check + ENTER)
        done = re.escape(f"<paste {self.pastes} done>") + r"\r\n"
        # Still inside the pasted statement, the prompt compiles the print() call with it and
        # shows a SyntaxError that quotes it (3.13 colours `print`): the learner's next paste
        # would meet that.
        colour = r"(?:\x1b\[[\d;]*m)*"
        swallowed = rf'\n {{4}}{colour}print{colour}\("<paste %d done>" % {self.pastes}\)\r\n'
        finished = self.child.expect([done, swallowed]) == 0
        output = self.child.before + ("" if finished else self.child.after)
        self.child.expect_exact(">>> ")
        return Pasted(output + ("" if finished else self.child.before), finished)

    def _paste_bracketed(self, text: str) -> Pasted:
        """Paste with bracketed-paste markers; press Enter again while the prompt keeps the
        input (as a learner would, so the blocks after it still run)."""
        self.write(PASTE_START + text.replace("\n", ENTER) + PASTE_END + ENTER)
        enters = 1
        while self.child.expect_exact([BRACKETED_OFF, pexpect.TIMEOUT], timeout=5) == 1:
            if enters == 3:
                raise RuntimeError(f"three Enters did not run paste {self.pastes}: {text!r}")
            self.write(ENTER)
            enters += 1
        self.child.expect_exact(BRACKETED_ON)
        return Pasted(self.child.before, enters == 1)

    def write(self, text: str) -> None:
        """Send `text` whole, as a terminal sends a paste (one write may take only part)."""
        data = text.encode()
        while data:
            data = data[os.write(self.child.child_fd, data) :]

    def close(self) -> None:
        """End the interpreter."""
        self.child.close(force=True)
