"""Sections 9.7 and 11.9 on a GPU: what matches the CPU bit for bit, and what within a tolerance.

Run where `torch.cuda.is_available()`:

    python tests/benchmarks/device.py [--epochs 300] [--json FILE]

It trains chapter 11's network (seed 0, width 16, learning rate 1/16, the page's start) on the CPU
in float32 and float64 and on the GPU in float32, with TF32 off (PyTorch's default) and on, by the
hand-written loop (train_network) and by nn.Sequential with optim.SGD (fit). It prints, per run:
the epochs whose loss equals the CPU's bit for bit, the largest loss difference from the CPU's
float32 run and from the float64 run, and the largest parameter difference at the end. The results
for the machines we had are in tests/benchmarks/README.md ("On a GPU").
"""

import argparse
import json
import platform
import sys
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from linreg.network import init_network, make_curve, network_module, train_momentum, train_network
from linreg.nn import fit


def page_start() -> tuple[torch.Tensor, torch.Tensor, list[torch.Tensor]]:
    """Chapter 11's data and the network's start, drawn on the CPU as the page draws them."""
    torch.manual_seed(0)
    X, y = make_curve()
    torch.manual_seed(0)
    return X, y, [param.detach().clone() for param in init_network(1, 16, 1)]


def by_hand(X, y, start, device: str, dtype: torch.dtype, epochs: int):
    """train_network on `device` in `dtype`: the losses and the final parameters on the CPU."""
    params = [p.to(device, dtype).clone().requires_grad_() for p in start]
    losses = train_network(X.to(device, dtype), y.to(device, dtype), params, 1 / 16, epochs)
    return losses, [p.detach().cpu().double() for p in params]


def by_module(X, y, start, device: str, epochs: int):
    """nn.Sequential with optim.SGD on `device`: the losses and W1, b1, W2, b2 on the CPU."""
    model = network_module(start).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=1 / 16)
    losses = fit(model, [(X.to(device), y.to(device))], nn.MSELoss(), optimizer, epochs)
    first, last = model[0], model[2]
    params = [first.weight.T, first.bias, last.weight.T, last.bias]
    return losses, [p.detach().cpu().double() for p in params]


def by_momentum(X, y, start, device: str, epochs: int, library: bool):
    """Hand-written momentum (μ = 0.9), or optim.SGD(momentum=0.9), on `device`: the losses."""
    if not library:
        params = [p.to(device).clone().requires_grad_() for p in start]
        return train_momentum(X.to(device), y.to(device), params, 1 / 16, 0.9, epochs)
    model = network_module(start).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=1 / 16, momentum=0.9)
    return fit(model, [(X.to(device), y.to(device))], nn.MSELoss(), optimizer, epochs)


def compare(losses, params, reference, exact) -> dict:
    """How a run's losses and final parameters stand against the CPU's and float64's."""
    ref_losses, ref_params = reference
    exact_losses, exact_params = exact
    return {
        "epochs_equal_to_cpu": sum(a == b for a, b in zip(losses, ref_losses)),
        "first_epoch_that_differs": next(
            (i for i, (a, b) in enumerate(zip(losses, ref_losses)) if a != b), None
        ),
        "max_loss_diff_cpu": max(abs(a - b) for a, b in zip(losses, ref_losses)),
        "max_loss_diff_float64": max(abs(a - b) for a, b in zip(losses, exact_losses)),
        "max_param_diff_cpu": max((p - q).abs().max().item() for p, q in zip(params, ref_params)),
        "max_param_diff_float64": max(
            (p - q).abs().max().item() for p, q in zip(params, exact_params)
        ),
    }


def main(argv: list[str] | None = None) -> int:
    """Measure and print; write the results as JSON if asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not torch.cuda.is_available():
        print("no CUDA device: nothing to measure", file=sys.stderr)
        return 1
    X, y, start = page_start()
    epochs = args.epochs
    cpu = by_hand(X, y, start, "cpu", torch.float32, epochs)
    exact = by_hand(X, y, start, "cpu", torch.float64, epochs)
    moved = [p.to("cuda").cpu() for p in start]
    results = {
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "gpu": torch.cuda.get_device_name(0),
        "cpu": platform.processor() or platform.machine(),
        "epochs": epochs,
        "copies_exact": all(torch.equal(p, q) for p, q in zip(moved, start)),
        "same_seed_same_numbers": torch.equal(
            torch.randn(5, generator=torch.Generator().manual_seed(0)),
            torch.randn(5, generator=torch.Generator("cuda").manual_seed(0), device="cuda").cpu(),
        ),
        "cpu_float32": compare(*cpu, cpu, exact),
    }
    for tf32 in (False, True):
        torch.backends.cuda.matmul.allow_tf32 = tf32
        name = "tf32" if tf32 else "float32"
        results[f"gpu_{name}_by_hand"] = compare(
            *by_hand(X, y, start, "cuda", torch.float32, epochs), cpu, exact
        )
        results[f"gpu_{name}_sequential"] = compare(
            *by_module(X, y, start, "cuda", epochs), cpu, exact
        )
    torch.backends.cuda.matmul.allow_tf32 = False
    hand = by_hand(X, y, start, "cuda", torch.float32, epochs)
    module = by_module(X, y, start, "cuda", epochs)
    results["gpu_sequential_equals_by_hand"] = hand[0] == module[0] and all(
        torch.equal(p, q) for p, q in zip(hand[1], module[1])
    )
    momentum = by_momentum(X, y, start, "cuda", epochs, library=False)
    results["gpu_momentum_equals_sgd_momentum"] = momentum == by_momentum(
        X, y, start, "cuda", epochs, library=True
    )
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
