"""Update mode: rewrite the expected outputs (console examples, Output fences) from a real run.

Run it from the repository root after changing `src/` on purpose:

    python -m tutorial_tools.update            # every docs/*.md
    python -m tutorial_tools.update docs/model.md

Only output lines that differ are rewritten; prose, code and formatting stay byte-identical,
and a second run changes nothing. Examples that raise unexpectedly and hidden checks of
prose numbers that no longer hold are reported, never edited: a person has to re-read those.
"""

import argparse
import contextlib
import doctest
import io
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sybil import Example, Sybil
from sybil.parsers.markdown import PythonCodeBlockParser

from tutorial_tools.sybil_parsers import (
    Embed,
    Output,
    PyconParser,
    SnippetParser,
    TorchOutputChecker,
)

# doctest's own header line for an expected exception
TRACEBACK_HEADER = "Traceback (most recent call last):\n"


@dataclass
class Report:
    """What one update run found in one chapter."""

    path: Path
    changed: list[int] = field(default_factory=list)  # lines of examples whose output was rewritten
    broken: list[str] = field(default_factory=list)  # examples that raised unexpectedly
    claims: list[str] = field(default_factory=list)  # hidden checks of prose numbers that now fail

    def lines(self) -> list[str]:
        """Human-readable lines: what was rewritten, what needs a person."""
        out = [f"{self.path}: rewrote the output at line {line}" for line in self.changed]
        out += [f"{self.path}:{item} (broken example, not rewritten)" for item in self.broken]
        out += [
            f"{self.path}:{item} (prose number no longer holds: re-read it)" for item in self.claims
        ]
        return out


def run_source(source: str, namespace: dict) -> tuple[str, Exception | None]:
    """Run one `>>>` example as doctest does; return what it printed and what it raised."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            exec(compile(source, "<example>", "single", dont_inherit=True), namespace)  # noqa: S102
        except Exception as error:  # noqa: BLE001 (the example's own failure is data here)
            return out.getvalue(), error
    return out.getvalue(), None


def options_flags(example: doctest.Example) -> int:
    """The doctest option flags an example switches on with `# doctest: +FLAG` comments."""
    return sum(flag for flag, on in example.options.items() if on)


def new_output(example: doctest.Example, got: str, error: Exception | None) -> str | None:
    """The output text doctest would accept now, or None when the written one still passes."""
    checker, flags = TorchOutputChecker(), options_flags(example)
    if error is None:
        got = "".join("<BLANKLINE>\n" if line == "\n" else line for line in got.splitlines(True))
        return None if checker.check_output(example.want, got, flags) else got
    last = traceback.format_exception_only(type(error), error)[-1]
    if checker.check_output(example.exc_msg, last, flags):
        return None
    # keep the written traceback header and stack lines, replace the printed output and message
    stack = example.want[
        example.want.find("Traceback (") : len(example.want) - len(example.exc_msg)
    ]
    return got + (stack or TRACEBACK_HEADER) + last


def skip_lines(text: str, start: int, count: int) -> int:
    """The offset just after `count` more lines of `text` from `start` (or its end)."""
    for _ in range(count):
        end = text.find("\n", start)
        start = len(text) if end == -1 else end + 1
    return start


def skip_prompt_lines(text: str, line_start: int) -> int:
    """The offset after the `>>>` line at `line_start` and the `...` lines that follow it, as
    doctest reads them: a bare `...` closing a block counts, though the source it adds is empty
    (so `example.source` has one line fewer than the text)."""
    start = skip_lines(text, line_start, 1)
    while start < len(text):
        end = skip_lines(text, start, 1)
        if not text[start:end].lstrip(" ").startswith("..."):
            break
        start = end
    return start


def replace_output(text: str, start: int, example: doctest.Example, got: str) -> str:
    """Swap the output lines of the example at `start` (after its `>>>`/`...` lines) for `got`."""
    line_start = text.rfind("\n", 0, start) + 1
    indent = text[line_start : text.index(">>>", line_start)]  # the fence's indent, then doctest's
    want_start = skip_prompt_lines(text, line_start)
    want_end = skip_lines(text, want_start, example.want.count("\n"))
    new = "".join(indent + line for line in got.splitlines(keepends=True))
    if not text[want_start:want_end].endswith("\n") and example.want:
        new = new.rstrip("\n")  # the example ended the file without a newline
    return text[:want_start] + new + text[want_end:]


def replace_fence_body(text: str, output: Output, printed: str) -> str:
    """Swap an Output fence's body for what the embedded code printed, at the fence's indent."""
    lines = printed.splitlines(keepends=True)
    new = "".join(output.indent + line if line.strip() else line for line in lines)
    return text[: output.start] + new + text[output.end :]


def failure(example: Example, error: Exception) -> str:
    """`line: the check's first source line: ErrorType: message` for the report."""
    parsed = example.parsed
    if isinstance(parsed, doctest.Example):
        source = parsed.source.splitlines()
    else:
        source = (parsed.code if isinstance(parsed, Embed) else str(parsed)).splitlines()
    first = source[0] if source else ""
    return f"{example.line}: {first}: {type(error).__name__}: {error}".rstrip(": ")


def update_file(path: Path, src: Path) -> Report:
    """Rewrite the outputs of `path`'s console examples in place; leave everything else alone."""
    sybil = Sybil(parsers=[SnippetParser(src), PyconParser(), PythonCodeBlockParser()])
    document = sybil.parse(path)
    report, edits = Report(path), []
    for example in document:
        parsed = example.region.parsed
        if isinstance(parsed, Embed) and parsed.output is not None:  # an embed and its Output
            try:
                printed = parsed.run(example.namespace, f"{path}:{example.line}")
            except Exception as error:  # noqa: BLE001 (reported, not raised)
                report.broken.append(failure(example, error))
                continue
            if printed != parsed.output.text:
                edits.append((example.region, parsed.output, printed))
                report.changed.append(example.line)
            continue
        if not isinstance(parsed, doctest.Example):  # an embedded section or a hidden check
            try:
                example.evaluate()
            except Exception as error:  # noqa: BLE001 (any failure is reported, not raised)
                hidden = "directive" in example.region.lexemes  # <!-- invisible-code-block -->
                (report.claims if hidden else report.broken).append(failure(example, error))
            continue
        got, error = run_source(parsed.source, example.namespace)
        if error is not None and parsed.exc_msg is None:
            report.broken.append(failure(example, error))
            continue
        output = new_output(parsed, got, error)
        if output is not None:
            edits.append((example.region, parsed, output))
            report.changed.append(example.line)
    if edits:
        write(path, document.text, edits)
    return report


def write(path: Path, text: str, edits: list) -> None:
    """Apply the edits back to front (so earlier offsets stay valid), keeping line endings."""
    for region, parsed, output in reversed(edits):
        if isinstance(parsed, Output):
            text = replace_fence_body(text, parsed, output)
        else:
            text = replace_output(text, region.start, parsed, output)
    newline = "\r\n" if b"\r\n" in path.read_bytes() else "\n"
    path.write_text(text, encoding="utf-8", newline=newline)


def main(argv: Sequence[str] | None = None) -> int:
    """Update the given chapters (default: docs/*.md); exit 1 if anything needs a person."""
    parser = argparse.ArgumentParser(
        prog="python -m tutorial_tools.update", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "files", nargs="*", type=Path, help="Markdown chapters (default: docs/*.md)"
    )
    parser.add_argument(
        "--src", type=Path, default=Path("src"), help="snippet base path (default: src)"
    )
    args = parser.parse_args(argv)
    files = args.files or sorted(Path("docs").glob("*.md"))
    reports = [update_file(path, args.src) for path in files]
    for report in reports:
        for line in report.lines():
            print(line)
    needs_person = any(r.broken or r.claims for r in reports)
    changed = sum(len(r.changed) for r in reports)
    print(
        f"{changed} output(s) rewritten in {len(files)} file(s)"
        + ("; see the problems above" if needs_person else "")
    )
    return 1 if needs_person else 0


if __name__ == "__main__":
    sys.exit(main())
