"""Mutation score of the tutorial's code: mutants killed by the doc tests alone and by the suite.

    .venv/bin/python tests/benchmarks/mutation_score.py            # every module, 2 workers
    .venv/bin/python tests/benchmarks/mutation_score.py model.py   # one module
    .venv/bin/python tests/benchmarks/mutation_score.py --show model.py/12

mutmut 3 generates the mutants (its operators and `# pragma: no mutate`). Its own runner cannot
score the doc tests: it compiles every mutant of a function into one file behind a trampoline,
with the `--8<--` section markers copied in front of each copy. The doc tests execute those
sections as text (tutorial_tools.sybil_parsers.SnippetParser), so they would run the trampoline
without its module's globals (NameError: mutants_x_make_data__mutmut) and are never recorded
as reaching a function, so mutmut would run them for no mutant. This script instead writes each
mutant as a plain source file into a scratch copy of the project and runs pytest there: the doc
tests read the mutated sections, the unit tests import the mutated package.

A mutant is killed by the doc tests when `pytest docs` fails. The survivors then face the rest
of the suite, `pytest tests -m "not site"` (all but the browser tests, which check the rendered
pages); a mutant killed by the doc tests is killed by the suite too, since it contains them.
"""

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from queue import Queue

from mutmut.mutation.file_mutation import create_mutations

ROOT = Path(__file__).resolve().parents[2]
MODULES = ["checks.py", "model.py", "loss.py", "training.py"]  # the code the chapters show
# what a scratch copy of the project leaves out: history, environments, caches, build output
IGNORE = shutil.ignore_patterns(
    ".git", ".venv*", ".cache", "site", "mutants", "node_modules", "__pycache__", "*.egg-info"
)
DOC_TESTS = ["docs"]
# the rest of the suite, but the browser tests: the survivors of the doc tests already pass those
REST = ["tests", "-m", "not site"]
RESULTS = ROOT / ".cache" / "mutation" / "results.json"


@dataclass
class Mutant:
    """One small deliberate bug: a whole mutated module, and the line it changes."""

    id: str  # module/index, e.g. model.py/12
    module: str
    code: str
    change: str  # the changed line(s), as `- old` / `+ new`
    line: int
    killed_by_docs: bool | None = None
    killed_by_suite: bool | None = None


def mutants_of(module: str) -> list[Mutant]:
    """Every mutant mutmut generates inside the functions of src/linreg/<module>."""
    path = ROOT / "src" / "linreg" / module
    code = path.read_text(encoding="utf-8")
    tree, mutations, *_ = create_mutations(str(path), code)
    found = []
    for m in mutations:
        if m.contained_by_top_level_function is None:  # mutmut 3 only mutates functions
            continue
        mutated = tree.deep_replace(m.original_node, m.mutated_node).code
        change, line = describe(code, mutated)
        found.append(Mutant(f"{module}/{len(found)}", module, mutated, change, line))
    return found


def describe(old: str, new: str) -> tuple[str, int]:
    """The changed lines of a mutant as `- old` / `+ new`, and the first changed line number."""
    diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), n=0, lineterm=""))
    first = next(d for d in diff if d.startswith("@@"))
    line = int(first.split()[1].lstrip("-").split(",")[0])
    changed = [d[0] + " " + d[1:].strip() for d in diff[2:] if d[:1] in "+-"]
    return "\n".join(changed), line


def scratch_copy(into: Path) -> Path:
    """Copy the project into `into` (no history, environments or caches) and return it."""
    shutil.copytree(ROOT, into, ignore=IGNORE)
    return into


def run_tests(project: Path, args: list[str], timeout: float) -> bool:
    """Run pytest on `args` in `project` against its own src/; True when the tests fail."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(project / "src")
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *args]
    try:
        run = subprocess.run(
            command, cwd=project, env=env, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return True  # an endless loop is a bug the tests noticed
    return run.returncode != 0


def with_mutant(project: Path, mutant: Mutant, args: list[str], timeout: float) -> bool:
    """Put the mutant into the project's copy of its module, run the tests, then restore it."""
    path = project / "src" / "linreg" / mutant.module
    original = path.read_text(encoding="utf-8")
    path.write_text(mutant.code, encoding="utf-8")
    try:
        return run_tests(project, args, timeout)
    finally:
        path.write_text(original, encoding="utf-8")


def run_all(mutants: list[Mutant], args: list[str], projects: list[Path], timeout: float) -> list:
    """Run `args` against every mutant, one scratch project per worker; return the verdicts."""
    free: Queue[Path] = Queue()
    for project in projects:
        free.put(project)

    def verdict(mutant: Mutant) -> bool:
        project = free.get()
        try:
            killed = with_mutant(project, mutant, args, timeout)
        finally:
            free.put(project)
        print(f"{mutant.id}: {'killed' if killed else 'SURVIVED'} by pytest {' '.join(args)}")
        return killed

    with ThreadPoolExecutor(len(projects)) as pool:
        return list(pool.map(verdict, mutants))


def baseline(project: Path, args: list[str]) -> float:
    """Seconds the unmutated tests take; raise if they do not pass."""
    start = time.monotonic()
    if run_tests(project, args, timeout=1800):
        raise SystemExit(f"the tests fail without any mutant: pytest {' '.join(args)}")
    return time.monotonic() - start


def score(killed: int, total: int) -> str:
    """`killed/total (percent)`."""
    return f"{killed}/{total} ({100 * killed / total:.1f}%)"


def main() -> None:
    """Score the chosen modules' mutants and print both scores and every survivor."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", default=MODULES, help="modules of src/linreg")
    parser.add_argument("--jobs", type=int, default=2, help="parallel workers (default 2)")
    parser.add_argument("--show", help="print one mutant's change, e.g. model.py/12, and stop")
    args = parser.parse_args()
    mutants = [m for module in args.modules for m in mutants_of(module)]
    if args.show:
        print(next(m.change for m in mutants if m.id == args.show))
        return
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        projects = [scratch_copy(Path(tmp) / f"worker{i}") for i in range(args.jobs)]
        doc_time, rest_time = baseline(projects[0], DOC_TESTS), baseline(projects[0], REST)
        print(
            f"{len(mutants)} mutants; unmutated: doc tests {doc_time:.0f}s, rest {rest_time:.0f}s"
        )
        for m, killed in zip(mutants, run_all(mutants, DOC_TESTS, projects, 3 * doc_time + 30)):
            m.killed_by_docs = m.killed_by_suite = killed
        survivors = [m for m in mutants if not m.killed_by_docs]
        for m, killed in zip(survivors, run_all(survivors, REST, projects, 3 * rest_time + 60)):
            m.killed_by_suite = killed
    report(mutants)


def report(mutants: list[Mutant]) -> None:
    """Print the scores and the survivors; save every verdict as JSON under .cache/mutation/."""
    total = len(mutants)
    print(f"doc tests alone: {score(sum(m.killed_by_docs for m in mutants), total)} killed")
    print(f"whole suite:     {score(sum(m.killed_by_suite for m in mutants), total)} killed")
    for m in mutants:
        if not m.killed_by_suite:
            print(f"survivor {m.id} (line {m.line}):\n{m.change}")
    for m in mutants:
        if m.killed_by_suite and not m.killed_by_docs:
            print(f"killed only by the suite {m.id} (line {m.line}): {m.change.splitlines()[-1]}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps([asdict(m) | {"code": None} for m in mutants], indent=1) + "\n")


if __name__ == "__main__":
    main()
