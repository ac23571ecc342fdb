"""Sybil parsers for the chapters: `pycon` console sessions and fences embedding src/ sections.

An embedding fence may be followed by an output fence, ```` ```text title="Output" ````, which
shows what the embedded code prints: the doc tests run the code and compare, exactly.
"""

import bisect
import contextlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sybil import Document, Example, Lexeme, Region
from sybil.evaluators.doctest import DocTestEvaluator, OutputChecker
from sybil.parsers.abstract.doctest import DocTestStringParser
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

from tutorial_tools.snippets import expand_embeds

# ```pycon, optionally followed by attributes such as title="..."
PYCON_INFO = re.compile(r"(?P<language>pycon)(?:[ \t][^\n]*)?$\n", re.MULTILINE)
# ```python title="...": the fences that embed src/ sections
PYTHON_INFO = re.compile(r"(?P<language>python|py)(?:[ \t][^\n]*)?$\n", re.MULTILINE)
# ```text title="Output": what the embedding fence just before it prints
OUTPUT_INFO = re.compile(r'(?P<language>text)[ \t]+title="Output"[ \t]*$\n', re.MULTILINE)


# torch 2.15 names the matrix product in its shape errors ("RuntimeError: mm: mat1 and mat2
# shapes cannot be multiplied (10x2 and 1x1)"); 2.13 does not. The pages show the message without
# the name and say so; the doc tests accept it on both releases.
OPERATION_NAME = re.compile(r"^(?P<type>\w+Error): (?:mm|addmm): ", re.MULTILINE)


class TorchOutputChecker(OutputChecker):
    """Sybil's doctest checker, blind only to the operation name newer torch puts in errors."""

    def check_output(self, want: str, got: str, optionflags: int) -> bool:
        """Compare as Sybil does, after dropping an `mm: ` or `addmm: ` after the error type."""
        return super().check_output(want, OPERATION_NAME.sub(r"\g<type>: ", got), optionflags)


class PyconParser:
    """Turn every ```pycon fence into doctest examples evaluated in the page's namespace."""

    def __init__(self, optionflags: int = 0) -> None:
        """Lex pycon fences; compare outputs with the given doctest option flags."""
        self.lexer = RawFencedCodeBlockLexer(
            info_pattern=PYCON_INFO, mapping={"language": "arguments", "source": "source"}
        )
        evaluator = DocTestEvaluator(optionflags)
        evaluator.runner._checker = TorchOutputChecker()  # doctest.DocTestRunner's checker
        self.doctest_parser = DocTestStringParser(evaluator)

    def __call__(self, document: Document) -> Iterable[Region]:
        """Yield one region per `>>>` example, positioned in the Markdown file."""
        for lexed in self.lexer(document):
            source = lexed.lexemes["source"]
            place = in_document(document.text, lexed.start + source.offset, source)
            for region in self.doctest_parser(source, document.path):
                region.start, region.end = place(region.start), place(region.end)
                yield region


def in_document(text: str, first: int, source: Lexeme):
    """Map offsets in a fence's source to offsets in the document, where the source's first
    line starts at `first`.

    Sybil's `Region.adjust` adds a fixed offset, but the lexer strips the fence's indentation
    (4 spaces inside an admonition) from every line, so in an indented fence every example after
    the first would land that many characters early per line, often on the line before: wrong
    line numbers in failures, and update mode rewriting the wrong lines."""
    source_starts = [0] + [i + 1 for i, char in enumerate(source) if char == "\n"]
    text_starts = [first]
    for _ in source_starts[1:]:
        text_starts.append(text.index("\n", text_starts[-1]) + 1)

    def place(offset: int) -> int:
        line = bisect.bisect_right(source_starts, offset) - 1
        column = offset - source_starts[line]
        if column == 0:  # examples start and end at line starts: the document's line start
            return text_starts[line]
        stripped = text.index("\n", text_starts[line]) - text_starts[line]
        stripped -= source.index("\n", source_starts[line]) - source_starts[line]
        return text_starts[line] + stripped + column

    return place


@dataclass
class Output:
    """An output fence: the text it shows and where that text lies in the document."""

    text: str  # the fence's body, without its indentation
    start: int  # offset of the body's first line in the document
    end: int  # offset just after the body's last newline
    indent: str  # the fence's indentation (inside an admonition, for example)


@dataclass
class Embed:
    """The code an embedding fence shows, and the output fence that follows it, if any."""

    code: str
    output: Output | None

    def run(self, namespace: dict, name: str) -> str:
        """Execute the code in `namespace`, as a reader who pastes it would; return its stdout."""
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(self.code, name, "exec"), namespace)  # noqa: S102 (running it is the point)
        return printed.getvalue()


def output_after(document: Document, end: int, outputs: list[Region]) -> Output | None:
    """The output fence that follows offset `end` with only blank lines between, if any."""
    for region in outputs:
        if region.start >= end and not document.text[end : region.start].strip():
            source = region.lexemes["source"]
            start = region.start + source.offset
            body_end = document.text.rfind("\n", start - 1, region.end) + 1
            indent = document.text[region.start : document.text.index("`", region.start)]
            return Output(str(source), start, max(body_end, start), indent)
    return None


class SnippetParser:
    """Execute fences whose lines are `--8<-- "file.py:section"` embeds, read from `base`, and
    compare what they print with the output fence after them."""

    def __init__(self, base: Path) -> None:
        """Read embedded sections from `base`, the folder snippets' base_path names."""
        self.base = Path(base)
        mapping = {"language": "arguments", "source": "source"}
        self.lexer = RawFencedCodeBlockLexer(info_pattern=PYTHON_INFO, mapping=mapping)
        self.output_lexer = RawFencedCodeBlockLexer(info_pattern=OUTPUT_INFO, mapping=mapping)

    def __call__(self, document: Document) -> Iterable[Region]:
        """Yield a region for every fence made only of embed lines."""
        outputs = list(self.output_lexer(document))
        for region in self.lexer(document):
            code = expand_embeds(region.lexemes["source"], self.base)
            if code is not None:
                region.parsed = Embed(code, output_after(document, region.end, outputs))
                region.evaluator = self.evaluate
                yield region

    def evaluate(self, example: Example) -> str | None:
        """Run the embedded source in the page's namespace; a difference from its output fence
        (or printing with no output fence) is the failure Sybil reports."""
        embed: Embed = example.parsed
        printed = embed.run(example.namespace, f"{example.path}:{example.line}")
        expected = embed.output.text if embed.output else ""
        if printed == expected:
            return None
        if embed.output is None:
            return f"the embedded code printed, but no Output fence follows it:\n{printed}"
        return f"Expected output:\n{expected}\nGot:\n{printed}"
