"""Unit tests for chapter 7's code (src/linreg/training.py and the program in __main__.py)."""

import contextlib
import io
import itertools
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from linreg.loss import mse_loss
from linreg.model import forward, init_params, make_data
from linreg.training import least_squares, train

ROOT = Path(__file__).resolve().parent.parent
# The training cell of the notebook this tutorial grew from, verbatim (In [14]).
SEED_LOOP = """\
# Hyperparameters
learning_rate = 0.01
epochs = 200

# Let's re-initialize our random parameters
W = torch.randn(1, 1, requires_grad=True)
b = torch.randn(1, requires_grad=True)

print(f"Starting Parameters: W={W.item():.3f}, b={b.item():.3f}\\n")

# The Training Loop
for epoch in range(epochs):
    ### STEP 1 & 2: Forward Pass and Loss Calculation ###
    y_hat = X @ W + b
    loss = torch.mean((y_hat - y_true)**2)

    ### STEP 3: Backward Pass (Calculate Gradients) ###
    loss.backward()

    ### STEP 4: Update Parameters (The Gradient Descent Step) ###
    # We wrap this in no_grad() because this is not part of the model's computation
    with torch.no_grad():
        W -= learning_rate * W.grad
        b -= learning_rate * b.grad

    ### STEP 5: Zero the Gradients ###
    # We must reset the gradients for the next iteration
    W.grad.zero_()
    b.grad.zero_()

    # Optional: Print progress
    if epoch % 10 == 0:
        print(f"Epoch {epoch:02d}: Loss={loss.item():.4f}, W={W.item():.3f}, b={b.item():.3f}")

print(f"\\nFinal Parameters: W={W.item():.3f}, b={b.item():.3f}")
print(f"True Parameters:  W=2.000, b=1.000")
"""


def run_printing(code: str, namespace: dict) -> str:
    """Execute `code` in `namespace` and return what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, namespace)  # noqa: S102
    return out.getvalue()


def seed_notebook_run() -> tuple[str, dict]:
    """The notebook's data and training cell from torch.manual_seed(0): printed text, namespace."""
    torch.manual_seed(0)
    X, y_true = make_data()  # the notebook's own recipe: test_model checks it bit for bit
    namespace = {"torch": torch, "X": X, "y_true": y_true}
    return run_printing(SEED_LOOP, namespace), namespace


def seeded_problem(seed: int = 0) -> tuple[torch.Tensor, ...]:
    """The chapter's data and starting parameters for a given seed."""
    torch.manual_seed(seed)
    X, y = make_data()
    W, b = init_params()
    return X, y, W, b


def output_fences(markdown: str) -> list[str]:
    """The bodies of a chapter's ```text title="Output" fences, in page order."""
    return re.findall(r'^```text title="Output"\n(.*?)^```', markdown, re.MULTILINE | re.DOTALL)


def test_the_program_is_the_seed_notebooks_loop_bit_for_bit() -> None:
    """Same printed lines, and the same final W and b to the last bit."""
    printed, seed = seed_notebook_run()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        ours = runpy.run_module("linreg", run_name="__main__")
    assert out.getvalue() == printed
    assert torch.equal(ours["W"], seed["W"]) and torch.equal(ours["b"], seed["b"])


def test_python_m_linreg_prints_what_the_chapter_shows() -> None:
    """`python -m linreg` in a fresh process prints the Output under the whole program (7.6),
    which is the output of the loop in 7.2."""
    result = subprocess.run(
        [sys.executable, "-m", "linreg"], capture_output=True, text=True, check=True, cwd=ROOT
    )
    shown = output_fences((ROOT / "docs" / "training.md").read_text(encoding="utf-8"))
    assert len(shown) == 2
    assert result.stdout == shown[0] == shown[1]


def test_train_retraces_the_loop_bit_for_bit(capsys: pytest.CaptureFixture[str]) -> None:
    """The function of 7.2 gives the same losses, log lines and parameters as the loop."""
    printed, seed = seed_notebook_run()
    X, y, W, b = seeded_problem()
    history = train(X, y, W, b, learning_rate=0.01, epochs=200, log_every=10)
    assert torch.equal(W, seed["W"]) and torch.equal(b, seed["b"])
    assert capsys.readouterr().out.splitlines() == printed.splitlines()[2:22]
    assert f"{history[0][0]:.4f}" == "4.0224" and len(history) == 200


def test_history_rows_are_the_log_lines_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    """Each row is (loss before the step, W after it, b after it), for every epoch."""
    X, y, W, b = seeded_problem()
    W0, b0 = W.detach().clone(), b.detach().clone()
    history = train(X, y, W, b, learning_rate=0.01, epochs=3, log_every=1)
    lines = capsys.readouterr().out.splitlines()
    assert len(history) == len(lines) == 3
    for (loss, w, b_), line in zip(history, lines):
        assert f"Loss={loss:.4f}, W={w:.3f}, b={b_:.3f}" in line
    assert history[0][0] == pytest.approx(mse_loss(forward(X, W0, b0), y).item())
    assert (history[-1][1], history[-1][2]) == (W.item(), b.item())


def test_loss_decreases_every_epoch_at_the_chapters_rate() -> None:
    X, y, W, b = seeded_problem()
    history = train(X, y, W, b, learning_rate=0.01, epochs=200, log_every=1000)
    losses = [loss for loss, _, _ in history]
    assert all(later < earlier for earlier, later in itertools.pairwise(losses))


def test_train_leaves_no_gradient_behind() -> None:
    X, y, W, b = seeded_problem()
    train(X, y, W, b, epochs=2)
    assert W.grad is None and b.grad is None
    assert W.is_leaf and W.requires_grad  # still a trainable parameter


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_training_reaches_the_least_squares_solution(seed: int) -> None:
    X, y, W, b = seeded_problem(seed)
    train(X, y, W, b, learning_rate=0.05, epochs=3000, log_every=3000)
    W_ls, b_ls = least_squares(X, y)
    torch.testing.assert_close(W.detach(), W_ls, atol=1e-4, rtol=0)
    torch.testing.assert_close(b.detach(), b_ls, atol=1e-4, rtol=0)


def test_least_squares_matches_the_normal_equations() -> None:
    torch.manual_seed(5)
    X, y = make_data(n=50)
    A = torch.cat([X, torch.ones(50, 1)], dim=1).double()
    theta = torch.linalg.solve(A.T @ A, A.T @ y.double())  # (AᵀA)θ = Aᵀy
    W_ls, b_ls = least_squares(X, y)
    torch.testing.assert_close(W_ls.double(), theta[:1], atol=1e-5, rtol=0)
    torch.testing.assert_close(b_ls.double(), theta[1], atol=1e-5, rtol=0)


def test_least_squares_fits_several_features() -> None:
    torch.manual_seed(6)
    X = torch.randn(40, 3)
    y = X @ torch.tensor([[1.0], [-2.0], [0.5]]) + 3.0
    W_ls, b_ls = least_squares(X, y)
    torch.testing.assert_close(W_ls, torch.tensor([[1.0], [-2.0], [0.5]]), atol=1e-4, rtol=0)
    torch.testing.assert_close(b_ls, torch.tensor([3.0]), atol=1e-4, rtol=0)


def test_least_squares_names_its_driver() -> None:
    """An explicit driver, so the fit the page shows cannot move with a default (issue 14)."""
    source = (ROOT / "src" / "linreg" / "training.py").read_text(encoding="utf-8")
    assert 'torch.linalg.lstsq(A, y, driver="gels")' in source


def test_least_squares_lets_pytorch_name_mismatched_rows() -> None:
    with pytest.raises(RuntimeError, match="must have the same number of rows|size"):
        least_squares(torch.ones(3, 1), torch.ones(4, 1))


def test_divergence_stops_with_the_epoch(capsys: pytest.CaptureFixture[str]) -> None:
    X, y, W, b = seeded_problem()
    with pytest.raises(FloatingPointError, match="loss is inf at epoch 37"):
        train(X, y, W, b, learning_rate=1.5, log_every=1)
    out = capsys.readouterr().out
    assert "nan" not in out and "inf" not in out
    assert torch.isfinite(W).all() and torch.isfinite(b).all()


def test_parameters_that_overflow_are_caught_at_the_next_epoch() -> None:
    X, _, W, b = seeded_problem()
    X = X * 1e18  # finite data whose gradients throw the parameters to inf in one step
    with pytest.raises(FloatingPointError, match="at epoch 1"):
        train(X, 2 * X + 1, W, b, learning_rate=0.01)


def test_empty_data_is_refused_not_trained_on() -> None:
    """No points: the mean of no squares is NaN, and train stops at once."""
    torch.manual_seed(0)
    X, y = make_data(0)
    W, b = init_params()
    with pytest.raises(FloatingPointError, match="loss is nan at epoch 0"):
        train(X, y, W, b)


def test_missing_targets_are_refused() -> None:
    X, y, W, b = seeded_problem()
    y[3] = float("nan")
    with pytest.raises(FloatingPointError, match="loss is nan at epoch 0"):
        train(X, y, W, b)


def test_flat_targets_are_refused_by_the_loss() -> None:
    X, y, W, b = seeded_problem()
    with pytest.raises(ValueError, match="shapes differ"):
        train(X, y[:, 0], W, b)


def test_more_than_one_feature_is_named_by_pytorch() -> None:
    """train logs W.item(), so it fits one weight; PyTorch says so for more."""
    torch.manual_seed(0)
    X, y = torch.randn(8, 3), torch.randn(8, 1)
    W, b = init_params(d_in=3)
    with pytest.raises(RuntimeError, match="a Tensor with 3 elements cannot be converted"):
        train(X, y, W, b)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"epochs": 2.5}, TypeError, "'float' object cannot be interpreted as an integer"),
        ({"log_every": 0}, ZeroDivisionError, "modulo by zero"),
    ],
)
def test_bad_loop_settings_are_named_by_python(kwargs: dict, error: type, message: str) -> None:
    X, y, W, b = seeded_problem()
    with pytest.raises(error, match=message):
        train(X, y, W, b, **kwargs)
