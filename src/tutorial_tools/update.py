"""Update mode: rewrite the expected output of every console example from a real run."""

import contextlib
import doctest
import io
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser

from tutorial_tools.sybil_parsers import PyconParser, SnippetParser


@dataclass
class Report:
    """What one update run did to one chapter."""

    path: Path
    changed: list[int] = field(default_factory=list)  # lines of examples whose output was rewritten
    broken: list[str] = field(default_factory=list)  # examples that raised unexpectedly
    claims: list[str] = field(default_factory=list)  # hidden checks of prose numbers that now fail


def run_example(example: doctest.Example, namespace: dict) -> tuple[str, BaseException | None]:
    """Run one `>>>` example as the interactive interpreter would; return its output and error."""
    out = io.StringIO()
    shown = []
    hook = sys.displayhook
    sys.displayhook = lambda value: shown.append(value) if value is not None else None
    error = None
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(example.source, "<example>", "single"), namespace)
            for value in shown:
                print(repr(value))
            namespace["_"] = shown[-1] if shown else namespace.get("_")
    except Exception as exc:  # the example's own failure is data here
        error = exc
    finally:
        sys.displayhook = hook
    return out.getvalue(), error


def exception_text(error: BaseException) -> str:
    """The expected-output text doctest wants for an exception: header, ellipsis, last line."""
    last = traceback.format_exception_only(type(error), error)[-1]
    return "Traceback (most recent call last):\n    ...\n" + last


def update_file(path: Path, src: Path) -> Report:
    """Rewrite the outputs of `path`'s console examples in place; leave everything else alone."""
    sybil = Sybil(parsers=[SnippetParser(src), PyconParser(), PythonCodeBlockParser()])
    document = sybil.parse(path)
    text = document.text
    report = Report(path)
    edits = []
    for example in document:
        parsed = example.region.parsed
        if not isinstance(parsed, doctest.Example):
            try:
                example.evaluate()
            except Exception as exc:
                hidden = "directive" in example.region.lexemes  # <!-- invisible-code-block -->
                target = report.claims if hidden else report.broken
                target.append(f"{path.name}:{example.line}: {type(exc).__name__}: {exc}")
            continue
        got, error = run_example(parsed, example.namespace)
        if error is not None:
            if parsed.exc_msg is None:
                report.broken.append(f"{path.name}:{example.line}: {type(error).__name__}: {error}")
                continue
            got += exception_text(error)
        if got != parsed.want:
            edits.append((example.region, parsed, got))
            report.changed.append(example.line)
    for region, parsed, got in reversed(edits):  # back to front, so earlier offsets stay valid
        text = replace_want(text, region.start, parsed.want, got)
    if edits:
        path.write_text(text, encoding="utf-8")
    return report


def replace_want(text: str, start: int, want: str, got: str) -> str:
    """Swap the output lines of the example at `start` (its `>>>`/`...` lines, then `want`) for `got`."""
    line_start = text.rfind("\n", 0, start) + 1
    indent = text[line_start:start]
    lines = text[line_start:].splitlines(keepends=True)
    n_source = 1  # the >>> line, then its ... continuation lines
    while n_source < len(lines) and (
        lines[n_source].startswith(indent + "... ")
        or lines[n_source].rstrip("\n") == indent + "..."
    ):
        n_source += 1
    n_want = want.count("\n")
    head = "".join(lines[:n_source])
    tail = "".join(lines[n_source + n_want :])
    new_want = "".join(
        indent + line if line.strip() else line for line in got.splitlines(keepends=True)
    )
    return text[:line_start] + head + new_want + tail
