"""Determinism of the doc tests: N runs, and runs with other thread counts, give identical results.

    .venv/bin/python tests/benchmarks/determinism.py              # 10 runs, threads, CPU paths
    .venv/bin/python tests/benchmarks/determinism.py --runs 3 --threads 1 8

Then it runs them on the code paths of older CPUs, as readers' machines may take them: torch's
kernels without AVX-512 or without any vector instructions (`ATEN_CPU_CAPABILITY`), and MKL's
BLAS on SSE4.2 (`MKL_ENABLE_INSTRUCTIONS`). There the pages must still pass; the exact bits may
differ (a sum taken in another order), which the report shows separately.

Each run is `pytest docs` in a fresh process. Identical means more than "passed" (the pages
show 4 decimals): loaded as a pytest plugin (`-p determinism`), this module fingerprints, after
each chapter's last example, every tensor and float the chapter's namespace holds, bit for bit.
Runs agree when their outcomes and fingerprints agree.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FINGERPRINTS = "DETERMINISM_FINGERPRINTS"  # env var: where the plugin writes its JSON


def fingerprint(namespace: dict) -> str:
    """SHA-256 over the names and exact bytes of every tensor and float in a namespace."""
    import torch

    digest = hashlib.sha256()
    for name in sorted(namespace):
        value = namespace[name]
        if isinstance(value, torch.Tensor):
            digest.update(name.encode() + value.detach().cpu().contiguous().numpy().tobytes())
        elif isinstance(value, float):
            digest.update(name.encode() + value.hex().encode())
        elif isinstance(value, list) and value and all(isinstance(v, float) for v in value):
            digest.update(name.encode() + "".join(v.hex() for v in value).encode())
    return digest.hexdigest()


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """After a chapter's last example, record its namespace's fingerprint (plugin hook)."""
    example = getattr(item, "example", None)
    if (
        example is None
        or getattr(nextitem, "example", None) is not None
        and (nextitem.example.document is example.document)
    ):
        return
    path = Path(os.environ[FINGERPRINTS])
    found = json.loads(path.read_text()) if path.exists() else {}
    found[Path(example.path).name] = fingerprint(example.namespace)
    path.write_text(json.dumps(found, indent=1, sort_keys=True))


# Older CPUs' code paths: name -> environment
CPU_PATHS = {
    "AVX2 kernels": {"ATEN_CPU_CAPABILITY": "avx2"},
    "no vector kernels, SSE4.2 BLAS": {
        "ATEN_CPU_CAPABILITY": "default",
        "MKL_ENABLE_INSTRUCTIONS": "SSE4_2",
    },
}


def run_once(threads: int | None, extra: dict[str, str] | None = None) -> dict:
    """One `pytest docs` in a fresh process; return its outcome line and chapter fingerprints."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, **(extra or {}), FINGERPRINTS: str(Path(tmp) / "fingerprints.json")}
        env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parent), env.get("PYTHONPATH", "")])
        if threads is not None:
            env["OMP_NUM_THREADS"] = str(threads)  # torch's intra-op thread count at start-up
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p"]
        command += ["determinism", "docs"]
        run = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        summary = run.stdout.strip().splitlines()[-1].split(" in ")[0]  # e.g. "94 passed"
        found = Path(env[FINGERPRINTS])
        return {
            "summary": summary,
            "fingerprints": json.loads(found.read_text()) if found.exists() else {},
        }


def main() -> None:
    """Run the doc tests repeatedly and with other thread counts; exit 1 on any difference."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="consecutive runs (default 10)")
    parser.add_argument("--threads", type=int, nargs="*", default=[1, 2, 4], help="thread counts")
    args = parser.parse_args()
    results = [run_once(None) for _ in range(args.runs)]
    results += [run_once(n) for n in args.threads]
    labels = [f"run {i + 1}" for i in range(args.runs)] + [f"{n} thread(s)" for n in args.threads]
    reference = results[0]
    for label, result in zip(labels, results, strict=True):
        same = result == reference
        chapters = len(result["fingerprints"])
        verdict = "identical" if same else "DIFFERENT"
        print(f"{label:12} {result['summary']:12} {chapters} chapters fingerprinted  {verdict}")
        if not same:
            for chapter, digest in result["fingerprints"].items():
                if reference["fingerprints"].get(chapter) != digest:
                    print(f"    {chapter}: values differ from run 1")
    passing = True
    for label, extra in CPU_PATHS.items():
        result = run_once(None, extra)
        passes = result["summary"] == reference["summary"]
        bits = [c for c, d in result["fingerprints"].items() if reference["fingerprints"][c] != d]
        detail = f"bits differ in {', '.join(bits)}" if bits else "bit for bit"
        print(f"{label}: {result['summary']}, {'passes' if passes else 'FAILS'} ({detail})")
        passing = passing and passes
    sys.exit(0 if passing and all(r == reference for r in results) else 1)


if __name__ == "__main__":
    main()
