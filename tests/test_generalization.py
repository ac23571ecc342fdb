"""Unit tests for chapter 10's code (src/linreg/generalization.py) and what the chapter claims:
held-out splits, the polynomial fits, weight decay against the hand-written L2 term, early
stopping, the learning-rate bound of scaled inputs, and checkpoints that resume bit for bit."""

import copy
import itertools
import json
import os
import pickle
import platform
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from linreg.generalization import (
    curvature_eigenvalues,
    early_stopping,
    evaluate,
    fit_and_validate,
    fit_l2,
    l2_term,
    largest_lr,
    load_checkpoint,
    poly_loss,
    powers,
    ridge,
    save_checkpoint,
    split,
)
from linreg.model import init_params, make_data
from linreg.nn import fit, load_params
from linreg.training import least_squares, train

ROOT = Path(__file__).resolve().parent.parent


def chapter_start(seed: int = 0) -> tuple[torch.Tensor, ...]:
    """Chapter 7's 10 points and starting parameters for a seed."""
    torch.manual_seed(seed)
    X, y = make_data()
    W, b = init_params()
    return X, y, W, b


def linear(W: torch.Tensor, b: torch.Tensor) -> nn.Linear:
    """An nn.Linear holding W (in, out) and b."""
    model = nn.Linear(W.shape[0], W.shape[1])
    load_params(model, W, b)
    return model


# --- split and evaluate -------------------------------------------------------------------------


def test_split_holds_every_point_once_in_one_of_the_two_parts() -> None:
    X = torch.arange(50.0)[:, None]
    train_set, val_set = split(X, 2 * X, val_fraction=0.2, seed=0)
    assert len(train_set) == 40 and len(val_set) == 10
    seen = torch.cat([train_set.tensors[0], val_set.tensors[0]])[:, 0]
    assert sorted(seen.tolist()) == X[:, 0].tolist()
    for part in (train_set, val_set):  # each input keeps its own target
        assert torch.equal(part.tensors[1], 2 * part.tensors[0])


def test_split_is_the_same_for_a_seed_and_differs_between_seeds() -> None:
    X = torch.arange(100.0)[:, None]
    first, again, other = (split(X, X, 0.2, seed)[1].tensors[0] for seed in (0, 0, 1))
    assert torch.equal(first, again) and not torch.equal(first, other)
    assert not torch.equal(first[:, 0], torch.arange(80.0, 100.0))  # random, not the tail


def test_split_does_not_touch_the_global_random_numbers() -> None:
    """Its generator is its own: what runs after a split draws as if it had not run."""
    torch.manual_seed(0)
    expected = torch.randn(3)
    torch.manual_seed(0)
    split(torch.ones(10, 1), torch.ones(10, 1), 0.2, seed=5)
    assert torch.equal(torch.randn(3), expected)


def test_an_unseeded_random_split_differs_from_run_to_run() -> None:
    """Section 10.6: without a generator, 156 of the second split's 200 validation points were
    training points of the first."""
    from torch.utils.data import random_split

    torch.manual_seed(0)
    X, y = make_data(1000)
    dataset = TensorDataset(X, y)
    torch.manual_seed(0)  # as the page does, right before the splits
    first_train, first_val = random_split(dataset, [0.8, 0.2])
    _, again_val = random_split(dataset, [0.8, 0.2])
    assert len(set(again_val.indices) & set(first_train.indices)) == 156
    assert sorted(first_val.indices) != sorted(again_val.indices)


@pytest.mark.parametrize("fraction", [1.5, -0.2])
def test_split_refuses_a_fraction_outside_zero_to_one(fraction: float) -> None:
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        split(torch.ones(10, 1), torch.ones(10, 1), val_fraction=fraction, seed=0)


def test_an_empty_validation_set_is_announced() -> None:
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        split(torch.ones(10, 1), torch.ones(10, 1), val_fraction=0.0, seed=0)


def test_evaluate_is_the_loss_without_a_graph_and_leaves_training_mode_on() -> None:
    torch.manual_seed(0)
    model = nn.Linear(1, 1)
    X, y = torch.randn(20, 1), torch.randn(20, 1)
    _, val_set = split(X, y, 0.5, seed=0)
    loss = evaluate(model, val_set, nn.MSELoss())
    X_val, y_val = val_set.tensors
    assert loss == nn.MSELoss()(model(X_val), y_val).item()
    assert model.training and model.weight.grad is None


def test_evaluate_leaves_a_model_in_evaluation_mode_in_it() -> None:
    """It restores the mode the model was in, whichever that was."""
    model = nn.Sequential(nn.Dropout(0.5), nn.Linear(1, 1)).eval()
    evaluate(model, TensorDataset(torch.ones(4, 1), torch.ones(4, 1)), nn.MSELoss())
    assert not model.training and not model[0].training


def test_evaluate_switches_dropout_off_while_it_measures() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Dropout(0.5), nn.Linear(4, 1))
    X, y = torch.randn(64, 4), torch.randn(64, 1)
    _, val_set = split(X, y, 0.5, seed=0)
    losses = {evaluate(model, val_set, nn.MSELoss()) for _ in range(3)}
    assert len(losses) == 1  # dropout off: the same loss every time


def test_evaluation_without_inference_mode_keeps_a_graph_of_three_tensors() -> None:
    """Section 10.6: the inputs, predictions and targets, 2,400 bytes for 200 points."""
    saved = []

    def keep(tensor: torch.Tensor) -> torch.Tensor:
        saved.append(tensor)
        return tensor

    model = nn.Linear(1, 1)
    X, y = torch.randn(200, 1), torch.randn(200, 1)
    with torch.autograd.graph.saved_tensors_hooks(keep, lambda t: t):
        loss = nn.MSELoss()(model(X), y)
    assert [tuple(t.shape) for t in saved] == [(200, 1)] * 3 and loss.grad_fn is not None
    assert sum(t.nbytes for t in saved) == 2400
    saved.clear()
    with torch.autograd.graph.saved_tensors_hooks(keep, lambda t: t), torch.inference_mode():
        loss = nn.MSELoss()(model(X), y)
    assert saved == [] and loss.grad_fn is None


def test_an_inference_tensor_cannot_be_saved_for_backward() -> None:
    """What inference_mode costs, and why no_grad is the choice for values used in training."""
    model = nn.Linear(1, 1)
    with torch.inference_mode():
        y_hat = model(torch.ones(3, 1))
    with pytest.raises(RuntimeError, match="Inference tensors cannot be saved for backward"):
        (model.weight * y_hat).sum().backward()
    with torch.no_grad():
        y_hat = model(torch.ones(3, 1))
    (model.weight * y_hat).sum().backward()  # a normal tensor: fine


def test_fit_and_validate_is_fit_one_epoch_at_a_time_with_both_losses() -> None:
    """Epoch 0 is the start; each later entry is evaluate after one more epoch of fit."""
    _, _, W, b = chapter_start()
    train_set, val_set = split(*make_data(100), val_fraction=0.2, seed=0)
    model, reference = linear(W, b), linear(W, b)
    loss_fn = nn.MSELoss()
    train_losses, val_losses = fit_and_validate(
        model,
        [train_set.tensors],
        train_set,
        val_set,
        loss_fn,
        torch.optim.SGD(model.parameters(), lr=0.1),
        epochs=3,
    )
    optimizer = torch.optim.SGD(reference.parameters(), lr=0.1)
    expected = [(evaluate(reference, train_set, loss_fn), evaluate(reference, val_set, loss_fn))]
    for _ in range(3):
        fit(reference, [train_set.tensors], loss_fn, optimizer, 1)
        expected.append(
            (evaluate(reference, train_set, loss_fn), evaluate(reference, val_set, loss_fn))
        )
    assert list(zip(train_losses, val_losses)) == expected
    assert torch.equal(model.weight, reference.weight)


# --- polynomials and overfitting ----------------------------------------------------------------


def test_powers_are_x_to_the_k_over_k_factorial() -> None:
    X = torch.tensor([[2.0], [-1.0]])
    expected = torch.tensor([[2.0, 2.0, 8 / 6, 16 / 24], [-1.0, 0.5, -1 / 6, 1 / 24]])
    torch.testing.assert_close(powers(X, 4), expected)
    assert powers(X, 1).shape == (2, 1)


def test_dividing_by_k_factorial_changes_no_fitted_curve() -> None:
    """Least squares on x^k/k! and on x^k give the same curve (the k! goes into the weights)."""
    X, y, _, _ = chapter_start()
    X_new = torch.linspace(-2, 1.5, 7)[:, None]
    for degree in (1, 3, 5):
        raw = torch.cat([X**k for k in range(1, degree + 1)], dim=1)
        raw_new = torch.cat([X_new**k for k in range(1, degree + 1)], dim=1)
        W_raw, b_raw = least_squares(raw, y)
        W_k, b_k = least_squares(powers(X, degree), y)
        torch.testing.assert_close(
            powers(X_new, degree) @ W_k + b_k, raw_new @ W_raw + b_raw, atol=1e-4, rtol=1e-4
        )


def test_poly_loss_is_the_mse_of_the_polynomial() -> None:
    torch.manual_seed(1)
    X, y = torch.randn(20, 1), torch.randn(20, 1)
    W, b = torch.randn(3, 1), torch.randn(1)
    y_hat = W[0] * X + W[1] * X**2 / 2 + W[2] * X**3 / 6 + b
    assert poly_loss(W, b, X, y) == pytest.approx(nn.MSELoss()(y_hat, y).item(), rel=1e-6)


def test_overfitting_as_the_chapter_shows_it() -> None:
    """Section 10.2: the training loss falls with every degree, to float32's rounding at 9 (10
    coefficients, 10 points); the validation loss is lowest at degree 2 and climbs from 3 on."""
    X, y, _, _ = chapter_start()
    torch.manual_seed(0)
    _, val_set = split(*make_data(1000), val_fraction=0.2, seed=0)
    X_val, y_val = val_set.tensors
    fits = [least_squares(powers(X, d), y) for d in range(1, 10)]
    train_losses = [poly_loss(W, b, X, y) for W, b in fits]
    val_losses = [poly_loss(W, b, X_val, y_val) for W, b in fits]
    assert all(later < earlier for earlier, later in itertools.pairwise(train_losses))
    assert train_losses[-1] < 1e-6
    assert min(val_losses) == val_losses[1]
    assert all(later > earlier for earlier, later in itertools.pairwise(val_losses[2:]))
    assert f"{val_losses[-1]:.3g}" == "1.55e+08"


# --- weight decay -------------------------------------------------------------------------------


def test_l2_term_is_half_lambda_times_the_squared_parameters() -> None:
    params = [torch.tensor([[3.0]]), torch.tensor([1.0, -2.0])]
    assert l2_term(params, 0.5).item() == 0.25 * (9 + 1 + 4)
    assert l2_term(params, 0.0).item() == 0.0


def test_ridge_is_the_minimum_of_the_decayed_loss_with_b_free() -> None:
    """Its gradient of MSE + (λ/2)·‖W‖², computed in float64, is zero: ∂/∂W has the λW term,
    ∂/∂b has none."""
    torch.manual_seed(2)
    X, y = torch.randn(30, 4), torch.randn(30, 1)
    lam = 0.3
    W, b = ridge(X, y, lam)
    W64 = W.double().requires_grad_()
    b64 = b.double().requires_grad_()
    loss = torch.mean((X.double() @ W64 + b64 - y.double()) ** 2) + lam / 2 * (W64**2).sum()
    loss.backward()
    assert W64.grad.abs().max() < 1e-5 and b64.grad.abs().max() < 1e-5


def test_ridge_without_decay_is_least_squares() -> None:
    X, y, _, _ = chapter_start()
    for got, expected in zip(ridge(powers(X, 3), y, 0.0), least_squares(powers(X, 3), y)):
        torch.testing.assert_close(got, expected, atol=1e-4, rtol=1e-4)


def test_ridge_moves_with_the_targets_because_b_is_not_decayed() -> None:
    """Section 10.3: targets 10 higher give the same W and b 10 higher."""
    X, y, _, _ = chapter_start()
    W, b = ridge(X, y, 0.5)
    W_up, b_up = ridge(X, y + 10, 0.5)
    torch.testing.assert_close(W_up, W)
    torch.testing.assert_close(b_up, b + 10)


def test_sgd_with_weight_decay_on_the_weight_only_converges_to_ridge() -> None:
    """The closed form is where the loop ends: parameter groups, weight decayed, bias free."""
    X, y, W, b = chapter_start()
    model = linear(W, b)
    optimizer = torch.optim.SGD(
        [
            {"params": [model.weight], "weight_decay": 0.5},
            {"params": [model.bias], "weight_decay": 0.0},
        ],
        lr=0.2,
    )
    fit(model, [(X, y + 10)], nn.MSELoss(), optimizer, 200)
    W_ridge, b_ridge = ridge(X, y + 10, 0.5)
    torch.testing.assert_close(model.weight, W_ridge.T, atol=1e-5, rtol=0)
    torch.testing.assert_close(model.bias, b_ridge, atol=1e-5, rtol=0)


def test_the_page_weight_decay_runs() -> None:
    """Section 10.3: weight_decay=0.5 and the L2 term of both parameters, and parameter groups and
    the L2 term of the weight, end bit for bit equal; a decayed bias costs 34 times the loss."""
    X, y, W, b = chapter_start()
    loss_fn = nn.MSELoss()
    shifted_losses = []
    for targets, groups in [(y, False), (y + 10, False), (y + 10, True)]:
        model_sgd, model_l2 = linear(W, b), linear(W, b)
        if groups:
            optimizer = torch.optim.SGD(
                [
                    {"params": [model_sgd.weight], "weight_decay": 0.5},
                    {"params": [model_sgd.bias], "weight_decay": 0.0},
                ],
                lr=0.2,
            )
            decayed = [model_l2.weight]
        else:
            optimizer = torch.optim.SGD(model_sgd.parameters(), lr=0.2, weight_decay=0.5)
            decayed = [model_l2.weight, model_l2.bias]
        fit(model_sgd, [(X, targets)], loss_fn, optimizer, 50)
        fit_l2(
            model_l2,
            [(X, targets)],
            loss_fn,
            torch.optim.SGD(model_l2.parameters(), lr=0.2),
            50,
            0.5,
            decayed,
        )
        assert torch.equal(model_sgd.weight, model_l2.weight)
        assert torch.equal(model_sgd.bias, model_l2.bias)
        shifted_losses.append(loss_fn(model_sgd(X), targets).item())
    assert round(shifted_losses[1] / shifted_losses[2]) == 34


def test_fit_l2_reports_the_loss_with_its_term() -> None:
    X, y, W, b = chapter_start()
    model = linear(W, b)
    expected = nn.MSELoss()(model(X), y).item() + 0.25 * (W.item() ** 2 + b.item() ** 2)
    losses = fit_l2(
        model,
        [(X, y)],
        nn.MSELoss(),
        torch.optim.SGD(model.parameters(), lr=0.0),
        1,
        0.5,
        list(model.parameters()),
    )
    assert losses[0] == pytest.approx(expected, rel=1e-6)


# Per (seed, targets y and y + 10): at how many of 50 epochs SGD(weight_decay=λ) and fit_l2 with
# the L2 term of both parameters differ, and by how many units in the last place (ulps) of
# float32 at most. Printed as JSON by a fresh process, so that ATEN_CPU_CAPABILITY picks torch's
# kernels (it is read once, at start-up).
WEIGHT_DECAY_RUN = """
import json, torch
from torch import nn
from linreg.model import init_params, make_data
from linreg.nn import fit, load_params
from linreg.generalization import fit_l2
def ulps(p, q):
    # float32s of one sign are ordered as their bits, read as integers
    return (p.detach().view(torch.int32).long() - q.detach().view(torch.int32).long()).abs()
found = {}
for lam in (0.5, 0.1):
    runs = []
    for seed in range(20):
        torch.manual_seed(seed)
        X, y = make_data()
        W, b = init_params()
        for shift in (0.0, 10.0):
            models = [nn.Linear(1, 1), nn.Linear(1, 1)]
            for model in models:
                load_params(model, W, b)
            sgd = torch.optim.SGD(models[0].parameters(), lr=0.2, weight_decay=lam)
            plain = torch.optim.SGD(models[1].parameters(), lr=0.2)
            differ, most = 0, 0
            for epoch in range(50):
                fit(models[0], [(X, y + shift)], nn.MSELoss(), sgd, 1)
                fit_l2(models[1], [(X, y + shift)], nn.MSELoss(), plain, 1, lam,
                       list(models[1].parameters()))
                apart = [ulps(p, q).max().item()
                         for p, q in zip(models[0].parameters(), models[1].parameters())]
                differ += max(apart) > 0
                most = max(most, *apart)
            runs.append([differ, most])
    found[str(lam)] = runs
print(json.dumps({"path": torch.backends.cpu.get_cpu_capability(), "runs": found}))
"""
# Measured here on 2026-12-04 (torch 2.13.0, an Intel CPU with AVX-512 and FMA), with λ = 0.1 on
# the vector paths, for seeds 0 to 19, each for y and y + 10: the epochs that differ, and the
# most ulps apart. The box of section 10.3 states them: 3 epochs for the page's run, at most 20,
# never more than 2 ulps.
VECTOR_EPOCHS = [
    3,
    11,
    7,
    9,
    20,
    0,
    0,
    0,
    7,
    5,
    0,
    16,
    1,
    0,
    2,
    5,
    0,
    3,
    1,
    11,
    2,
    0,
    4,
    5,
    9,
    0,
    1,
    1,
    2,
    3,
    8,
    0,
    7,
    1,
    0,
    0,
    7,
    8,
    3,
    0,
]
VECTOR_ULPS = [
    1,
    2,
    1,
    1,
    1,
    0,
    0,
    0,
    1,
    1,
    0,
    1,
    1,
    0,
    1,
    1,
    0,
    1,
    1,
    1,
    1,
    0,
    1,
    1,
    1,
    0,
    1,
    1,
    1,
    1,
    1,
    0,
    1,
    1,
    0,
    0,
    2,
    1,
    1,
    0,
]
CODE_PATHS = {
    "avx512": (VECTOR_EPOCHS, VECTOR_ULPS),
    "avx2": (VECTOR_EPOCHS, VECTOR_ULPS),
    "default": ([0] * 40, [0] * 40),  # no vector kernels: no fused multiply-add
}


@pytest.mark.skipif(
    platform.machine() not in ("x86_64", "AMD64"), reason="the measured code paths are x86's"
)
@pytest.mark.parametrize("path", CODE_PATHS)
def test_weight_decay_and_the_l2_term_on_each_code_path(path: str) -> None:
    """λ = 0.5, a power of two: equal at every epoch for every seed on every path. λ = 0.1:
    equal on the plain path; on the vector paths (fused multiply-add) some epochs differ, by at
    most 2 ulps."""
    result = subprocess.run(
        [sys.executable, "-c", WEIGHT_DECAY_RUN],
        env={**os.environ, "ATEN_CPU_CAPABILITY": path},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.splitlines()[-1])["runs"]
    assert found["0.5"] == [[0, 0]] * 40
    epochs, most = CODE_PATHS[path]
    assert [differ for differ, _ in found["0.1"]] == epochs
    assert [apart for _, apart in found["0.1"]] == most
    if path != "default":
        assert (epochs[0], max(epochs), max(most)) == (3, 20, 2)


# --- early stopping -----------------------------------------------------------------------------


def degree_9_problem() -> tuple:
    """Section 10.3's early-stopping set-up: degree-9 features, both sets, a zero start."""
    X, y, _, _ = chapter_start()
    torch.manual_seed(0)
    _, val_set = split(*make_data(1000), val_fraction=0.2, seed=0)
    X_val, y_val = val_set.tensors
    F, F_val = powers(X, 9), powers(X_val, 9)
    model = linear(torch.zeros(9, 1), torch.zeros(1))
    return F, y, TensorDataset(F, y), TensorDataset(F_val, y_val), model


def test_early_stopping_keeps_the_best_epoch_of_the_curve_bit_for_bit() -> None:
    """The epoch it keeps is the lowest point of fit_and_validate's curve (85), and the model it
    hands back has that epoch's validation loss, to the last bit."""
    F, y, train_9, val_9, model = degree_9_problem()
    loss_fn = nn.MSELoss()
    curve_model = copy.deepcopy(model)
    _, val_losses = fit_and_validate(
        curve_model,
        [(F, y)],
        train_9,
        val_9,
        loss_fn,
        torch.optim.SGD(curve_model.parameters(), lr=0.3),
        120,
    )
    best = min(range(121), key=lambda epoch: val_losses[epoch])
    kept = early_stopping(
        model, [(F, y)], val_9, loss_fn, torch.optim.SGD(model.parameters(), lr=0.3), 1000, 20
    )
    assert kept == best == 85
    assert evaluate(model, val_9, loss_fn) == val_losses[85]


class CountingLoss(nn.MSELoss):
    """nn.MSELoss that counts its calls in training mode (one per step of full-batch fit)."""

    steps = 0

    def forward(self, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        if torch.is_grad_enabled():
            CountingLoss.steps += 1
        return super().forward(y_hat, y)


@pytest.mark.parametrize(("patience", "kept", "epochs"), [(1, 4, 5), (5, 4, 9), (20, 85, 105)])
def test_early_stopping_stops_after_patience_epochs_without_a_better_loss(
    patience: int, kept: int, epochs: int
) -> None:
    """Exercise 10.2 and section 10.3: patience 1 and 5 keep epoch 4; 20 keeps 85 and stops at
    105."""
    F, y, _, val_9, model = degree_9_problem()
    CountingLoss.steps = 0
    best = early_stopping(
        model,
        [(F, y)],
        val_9,
        CountingLoss(),
        torch.optim.SGD(model.parameters(), lr=0.3),
        1000,
        patience,
    )
    assert (best, CountingLoss.steps) == (kept, epochs)


def test_early_stopping_runs_max_epochs_when_the_loss_keeps_improving() -> None:
    X, y, W, b = chapter_start()
    model = linear(W, b)
    val_set = TensorDataset(X, y)
    CountingLoss.steps = 0
    best = early_stopping(
        model,
        [(X, y)],
        val_set,
        CountingLoss(),
        torch.optim.SGD(model.parameters(), lr=0.01),
        30,
        5,
    )
    assert best == 30 and CountingLoss.steps == 30


def test_state_dict_is_a_view_and_deepcopy_is_a_copy() -> None:
    """Why early_stopping copies: a state_dict() follows the model as it trains."""
    model = nn.Linear(1, 1)
    view, copied = model.state_dict(), copy.deepcopy(model.state_dict())
    with torch.no_grad():
        model.weight += 1
    assert torch.equal(view["weight"], model.weight)
    assert not torch.equal(copied["weight"], model.weight)


# --- scaling ------------------------------------------------------------------------------------


def test_largest_lr_is_two_over_the_largest_eigenvalue() -> None:
    """Against float64 eigenvalues of (2/N)·AᵀA, for chapter 7's points raw and scaled."""
    X, _, _, _ = chapter_start()
    for inputs in (X, 50 * X + 200, powers(X, 9)):
        A = torch.cat([inputs, torch.ones(len(inputs), 1)], dim=1).double()
        lam = torch.linalg.eigvalsh(2 / len(A) * A.T @ A)
        torch.testing.assert_close(
            curvature_eigenvalues(inputs).double(), lam, rtol=1e-4, atol=1e-3
        )
        assert largest_lr(inputs) == pytest.approx(2 / lam[-1].item(), rel=1e-5)


@pytest.mark.parametrize("units", ["chapter 7", "hundreds", "standardized"])
def test_gradient_descent_stays_bounded_below_the_bound_and_diverges_above(units: str) -> None:
    """Exercise 7.3's claim, for chapter 7's points in three units: at 0.95 of 2/λ_max the loss
    after 500 epochs is below the start; at 1.05 it overflows."""
    X, y, W, b = chapter_start()
    X = {"chapter 7": X, "hundreds": 50 * X + 200, "standardized": (X - X.mean()) / X.std()}[units]
    bound = largest_lr(X)
    losses = {}
    for factor in (0.95, 1.05):
        W1 = W.detach().clone().requires_grad_()
        b1 = b.detach().clone().requires_grad_()
        try:
            history = train(X, y, W1, b1, factor * bound, epochs=500, log_every=10**9)
            losses[factor] = (history[0][0], history[-1][0])
        except FloatingPointError:
            losses[factor] = None
    start, end = losses[0.95]
    assert end < start and losses[1.05] is None


def test_raw_inputs_diverge_at_chapter_7s_rate_and_standardized_ones_converge() -> None:
    """Section 10.4: 50x + 200 stops at epoch 6; standardized, 0.5 reaches 0.0050 by epoch 3."""
    X, y, W, b = chapter_start()
    X_raw = 50 * X + 200
    W1, b1 = W.detach().clone().requires_grad_(), b.detach().clone().requires_grad_()
    with pytest.raises(FloatingPointError, match="loss is inf at epoch 6"):
        train(X_raw, y, W1, b1, learning_rate=0.01, log_every=10**9)
    X_scaled = (X_raw - X_raw.mean()) / X_raw.std()
    assert largest_lr(X_scaled) == pytest.approx(1.0, abs=1e-6)
    W2, b2 = W.detach().clone().requires_grad_(), b.detach().clone().requires_grad_()
    history = train(X_scaled, y, W2, b2, learning_rate=0.5, epochs=5, log_every=10**9)
    assert f"{history[3][0]:.4f}" == "0.0050" and history[0][2] == pytest.approx(y.mean().item())


# --- checkpoints --------------------------------------------------------------------------------


def new_run(seed: int, optimizer: str = "sgd") -> tuple:
    """Section 10.5's run: chapter 7's start, momentum (or Adam), batches of 100 of 800 points."""
    _, _, W, b = chapter_start()
    torch.manual_seed(0)
    train_set, _ = split(*make_data(1000), val_fraction=0.2, seed=0)
    model = linear(W, b)
    if optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
    generator = torch.Generator().manual_seed(seed)
    loader = DataLoader(train_set, batch_size=100, shuffle=True, generator=generator)
    return model, opt, generator, loader


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("stop", [1, 2, 3])
def test_a_resumed_run_ends_bit_for_bit_where_the_uninterrupted_one_does(
    optimizer: str, stop: int, tmp_path: Path
) -> None:
    path = str(tmp_path / "checkpoint.pt")
    model_a, opt_a, _, loader_a = new_run(0, optimizer)
    losses_a = fit(model_a, loader_a, nn.MSELoss(), opt_a, 4)
    model_b, opt_b, gen_b, loader_b = new_run(0, optimizer)
    losses_b = fit(model_b, loader_b, nn.MSELoss(), opt_b, stop)
    save_checkpoint(path, model_b, opt_b, stop, gen_b)
    model_c, opt_c, gen_c, loader_c = new_run(7, optimizer)
    done = load_checkpoint(path, model_c, opt_c, gen_c)
    losses_c = fit(model_c, loader_c, nn.MSELoss(), opt_c, 4 - done)
    assert done == stop and losses_b + losses_c == losses_a
    assert torch.equal(model_c.weight, model_a.weight) and torch.equal(model_c.bias, model_a.bias)


def test_without_the_optimizer_or_the_generator_state_the_run_differs(tmp_path: Path) -> None:
    """Section 10.5's numbers: W 1.9545 with a fresh optimizer, b 0.9280 with a fresh shuffle,
    against 2.1525 and 0.9376."""
    path = str(tmp_path / "checkpoint.pt")
    model_a, opt_a, _, loader_a = new_run(0)
    fit(model_a, loader_a, nn.MSELoss(), opt_a, 4)
    model_b, opt_b, gen_b, loader_b = new_run(0)
    fit(model_b, loader_b, nn.MSELoss(), opt_b, 2)
    save_checkpoint(path, model_b, opt_b, 2, gen_b)
    checkpoint = torch.load(path, weights_only=True)
    model_d, opt_d, gen_d, loader_d = new_run(1)
    model_d.load_state_dict(checkpoint["model"])
    gen_d.set_state(checkpoint["generator"])
    fit(model_d, loader_d, nn.MSELoss(), opt_d, 2)
    model_e, opt_e, _, loader_e = new_run(0)
    model_e.load_state_dict(checkpoint["model"])
    opt_e.load_state_dict(copy.deepcopy(checkpoint["optimizer"]))
    fit(model_e, loader_e, nn.MSELoss(), opt_e, 2)
    shown = [f"{m.weight.item():.4f} {m.bias.item():.4f}" for m in (model_a, model_d, model_e)]
    assert shown == ["2.1525 0.9376", "1.9545 1.0032", "2.1548 0.9280"]


def test_a_checkpoint_holds_only_what_weights_only_accepts(tmp_path: Path) -> None:
    """Tensors, numbers, strings, None and plain containers: the generator's state is a uint8
    tensor, the optimizer's settings are floats, bools and None."""
    path = str(tmp_path / "checkpoint.pt")
    model, opt, gen, loader = new_run(0)
    fit(model, loader, nn.MSELoss(), opt, 1)
    save_checkpoint(path, model, opt, 1, gen)
    checkpoint = torch.load(path, weights_only=True)
    assert sorted(checkpoint) == ["epoch", "generator", "model", "optimizer"]
    assert checkpoint["generator"].dtype == torch.uint8 and checkpoint["epoch"] == 1
    assert sorted(checkpoint["optimizer"]["state"][0]) == ["momentum_buffer"]


def test_a_pickled_module_is_refused_by_weights_only(tmp_path: Path) -> None:
    path = tmp_path / "model.pt"
    torch.save(nn.Linear(1, 1), path)
    with pytest.raises(pickle.UnpicklingError, match=r"GLOBAL torch\.nn\.modules\.linear\.Linear"):
        torch.load(path, weights_only=True)
    assert isinstance(torch.load(path, weights_only=False), nn.Linear)  # trusted: our own file


def test_loading_into_a_model_of_another_shape_names_the_mismatch(tmp_path: Path) -> None:
    """PyTorch's own error, clear enough: load_checkpoint has no guard for it."""
    path = str(tmp_path / "checkpoint.pt")
    model, opt, gen, _ = new_run(0)
    save_checkpoint(path, model, opt, 0, gen)
    other = nn.Linear(2, 1)
    with pytest.raises(
        RuntimeError,
        match=r"size mismatch for weight: copying a param with shape "
        r"torch.Size\(\[1, 1\]\)",
    ):
        load_checkpoint(
            path, other, torch.optim.SGD(other.parameters(), lr=0.01), torch.Generator()
        )


# --- the source ---------------------------------------------------------------------------------


def test_the_shown_code_fits_79_columns() -> None:
    path = ROOT / "src" / "linreg" / "generalization.py"
    for line in path.read_text(encoding="utf-8").splitlines():
        assert len(line) <= 79, line
