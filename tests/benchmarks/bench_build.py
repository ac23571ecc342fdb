"""Benchmark: cold and no-change `mkdocs build --strict` against a bare `python -c "import torch"`.

Run with `.venv/bin/python tests/benchmarks/bench_build.py [--runs N]`. The site is built in a
copy of the repository, so the benchmark never touches the working tree's caches. Each round
times the torch import, a cold build (no notebook cache, no mkdocs-jupyter cache, no site) and
then a rebuild with nothing changed; the figures are the ratios of the medians.
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COPIED = ("docs", "src", "mkdocs.yml", "README.md", "pyproject.toml")
IMPORT_TORCH = [sys.executable, "-c", "import torch"]
BUILD = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def copy_repository(dest: Path) -> None:
    """Copy what the build reads into `dest`, without caches or build outputs."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=ignore)
        else:
            shutil.copy2(source, dest / name)


CPU: dict[str, list[float]] = {}  # CPU seconds (user + system, all processes) per command


def seconds(command: list[str], cwd: Path, name: str = "") -> float:
    """Wall-clock seconds of one run of `command`, which must succeed; record its CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=ENV, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    CPU.setdefault(name, []).append(cpu)
    return wall


def cold_build(repo: Path) -> float:
    """Seconds of a build with every cache and the site removed first."""
    shutil.rmtree(repo / ".cache", ignore_errors=True)
    shutil.rmtree(repo / "site", ignore_errors=True)
    return seconds(BUILD, repo, "cold build")


def main() -> None:
    """Time the three commands round by round and print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="rounds of the three commands")
    runs = parser.parse_args().runs
    times: dict[str, list[float]] = {"import torch": [], "cold build": [], "no-change rebuild": []}
    with tempfile.TemporaryDirectory(prefix="bench-build-") as folder:
        repo = Path(folder)
        copy_repository(repo)
        seconds(IMPORT_TORCH, repo)  # warm the file cache once
        cold_build(repo)
        load = os.getloadavg()[0]
        for _ in range(runs):
            times["import torch"].append(seconds(IMPORT_TORCH, repo, "import torch"))
            times["cold build"].append(cold_build(repo))
            times["no-change rebuild"].append(seconds(BUILD, repo, "no-change rebuild"))
    medians = {name: statistics.median(values) for name, values in times.items()}
    torch_s = medians["import torch"]
    print(
        f"{os.cpu_count()} cores; 1-minute load average {load:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after"
    )
    for name, median in medians.items():
        cpu = statistics.median(CPU[name])
        print(f"{name:>18}: median {median:.3f} s wall, {cpu:.3f} s CPU, over {runs} runs")
    print(f"ratio cold build / import torch: {medians['cold build'] / torch_s:.2f} (target <= 5)")
    rebuild = medians["no-change rebuild"] / torch_s
    print(f"ratio no-change rebuild / import torch: {rebuild:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
