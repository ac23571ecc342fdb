"""Sybil collects every chapter: console sessions, embedded src/ sections and hidden checks."""

from pathlib import Path

from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser

from tutorial_tools.sybil_parsers import PyconParser, SnippetParser

SRC = Path(__file__).resolve().parent.parent / "src"

pytest_collect_file = Sybil(
    parsers=[
        SnippetParser(SRC),  # ```python title=... fences of --8<-- embeds
        PyconParser(),  # ```pycon console sessions
        PythonCodeBlockParser(),  # <!-- invisible-code-block: python --> checks
    ],
    patterns=["*.md"],
).pytest()
