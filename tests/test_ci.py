"""The README's two commands are the set-up, and CI runs the README's test command verbatim."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_command(section: str) -> str:
    """The one-line command inside the README's named snippet section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(rf"\[start:{section}\].*?```bash\n(.*?)\n```", readme, re.DOTALL)
    assert block, f"README has no {section} command"
    return block[1]


def test_ci_runs_the_readme_test_command() -> None:
    assert readme_command("test") in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_test_command_installs_and_runs_pytest() -> None:
    command = readme_command("test")
    assert "pip install" in command and command.endswith("pytest")


def test_the_serve_command_serves_on_localhost() -> None:
    command = readme_command("serve")
    assert "pip install" in command and command.endswith("mkdocs serve")
    assert "dev_addr" not in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")  # 127.0.0.1:8000
