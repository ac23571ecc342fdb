"""Benchmark: the whole doc-test run against a bare `python -c "import torch"`.

Run with `.venv/bin/python tests/benchmarks/bench_doctests.py [--runs N]`. The commands
alternate, so all see the same machine load; the figure is the ratio of their medians. Two more
commands say where the time goes: the doc tests of chapters 5 to 7 alone, and importing torch
and making one optimizer, which imports `torch._dynamo` (chapter 8 uses `torch.optim`).
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = {
    "import torch": [sys.executable, "-c", "import torch"],
    "doc tests": [sys.executable, "-m", "pytest", "docs", "-q", "-p", "no:cacheprovider"],
    "chapters 5-7": [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "docs/index.md",
        "docs/model.md",
        "docs/loss.md",
        "docs/training.md",
    ],
    "torch + optim": [  # the floor any torch.optim user pays: one optimizer, one step
        sys.executable,
        "-c",
        "import torch; torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1).step()",
    ],
}


def seconds(command: list[str]) -> float:
    """Wall-clock seconds of one run of `command`, which must succeed."""
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    """Time both commands alternately and print their medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11, help="runs of each command")
    runs = parser.parse_args().runs
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for name, command in COMMANDS.items():
        seconds(command)  # warm the file cache once
    for _ in range(runs):
        for name, command in COMMANDS.items():
            times[name].append(seconds(command))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name:>13}: median {median:.3f} s over {runs} runs")
    for name in ("doc tests", "chapters 5-7", "torch + optim"):
        print(f"ratio {name} / import torch: {medians[name] / medians['import torch']:.2f}")


if __name__ == "__main__":
    main()
