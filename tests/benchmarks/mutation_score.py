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
pages), less the notebooks' staleness check; a mutant killed by the doc tests is killed by the
suite too, since it contains them.
"""

import argparse
import difflib
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from multiprocessing.pool import Pool
from pathlib import Path

import pytest
from mutmut.mutation.file_mutation import create_mutations

ROOT = Path(__file__).resolve().parents[2]
MODULES = [  # the functions the chapters show, one module per chapter
    "model.py",
    "loss.py",
    "training.py",
    "nn.py",
    "batches.py",
    "generalization.py",
    "network.py",
]
# what a scratch copy of the project leaves out: history, environments, caches, build output
IGNORE = shutil.ignore_patterns(
    ".git", ".venv*", ".cache", "site", "mutants", "node_modules", "__pycache__", "*.egg-info"
)
DOC_TESTS = ["docs"]
# The rest of the suite, but the browser tests (the doc tests' survivors already pass `docs`) and
# the notebooks' staleness check, which fails for any edit of an embedded section, bug or not.
STALENESS = "tests/test_notebooks.py::test_committed_notebooks_are_up_to_date"
REST = ["tests", "-m", "not site", "--deselect", STALENESS]
RESULTS = ROOT / ".cache" / "mutation" / "results.json"
PROJECT = Path()  # in a worker: its own scratch copy of the project


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


def warm_worker(projects: "multiprocessing.Queue[Path]") -> None:
    """Pool initializer: claim a scratch project, import the heavy modules once, for the forks."""
    global PROJECT
    PROJECT = projects.get()
    import pytest  # noqa: F401
    import sybil  # noqa: F401
    import torch  # noqa: F401


def run_tests(project: Path, args: list[str], timeout: float) -> bool:
    """Run pytest on `args` in a fork of this warm worker; True when the tests fail or hang."""
    pid = os.fork()
    if pid == 0:  # the child: quiet, in the scratch project, importing the project's own src/
        code = 3
        try:
            os.chdir(project)
            sys.path.insert(0, str(project / "src"))
            os.environ.pop("CI", None)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            code = int(pytest.main(["-x", "-q", "-p", "no:cacheprovider", *args]))
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status) != 0
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)  # an endless loop is a bug the tests noticed
    os.waitpid(pid, 0)
    return True


def check(task: tuple[Mutant | None, list[str], float]) -> tuple[bool, float]:
    """In a worker: put the mutant (if any) into the project's module, run the tests, restore."""
    mutant, args, timeout = task
    start = time.monotonic()
    if mutant is None:
        return run_tests(PROJECT, args, timeout), time.monotonic() - start
    path = PROJECT / "src" / "linreg" / mutant.module
    original = path.read_text(encoding="utf-8")
    path.write_text(mutant.code, encoding="utf-8")
    try:
        return run_tests(PROJECT, args, timeout), time.monotonic() - start
    finally:
        path.write_text(original, encoding="utf-8")


def run_all(pool: Pool, mutants: list[Mutant], args: list[str], timeout: float) -> list[bool]:
    """Run `args` against every mutant in the pool's workers; print and return the verdicts."""
    verdicts = []
    tasks = [(m, args, timeout) for m in mutants]
    for mutant, (killed, _) in zip(mutants, pool.imap(check, tasks), strict=True):
        print(f"{mutant.id}: {'killed' if killed else 'SURVIVED'} by pytest {' '.join(args)}")
        verdicts.append(killed)
    return verdicts


def baseline(pool: Pool, args: list[str]) -> float:
    """Seconds the unmutated tests take in a worker; stop if they do not pass."""
    failed, seconds = pool.apply(check, ((None, args, 1800),))
    if failed:
        raise SystemExit(f"the tests fail without any mutant: pytest {' '.join(args)}")
    return seconds


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
    context = multiprocessing.get_context("spawn")  # clean workers, safe to fork
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        projects = context.Queue()
        for i in range(args.jobs):
            projects.put(scratch_copy(Path(tmp) / f"worker{i}"))
        with context.Pool(args.jobs, initializer=warm_worker, initargs=(projects,)) as pool:
            doc_time, rest_time = baseline(pool, DOC_TESTS), baseline(pool, REST)
            print(
                f"{len(mutants)} mutants; unmutated: doc tests {doc_time:.1f}s, rest {rest_time:.0f}s"
            )
            for m, killed in zip(mutants, run_all(pool, mutants, DOC_TESTS, 5 * doc_time + 20)):
                m.killed_by_docs = m.killed_by_suite = killed
            survivors = [m for m in mutants if not m.killed_by_docs]
            for m, killed in zip(survivors, run_all(pool, survivors, REST, 3 * rest_time + 60)):
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
