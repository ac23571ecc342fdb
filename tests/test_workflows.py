"""The deployment files: GitHub Actions workflows with least privileges and pinned actions, Read the Docs."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")  # owner/repo[/path]@<full commit SHA>
DEPLOY_PERMISSIONS = {"pages": "write", "id-token": "write"}


def load(path: Path) -> dict:
    """Parse a YAML file, ignoring the python/ tags mkdocs.yml may use."""

    class Loader(yaml.SafeLoader):
        """SafeLoader that reads `!!python/...` tags as None."""

    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *args: None)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)


def triggers(workflow: dict) -> dict:
    """A workflow's `on:` mapping (YAML 1.1 reads the bare key `on` as True)."""
    on = workflow.get("on", workflow.get(True))
    return {name: None for name in on} if isinstance(on, list) else dict(on)


def unpinned(workflow: dict) -> list[str]:
    """Every `uses:` of a workflow that is not pinned to a full commit SHA (local actions aside)."""
    uses = [
        step["uses"]
        for job in workflow["jobs"].values()
        for step in job.get("steps", [])
        if "uses" in step
    ]
    uses += [job["uses"] for job in workflow["jobs"].values() if "uses" in job]
    return [u for u in uses if not (PINNED.match(u) or u.startswith("./"))]


def writes(permissions: dict | str | None) -> dict:
    """The write grants of a permissions block ('write-all' counts as writing everything)."""
    if permissions in ("write-all", "read-all", None):
        return {"*": "write"} if permissions == "write-all" else {}
    return {scope: level for scope, level in permissions.items() if level == "write"}


def uses_action(job: dict, action: str) -> bool:
    """Whether a job has a step using `action` (any version)."""
    return any(step.get("uses", "").startswith(action + "@") for step in job.get("steps", []))


def test_there_are_workflows() -> None:
    """The site and link-check workflows exist."""
    assert {p.stem for p in WORKFLOWS} >= {"site", "links"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_reads_only_by_default(path: Path) -> None:
    """Every workflow grants `contents: read` and nothing else at the top."""
    assert load(path)["permissions"] == {"contents": "read"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_only_the_pages_deploy_job_writes(path: Path) -> None:
    """A job may write only to deploy Pages: `pages` and `id-token`, in the deploy-pages job."""
    for name, job in load(path)["jobs"].items():
        granted = writes(job.get("permissions"))
        if uses_action(job, "actions/deploy-pages"):
            assert job["permissions"] == DEPLOY_PERMISSIONS, name
        else:
            assert not granted, f"job {name} writes {granted}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_by_commit_sha(path: Path) -> None:
    """Actions are referenced by full commit SHA, never by a movable tag or branch."""
    assert not unpinned(load(path))


def test_site_workflow_tests_builds_strictly_and_deploys_to_pages() -> None:
    """The site workflow runs .ci/run, builds with --strict, and deploys only from main."""
    workflow = load(ROOT / ".github" / "workflows" / "site.yml")
    runs = " ".join(
        step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]
    )
    assert "bash .ci/run" in runs and "mkdocs build --strict" in runs
    deploy = [job for job in workflow["jobs"].values() if uses_action(job, "actions/deploy-pages")]
    assert len(deploy) == 1 and "refs/heads/main" in deploy[0]["if"]
    assert "push" in triggers(workflow)


def test_link_check_runs_on_a_schedule_not_on_push() -> None:
    """External links are checked on a schedule, so a flaky outside site never blocks a push."""
    workflow = load(ROOT / ".github" / "workflows" / "links.yml")
    assert set(triggers(workflow)) == {"schedule", "workflow_dispatch"}
    assert any(uses_action(job, "lycheeverse/lychee-action") for job in workflow["jobs"].values())


def test_read_the_docs_builds_the_same_site_and_fails_on_warnings() -> None:
    """.readthedocs.yaml builds mkdocs.yml with fail_on_warning, after the doc tests."""
    config = load(ROOT / ".readthedocs.yaml")
    assert config["version"] == 2
    assert config["mkdocs"] == {"configuration": "mkdocs.yml", "fail_on_warning": True}
    assert any("pytest docs" in command for command in config["build"]["jobs"]["pre_build"])


def test_mkdocs_knows_where_the_site_and_its_sources_live() -> None:
    """site_url, repo_url and edit_uri are set, so canonical links and "edit this page" work."""
    config = load(ROOT / "mkdocs.yml")
    assert config["site_url"].startswith("https://") and config["site_url"].endswith("/")
    assert config["repo_url"].startswith("https://github.com/")
    assert config["edit_uri"]


def test_the_checks_catch_bad_workflows() -> None:
    """A tag-pinned action, a write-all token and a push-triggered link check are all caught."""
    bad = yaml.safe_load(
        "on: [push]\npermissions: write-all\njobs:\n  j:\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - uses: ./local\n"
        "      - uses: actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065\n"
    )
    assert unpinned(bad) == ["actions/checkout@v4"]
    assert writes(bad["permissions"]) == {"*": "write"}
    assert writes({"contents": "read", "pages": "write"}) == {"pages": "write"}
    assert set(triggers(bad)) == {"push"}
