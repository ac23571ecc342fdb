"""Unit tests for chapter 10's code (src/linreg/generalization.py)."""

from pathlib import Path

import pytest
import torch
from torch import nn

from linreg.generalization import evaluate, split

ROOT = Path(__file__).resolve().parent.parent


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


def test_evaluate_switches_dropout_off_while_it_measures() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Dropout(0.5), nn.Linear(4, 1))
    X, y = torch.randn(64, 4), torch.randn(64, 1)
    _, val_set = split(X, y, 0.5, seed=0)
    losses = {evaluate(model, val_set, nn.MSELoss()) for _ in range(3)}
    assert len(losses) == 1  # dropout off: the same loss every time


def test_the_shown_code_fits_79_columns() -> None:
    path = ROOT / "src" / "linreg" / "generalization.py"
    for line in path.read_text(encoding="utf-8").splitlines():
        assert len(line) <= 79, line
