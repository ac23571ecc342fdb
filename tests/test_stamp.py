"""Verified-with stamps: the doc-test run writes records, the site build shows or refuses them."""

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from tutorial_tools.stamp import (
    RECORD_COMMAND,
    RECORDS,
    Recorder,
    add_stamp,
    chapter_hash,
    check_verified,
    read_records,
    stamp_markdown,
    write_record,
)

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = '# A chapter\n\nProse.\n\n```python title="src/pkg.py"\n--8<-- "pkg.py:two"\n```\n\n```pycon\n>>> two()\n2\n```\n'
SOURCE = "# --8<-- [start:two]\ndef two():\n    return 2\n# --8<-- [end:two]\n"


def make_project(root: Path) -> Path:
    """A chapter embedding src/pkg.py, under root/docs; return the chapter."""
    (root / "src").mkdir()
    (root / "src" / "pkg.py").write_text(SOURCE, encoding="utf-8")
    (root / "docs").mkdir()
    chapter = root / "docs" / "chapter.md"
    chapter.write_text(CHAPTER, encoding="utf-8")
    return chapter


def test_the_hash_changes_with_the_chapter_and_with_the_code_it_embeds(tmp_path: Path) -> None:
    chapter = make_project(tmp_path)
    before = chapter_hash(chapter, tmp_path / "src")
    (tmp_path / "src" / "pkg.py").write_text(SOURCE.replace("2", "3"), encoding="utf-8")
    after_code = chapter_hash(chapter, tmp_path / "src")
    chapter.write_text(CHAPTER + "More prose.\n", encoding="utf-8")
    assert len({before, after_code, chapter_hash(chapter, tmp_path / "src")}) == 3


def test_a_passing_record_for_the_current_chapter_is_shown(tmp_path: Path) -> None:
    chapter = make_project(tmp_path)
    records = tmp_path / RECORDS
    write_record(records, chapter, tmp_path / "src", Counter(passed=2, skipped=1))
    found, reason = read_records(records, chapter, tmp_path / "src")
    assert reason is None and [(r.passed, r.skipped) for r in found] == [(2, 1)]
    import torch

    stamp = stamp_markdown(found, reason)
    assert stamp.startswith('??? success stamp "Verified 20')
    assert f"torch {torch.__version__}" in stamp and f"Python {sys.version.split()[0]}" in stamp
    assert "CPU" in stamp and "2 examples passed, 1 skipped" in stamp


@pytest.mark.parametrize(
    ("outcomes", "edit", "reason"),
    [
        (None, False, "no doc-test record"),
        (Counter(passed=2), True, "the chapter changed after its last doc-test run"),
        (Counter(passed=1, failed=1), False, "its doc tests failed with torch "),
    ],
)
def test_a_missing_stale_or_failed_record_means_not_verified(
    tmp_path: Path, outcomes: Counter | None, edit: bool, reason: str
) -> None:
    chapter = make_project(tmp_path)
    records = tmp_path / RECORDS
    if outcomes is not None:
        write_record(records, chapter, tmp_path / "src", outcomes)
    if edit:
        chapter.write_text(CHAPTER.replace("Prose.", "New prose."), encoding="utf-8")
    found, why = read_records(records, chapter, tmp_path / "src")
    assert found == [] and why.startswith(reason)
    stamp = stamp_markdown(found, why)
    if outcomes is not None and outcomes["failed"]:
        assert stamp.startswith('!!! warning "Not verified"') and why in stamp
    else:  # not run here yet: one quiet line with the command that runs them, no warning
        assert stamp.startswith('??? info stamp "Examples not run in this build yet')
        assert f"{RECORD_COMMAND} runs them" in stamp.splitlines()[0] and why in stamp
        assert "warning" not in stamp


def test_the_stamp_goes_under_the_title_of_pages_with_examples_only(tmp_path: Path) -> None:
    chapter = make_project(tmp_path)
    stamped = add_stamp(CHAPTER, chapter, tmp_path)
    assert stamped.startswith('# A chapter\n\n??? info stamp "Examples not run in this build')
    assert stamped.endswith("\n\nProse.\n" + CHAPTER.split("Prose.\n", 1)[1])
    assert add_stamp("# Plain\n\nNo examples.\n", chapter, tmp_path) == "# Plain\n\nNo examples.\n"


def test_ci_fails_the_build_without_a_passing_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chapter = make_project(tmp_path)
    monkeypatch.setenv("CI", "false")
    check_verified(tmp_path / "docs", tmp_path)  # outside CI, the page just says so
    monkeypatch.setenv("CI", "true")
    with pytest.raises(PluginError, match="chapter.md: no doc-test record"):
        check_verified(tmp_path / "docs", tmp_path)
    write_record(tmp_path / RECORDS, chapter, tmp_path / "src", Counter(passed=1))
    check_verified(tmp_path / "docs", tmp_path)


class FakeDocument:
    """A stand-in for a Sybil document (hashable by identity, as Sybil's are)."""

    def __init__(self, path: Path, examples: int) -> None:
        """A document at `path` holding `examples` regions."""
        self.path, self.regions = str(path), list(range(examples))


def fake_item(document: FakeDocument, line: int) -> SimpleNamespace:
    """A stand-in for a Sybil pytest item: a node id and an example of `document`."""
    example = SimpleNamespace(document=document, path=document.path)
    return SimpleNamespace(nodeid=f"{document.path}::line:{line}", example=example)


def report(item: SimpleNamespace, outcome: str, when: str = "call") -> SimpleNamespace:
    """A stand-in for a pytest TestReport."""
    return SimpleNamespace(nodeid=item.nodeid, when=when, outcome=outcome)


def test_the_recorder_writes_once_every_example_has_passed(tmp_path: Path) -> None:
    chapter = make_project(tmp_path)
    document = FakeDocument(chapter, 3)
    items = [fake_item(document, line) for line in (1, 2, 3)]
    recorder = Recorder(tmp_path / RECORDS, tmp_path / "src")
    recorder.collected(items)
    for item in items[:2]:
        recorder.logreport(report(item, "passed", when="setup"))
        recorder.logreport(report(item, "passed"))
    assert not (tmp_path / RECORDS).exists()  # not yet: one example has still to run
    recorder.logreport(report(items[2], "skipped", when="setup"))
    (path,) = (tmp_path / RECORDS).glob("chapter.md--*.json")
    record = json.loads(path.read_text(encoding="utf-8"))
    assert (record["passed"], record["failed"], record["skipped"]) == (2, 0, 1)


def test_the_recorder_writes_a_failure_at_once_and_skips_partial_runs(tmp_path: Path) -> None:
    chapter = make_project(tmp_path)
    document = FakeDocument(chapter, 3)
    items = [fake_item(document, line) for line in (1, 2, 3)]
    partial = Recorder(tmp_path / RECORDS, tmp_path / "src")
    partial.collected(items[:2])  # e.g. pytest -k: the chapter is not run in full
    for item in items[:2]:
        partial.logreport(report(item, "passed"))
    assert not (tmp_path / RECORDS).exists()
    recorder = Recorder(tmp_path / RECORDS, tmp_path / "src")
    recorder.collected(items)
    recorder.logreport(report(items[0], "failed"))
    (path,) = (tmp_path / RECORDS).glob("chapter.md--*.json")
    assert json.loads(path.read_text(encoding="utf-8"))["failed"] == 1
    recorder.logreport(report(items[1], "passed"))
    recorder.logreport(report(items[2], "passed"))
    assert json.loads(path.read_text(encoding="utf-8"))["failed"] == 1  # stays failed


def test_a_real_doc_test_run_writes_the_record(tmp_path: Path) -> None:
    chapter = make_project(tmp_path)
    shutil.copy(ROOT / "docs" / "conftest.py", tmp_path / "docs" / "conftest.py")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "docs"]
    run = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    found, reason = read_records(tmp_path / RECORDS, chapter, tmp_path / "src")
    assert reason is None and found[0].passed == 2  # the embedded section and the >>> example
    chapter.write_text(CHAPTER.replace("\n2\n", "\n3\n"), encoding="utf-8")
    run = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False
    )
    assert run.returncode == 1
    assert read_records(tmp_path / RECORDS, chapter, tmp_path / "src")[1].startswith(
        "its doc tests failed"
    )


def test_a_fresh_clone_greets_no_reader_with_a_warning(tmp_path: Path) -> None:
    """With no doc-test record (the README's serve command on a fresh clone), every chapter
    opens with the quiet stamp line and the command that makes a record, never a warning box."""
    docs = ROOT / "docs"
    chapters = [p for p in sorted(docs.glob("*.md")) if "```pycon" in p.read_text("utf-8")]
    assert len(chapters) >= 6
    for chapter in chapters:
        shutil.copy(chapter, tmp_path / chapter.name)
        markdown = chapter.read_text(encoding="utf-8")
        stamped = add_stamp(markdown, tmp_path / chapter.name, tmp_path)  # no .cache/verified
        head = stamped.split("\n\n", 2)[1]
        assert head.startswith('??? info stamp "Examples not run in this build yet'), chapter
        assert RECORD_COMMAND in head and "warning" not in stamped.split("\n\n", 3)[2]
