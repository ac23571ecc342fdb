"""The README's two commands are the set-up, and CI runs the README's test command verbatim."""

import re
import tomllib
from pathlib import Path

from tutorial_tools import katex_assets
from tutorial_tools.validators import VNU_VERSION

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


def ci_commands() -> list[str]:
    """The command lines of .ci/run, without comments and blank lines."""
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.lstrip().startswith("#")]


def newer_torch() -> tuple[str, str]:
    """The torch release .ci/run tests besides the README's pin, and the venv it goes in."""
    pinned = re.search(r"torch==(\S+)", readme_command("test"))[1]
    newer = {v for line in ci_commands() for v in re.findall(r"torch==(\S+)", line)} - {pinned}
    assert len(newer) == 1, newer
    (version,) = newer
    return version, ".venv-torch" + ".".join(version.split(".")[:2])


def test_ci_runs_the_doc_tests_on_the_newest_torch_too() -> None:
    """A second venv gets a newer torch than the README's pin, and runs the doc tests first."""
    version, venv = newer_torch()
    commands = ci_commands()
    docs = commands.index(f"{venv}/bin/pytest docs")
    installs = [c for c in commands[:docs] if f"{venv}/bin/pip install" in c]
    assert any(f"torch=={version}" in c for c in installs)
    assert any('-e ".[test]"' in c for c in installs)
    assert docs < commands.index(readme_command("test"))  # so the site stamps both releases


def test_only_the_newest_torchs_venv_lifts_the_machines_pip_constraints() -> None:
    """PIP_CONSTRAINT=/dev/null (pip ignores an empty value) on that venv's pip commands only."""
    _, venv = newer_torch()
    lifting = [line for line in ci_commands() if "PIP_CONSTRAINT" in line]
    pip = [line for line in ci_commands() if f"{venv}/bin/pip " in line]
    assert pip and lifting == pip
    assert all(line.startswith(f"PIP_CONSTRAINT=/dev/null {venv}/bin/pip ") for line in lifting)


def test_ci_installs_what_the_validators_need() -> None:
    """Java when missing, npm's vnu-jar and KaTeX at the versions the code names, LinkChecker."""
    lines = "\n".join(ci_commands()).replace("\\\n", " ").splitlines()  # join continued lines
    java = lines.index("if ! command -v java >/dev/null; then")
    assert "apt-get install -y default-jre-headless" in lines[java + 1]
    (npm,) = [line for line in lines if line.startswith("npm install --prefix .cache/npm ")]
    assert {f"vnu-jar@{VNU_VERSION}", f"katex@{katex_assets.VERSION}"} <= set(npm.split())
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    test_extra = pyproject["project"]["optional-dependencies"]["test"]
    assert any(re.match(r"linkchecker\b", requirement) for requirement in test_extra)
