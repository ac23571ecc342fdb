"""Verified-with stamps: the doc-test run records its results, the site build shows them.

The doc tests (docs/conftest.py) write one JSON record per chapter and environment under
`.cache/verified/` as soon as the chapter's last example has run, or at its first failure.
The site build (mkdocs_hooks.py) shows every passing record whose content hash matches the
chapter as it is now, or "not verified", and fails when the CI environment variable is "true".
"""

import datetime
import hashlib
import html
import json
import os
import platform
import re
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from tutorial_tools.snippets import EMBED

RECORDS = Path(".cache") / "verified"  # relative to the repository root
# ```pycon fences: the pages that hold examples, and so get a stamp
HAS_EXAMPLES = re.compile(r"^\s*```pycon", re.MULTILINE)


@dataclass
class Record:
    """One doc-test run of one chapter in one environment."""

    chapter: str  # the Markdown file's name, e.g. model.md
    content_hash: str  # chapter_hash() of the chapter the run tested
    passed: int
    failed: int
    skipped: int
    torch: str
    python: str
    device: str  # where the examples' tensors lived: CPU, or the GPU's name
    date: str  # UTC, ISO 8601

    @property
    def ok(self) -> bool:
        """True when every example ran and passed."""
        return self.failed == 0 and self.passed > 0


def chapter_hash(chapter: Path, src: Path) -> str:
    """SHA-256 of the chapter's Markdown and of every src/ file it embeds."""
    text = chapter.read_bytes()
    digest = hashlib.sha256(text)
    embedded = {m["path"] for line in text.decode("utf-8").splitlines() if (m := EMBED.match(line))}
    for path in sorted(embedded):
        file = src / path
        digest.update(path.encode() + (file.read_bytes() if file.is_file() else b"<missing>"))
    return digest.hexdigest()


def environment() -> dict[str, str]:
    """The torch and Python versions and the device the examples ran on."""
    import torch  # only the doc-test run needs torch; the site build reads records

    device = torch.get_default_device()
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else device.type.upper()
    return {"torch": torch.__version__, "python": platform.python_version(), "device": name}


def record_path(records: Path, chapter: str, env: dict[str, str]) -> Path:
    """Where the record of `chapter` in `env` lives: one file per chapter and environment."""
    return records / f"{chapter}--torch-{env['torch']}--python-{env['python']}.json"


def write_record(records: Path, chapter: Path, src: Path, outcomes: Counter) -> Path:
    """Write the record of one chapter's run; `outcomes` counts passed, failed and skipped."""
    env = environment()
    record = Record(
        chapter=chapter.name,
        content_hash=chapter_hash(chapter, src),
        passed=outcomes["passed"],
        failed=outcomes["failed"],
        skipped=outcomes["skipped"],
        date=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        **env,
    )
    path = record_path(records, chapter.name, env)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(record), indent=2) + "\n", encoding="utf-8")
    return path


def read_records(records: Path, chapter: Path, src: Path) -> tuple[list[Record], str | None]:
    """The chapter's passing records for its current content, or none and the reason why."""
    found = [
        Record(**json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(records.glob(f"{chapter.name}--*.json"))
    ]
    current = [r for r in found if r.content_hash == chapter_hash(chapter, src)]
    if not found:
        return [], "no doc-test record"
    if not current:
        return [], "the chapter changed after its last doc-test run"
    if failed := [r for r in current if not r.ok]:
        return [], f"its doc tests failed with torch {failed[0].torch}"
    return current, None


# The one command that writes the records, once the test extras are installed (README)
RECORD_COMMAND = ".venv/bin/pytest docs"
FAILED = "its doc tests failed"  # the start of read_records' reason for a failing record


def stamp_markdown(records: list[Record], reason: str | None) -> str:
    """An admonition naming when and with what the examples passed, or why they are unverified:
    a warning where they failed, one quiet line where they have not run on this copy yet."""
    if reason is not None and reason.startswith(FAILED):
        return f'!!! warning "Not verified"\n\n    The examples on this page are not verified: {reason}.\n'
    if reason is not None:
        title = f"Examples not run in this build yet · {RECORD_COMMAND} runs them"
        body = (
            f"    This copy of the site has no passing doc-test run for this page ({reason}).\n"
            "    On the published site this line says when, and with which torch and Python,\n"
            "    every example on the page ran and matched its output. To check them on your\n"
            f"    machine, run `{RECORD_COMMAND}` (with the README's test command's install),\n"
            "    then build or serve the site again.\n"
        )
        return f'??? info stamp "{html.escape(title)}"\n\n{body}'
    title = " · ".join(
        [
            f"Verified {max(r.date for r in records)[:10]}",
            "torch " + ", ".join(dict.fromkeys(r.torch for r in records)),
            "Python " + ", ".join(dict.fromkeys(r.python for r in records)),
            ", ".join(dict.fromkeys(r.device for r in records)),
            f"{records[0].passed} examples passed"
            + (f", {records[0].skipped} skipped" if records[0].skipped else ""),
        ]
    )
    rows = [
        f"    | {r.torch} | {r.python} | {r.device} | {r.date[:10]} | {r.passed} | {r.skipped} |"
        for r in records
    ]
    table = [
        "    | torch | Python | device | date (UTC) | examples passed | skipped |",
        "    |---|---|---|---|---|---|",
    ]
    intro = "    Every example on this page ran and its output matched, in each of these runs:"
    # `stamp`: one quiet line under the title (docs/stylesheets/extra.css); the lesson comes first
    head = f'??? success stamp "{html.escape(title)}"'
    return f"{head}\n\n{intro}\n\n" + "\n".join(table + rows) + "\n"


def add_stamp(markdown: str, chapter: Path, root: Path) -> str:
    """Insert the chapter's stamp under its title, if the chapter has examples."""
    if chapter.suffix != ".md" or not HAS_EXAMPLES.search(markdown):
        return markdown
    stamp = stamp_markdown(*read_records(root / RECORDS, chapter, root / "src"))
    lines = markdown.splitlines(keepends=True)
    title = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
    return "".join(lines[:title]) + "\n" + stamp + "\n" + "".join(lines[title:])


def unverified(docs: Path, root: Path) -> list[str]:
    """`chapter: reason` for every chapter with examples but no passing record for its content."""
    problems = []
    for chapter in sorted(docs.glob("*.md")):
        if HAS_EXAMPLES.search(chapter.read_text(encoding="utf-8")):
            _, reason = read_records(root / RECORDS, chapter, root / "src")
            problems += [f"{chapter.relative_to(docs)}: {reason}"] if reason else []
    return problems


def check_verified(docs: Path, root: Path) -> None:
    """In CI (CI=true), raise unless every chapter with examples has a passing record."""
    from mkdocs.exceptions import PluginError  # here, so the doc tests don't import mkdocs

    problems = unverified(docs, root)
    if problems and os.environ.get("CI", "").lower() == "true":
        raise PluginError(
            "chapters not verified by a doc-test run (run the doc tests first): "
            + "; ".join(problems)
        )


class Recorder:
    """Count each chapter's doc-test outcomes and write its record when it completes or fails."""

    def __init__(self, records: Path, src: Path) -> None:
        """Write records under `records`; hash chapters with the src/ files they embed."""
        self.records, self.src = records, src
        self.chapter_of: dict[str, Path] = {}  # pytest node id -> chapter, for tracked chapters
        self.expected: dict[Path, int] = {}  # chapter -> number of its examples
        self.outcomes: dict[Path, Counter] = {}

    def collected(self, items: list) -> None:
        """Track each chapter whose every example is among the collected pytest items."""
        selected = Counter(item.example.document for item in items if hasattr(item, "example"))
        for document, count in selected.items():
            if count == len(document.regions):  # a partial run writes no record
                chapter = Path(document.path)
                self.expected[chapter], self.outcomes[chapter] = count, Counter()
        for item in items:
            if hasattr(item, "example") and Path(item.example.path) in self.expected:
                self.chapter_of[item.nodeid] = Path(item.example.path)

    def logreport(self, report: object) -> None:
        """Count one example's outcome from its call report (or its failed or skipped setup)."""
        chapter = self.chapter_of.get(report.nodeid)
        setup_stopped = report.when == "setup" and report.outcome != "passed"
        if chapter is not None and (report.when == "call" or setup_stopped):
            self.add(chapter, report.outcome)

    def add(self, chapter: Path, outcome: str) -> None:
        """Count one finished example; write the record when the chapter is done or failed."""
        if chapter not in self.expected:
            return
        counts = self.outcomes[chapter]
        counts[outcome] += 1
        if outcome == "failed" or counts.total() == self.expected[chapter]:
            write_record(self.records, chapter, self.src, counts)
        if outcome == "failed":
            del self.expected[chapter]  # its record stays "failed" for the rest of the run
