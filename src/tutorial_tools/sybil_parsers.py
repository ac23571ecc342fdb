"""Sybil parsers for the chapters: `pycon` console sessions and fences embedding src/ sections."""

import re
from collections.abc import Iterable
from pathlib import Path

from sybil import Document, Example, Region
from sybil.evaluators.doctest import DocTestEvaluator
from sybil.parsers.abstract.doctest import DocTestStringParser
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

from tutorial_tools.snippets import expand_embeds

# ```pycon, optionally followed by attributes such as title="..."
PYCON_INFO = re.compile(r"(?P<language>pycon)(?:[ \t][^\n]*)?$\n", re.MULTILINE)
# ```python title="...": the fences that embed src/ sections
PYTHON_INFO = re.compile(r"(?P<language>python|py)(?:[ \t][^\n]*)?$\n", re.MULTILINE)


class PyconParser:
    """Turn every ```pycon fence into doctest examples evaluated in the page's namespace."""

    def __init__(self, optionflags: int = 0) -> None:
        """Lex pycon fences; compare outputs with the given doctest option flags."""
        self.lexer = RawFencedCodeBlockLexer(
            info_pattern=PYCON_INFO, mapping={"language": "arguments", "source": "source"}
        )
        self.doctest_parser = DocTestStringParser(DocTestEvaluator(optionflags))

    def __call__(self, document: Document) -> Iterable[Region]:
        """Yield one region per `>>>` example, positioned in the Markdown file."""
        for lexed in self.lexer(document):
            source = lexed.lexemes["source"]
            for region in self.doctest_parser(source, document.path):
                region.adjust(lexed, source)
                yield region


class SnippetParser:
    """Execute fences whose lines are `--8<-- "file.py:section"` embeds, read from `base`."""

    def __init__(self, base: Path) -> None:
        """Read embedded sections from `base`, the folder snippets' base_path names."""
        self.base = Path(base)
        self.lexer = RawFencedCodeBlockLexer(
            info_pattern=PYTHON_INFO, mapping={"language": "arguments", "source": "source"}
        )

    def __call__(self, document: Document) -> Iterable[Region]:
        """Yield a region for every fence made only of embed lines."""
        for region in self.lexer(document):
            code = expand_embeds(region.lexemes["source"], self.base)
            if code is not None:
                region.parsed = code
                region.evaluator = self.evaluate
                yield region

    def evaluate(self, example: Example) -> None:
        """Run the embedded source in the page's namespace, as a reader who pastes it would."""
        code = compile(example.parsed, f"{example.path}:{example.line}", "exec")
        exec(code, example.namespace)  # noqa: S102 (running the page's code is the point)
