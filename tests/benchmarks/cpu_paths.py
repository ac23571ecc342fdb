"""Chapters 8 and 11's library-versus-hand-written runs on each CPU code path of this machine.

    python tests/benchmarks/cpu_paths.py

For each path of tests/benchmarks/determinism.py (AVX-512, AVX2, and no vector kernels with MKL
on SSE4.2) it runs tests/test_nn.py's EPOCHS_RUN and tests/test_network.py's PATH_RUN in a fresh
process and prints their JSON, then checks how nn.Linear's first layer rounds: twice, as our
X @ W1 + b1, or once (the bias added inside the product). The figures for an AMD EPYC and an
Intel Xeon are in tests/benchmarks/README.md ("On a GPU, and on an Intel CPU").
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import torch
from tests.test_network import PATH_RUN
from tests.test_nn import EPOCHS_RUN, PATH_ENV

from linreg.network import init_network, make_curve, network_module


def run_on_path(path: str, code: str) -> str:
    """The last line a script prints on one ATEN_CPU_CAPABILITY path (its JSON)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "ATEN_CPU_CAPABILITY": path}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, **PATH_ENV[path]},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def first_layer_rounding() -> str:
    """How nn.Linear's first layer compares with X @ W1 + b1 and with x·w + b rounded once."""
    torch.manual_seed(0)
    X, _ = make_curve()
    torch.manual_seed(0)
    W1, b1, W2, b2 = [p.detach().clone() for p in init_network(1, 16, 1)]
    with torch.no_grad():
        theirs = network_module([W1, b1, W2, b2])[0](X)
    ours = X @ W1 + b1
    once = (X.double() @ W1.double() + b1.double()).float()
    return (
        f"nn.Linear == X @ W1 + b1: {torch.equal(theirs, ours)}; "
        f"== rounded once: {torch.equal(theirs, once)}; "
        f"outputs that differ: {int((theirs != ours).sum())} of {theirs.numel()}"
    )


def main() -> None:
    """Print each path's runs, then the first layer's rounding on the default path."""
    for path in PATH_ENV:
        print(path, "chapter 8 ", run_on_path(path, EPOCHS_RUN), flush=True)
        print(path, "chapter 11", run_on_path(path, PATH_RUN), flush=True)
    print(first_layer_rounding())


if __name__ == "__main__":
    main()
