"""The whole site builds with `mkdocs build --strict`, so a broken page fails the tests."""

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
from tutorial_tools.notebooks import CHAPTERS


def test_every_chapter_is_built(site: Path) -> None:
    for chapter in CHAPTERS:
        assert (site / chapter / "index.html").is_file()
    assert not (site / "conftest.py").exists()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_embedded_code_is_rendered_not_its_markers(site: Path, chapter: str) -> None:
    html = (site / chapter / "index.html").read_text(encoding="utf-8")
    assert "--8&lt;--" not in html and "--8<--" not in html
    assert re.search(r">def</span>", html)  # the embedded source itself, highlighted


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_math_is_typeset_at_build_time(site: Path, chapter: str) -> None:
    html = (site / chapter / "index.html").read_text(encoding="utf-8")
    assert 'class="katex' in html
    assert not re.search(r'class="arithmatex"', html)


def test_the_themes_script_waits_for_the_page(site: Path) -> None:
    """Every page loads Material's bundle deferred (docs/overrides/main.html), so it paints first."""
    pages = sorted(site.rglob("index.html"))
    assert len(pages) >= 7
    for page in pages:
        scripts = re.findall(r"<script src=[^>]*>", page.read_text(encoding="utf-8"))
        assert any("bundle." in script for script in scripts), page
        assert all(script.endswith(" defer>") for script in scripts), (page, scripts)


def test_a_missing_snippet_section_fails_the_build(tmp_path: Path) -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    docs = tmp_path / "docs"
    subprocess.run(["cp", "-r", str(ROOT / "docs"), str(docs)], check=True)
    (docs / "model.md").write_text(
        (docs / "model.md").read_text(encoding="utf-8").replace(":forward", ":no_such_section", 1),
        encoding="utf-8",
    )
    (tmp_path / "mkdocs.yml").write_text(
        config.replace("docs_dir: docs", f"docs_dir: {docs}")
        .replace("base_path: [src, .]", f"base_path: [{ROOT / 'src'}, {ROOT}]")
        .replace("  - src/tutorial_tools/", f"  - {ROOT}/src/tutorial_tools/"),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "s")],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=600,
    )
    assert result.returncode != 0
    assert "no_such_section" in result.stdout + result.stderr


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_search_finds_every_exercise_and_its_solution(site: Path, chapter: str) -> None:
    """Search indexes each exercise as a section of its chapter, under its heading, with the
    code of its solution, although the solution's box is closed."""
    from tutorial_tools.exercises import exercises

    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    sections = {
        re.sub(r"<[^>]+>", "", doc["title"]): doc["text"]
        for doc in index["docs"]
        if doc["location"].startswith(f"{chapter}/#exercise-")
    }
    markdown = (ROOT / "docs" / f"{chapter}.md").read_text(encoding="utf-8")
    found = exercises(markdown)
    assert len(found) >= 3
    for exercise in found:
        title = f"Exercise {exercise.number}: {exercise.title.replace('`', '')}"
        assert title in sections, (title, list(sections))
        first_code = next(line for line in exercise.solution if ">>> " in line).strip()
        assert html.escape(first_code, quote=False) in sections[title]


def test_no_page_repeats_an_id(site: Path) -> None:
    """Each anchor leads to one place: no id twice on a page (the notebooks' numbered
    "Solution 8.1" headings included; four plain "Solution" headings shared one id)."""
    for page in sorted(site.rglob("index.html")):
        ids = re.findall(r'\sid="([^"]+)"', page.read_text(encoding="utf-8"))
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        assert not repeated, (page.relative_to(site), repeated[:5])
