"""Sybil collects every chapter: console sessions, embedded src/ sections and hidden checks."""

from pathlib import Path

import pytest
from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser

from tutorial_tools.stamp import RECORDS, Recorder
from tutorial_tools.sybil_parsers import PyconParser, SnippetParser

SRC = Path(__file__).resolve().parent.parent / "src"
# The verified-with stamp's records: one per chapter whose examples all ran (tutorial_tools.stamp)
recorder = Recorder(SRC.parent / RECORDS, SRC)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Track the chapters whose examples all run in this session."""
    recorder.collected(session.items)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count each example's outcome; a chapter's record is written once it completes or fails."""
    recorder.logreport(report)


pytest_collect_file = Sybil(
    parsers=[
        SnippetParser(SRC),  # ```python title=... fences of --8<-- embeds
        PyconParser(),  # ```pycon console sessions
        PythonCodeBlockParser(),  # <!-- invisible-code-block: python --> checks
        SkipParser(),  # <!-- skip: start "reason" -->: the figures, drawn elsewhere
    ],
    patterns=["*.md"],
).pytest()
