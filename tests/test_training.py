"""Unit tests for chapter 7's code (src/linreg/training.py)."""

import itertools
import math

import pytest
import torch

from linreg.loss import mse_loss
from linreg.model import forward, init_params, make_data
from linreg.training import gradient_descent_step, least_squares, train


def seeded_problem(seed: int = 0) -> tuple[torch.Tensor, ...]:
    """The chapter's data and starting parameters for a given seed."""
    torch.manual_seed(seed)
    X, y = make_data()
    W, b = init_params()
    return X, y, W, b


def test_step_moves_against_the_gradient_and_zeroes_it() -> None:
    W = torch.tensor([[1.0]], requires_grad=True)
    b = torch.tensor([0.5], requires_grad=True)
    W.grad, b.grad = torch.tensor([[2.0]]), torch.tensor([-4.0])
    gradient_descent_step([W, b], lr=0.1)
    torch.testing.assert_close(W.detach(), torch.tensor([[0.8]]))  # 1.0 − 0.1·2.0
    torch.testing.assert_close(b.detach(), torch.tensor([0.9]))  # 0.5 − 0.1·(−4.0)
    assert W.grad.abs().sum() == 0 and b.grad.abs().sum() == 0
    assert W.requires_grad and W.is_leaf  # still a trainable parameter


def test_step_matches_torch_optim_sgd() -> None:
    X, y, W, b = seeded_problem()
    W_ref, b_ref = W.detach().clone().requires_grad_(), b.detach().clone().requires_grad_()
    optimizer = torch.optim.SGD([W_ref, b_ref], lr=0.05)
    for _ in range(5):
        mse_loss(forward(X, W, b), y).backward()
        gradient_descent_step([W, b], lr=0.05)
        optimizer.zero_grad()
        mse_loss(forward(X, W_ref, b_ref), y).backward()
        optimizer.step()
    torch.testing.assert_close(W, W_ref)
    torch.testing.assert_close(b, b_ref)


def test_step_without_gradients_says_to_call_backward() -> None:
    W, b = init_params()
    with pytest.raises(ValueError, match=r"call loss.backward\(\)"):
        gradient_descent_step([W, b], lr=0.1)


@pytest.mark.parametrize(
    ("lr", "error", "message"),
    [
        (0, ValueError, "lr must be greater than 0"),
        (-0.01, ValueError, "lr must be greater than 0"),
        (math.nan, ValueError, "lr must be finite"),
        (math.inf, ValueError, "lr must be finite"),
        ("0.01", TypeError, "lr must be a real number"),
    ],
)
def test_bad_learning_rates_are_rejected(lr: object, error: type, message: str) -> None:
    X, y, W, b = seeded_problem()
    with pytest.raises(error, match=message):
        train(X, y, W, b, lr=lr)
    W.grad = torch.zeros_like(W)
    with pytest.raises(error, match=message):
        gradient_descent_step([W], lr=lr)


@pytest.mark.parametrize(
    ("epochs", "error", "message"),
    [
        (-1, ValueError, "epochs must be at least 0"),
        (2.5, TypeError, "epochs must be an int"),
        (None, TypeError, "epochs must be an int"),
    ],
)
def test_bad_epochs_are_rejected(epochs: object, error: type, message: str) -> None:
    X, y, W, b = seeded_problem()
    with pytest.raises(error, match=message):
        train(X, y, W, b, epochs=epochs)


def test_zero_epochs_leaves_the_parameters_alone() -> None:
    X, y, W, b = seeded_problem()
    before = W.detach().clone()
    assert train(X, y, W, b, epochs=0) == []
    torch.testing.assert_close(W.detach(), before)


def test_train_rejects_more_than_one_feature() -> None:
    W, b = init_params(d_in=2)
    with pytest.raises(ValueError, match="train fits one feature"):
        train(torch.ones(4, 2), torch.ones(4, 1), W, b)


def test_train_rejects_parameters_that_are_not_tensors() -> None:
    X, y, _, b = seeded_problem()
    with pytest.raises(TypeError, match="W must be a torch.Tensor, got float"):
        train(X, y, 0.5, b)


def test_train_rejects_bad_data() -> None:
    X, y, W, b = seeded_problem()
    with pytest.raises(ValueError, match="y_hat and y must have the same shape"):
        train(X, y[:5], W, b)
    with pytest.raises(ValueError, match="X must be finite"):
        train(X.masked_fill(X > 1, math.nan), y, W, b)


def test_history_logs_and_loss_decrease(capsys: pytest.CaptureFixture[str]) -> None:
    X, y, W, b = seeded_problem()
    history = train(X, y, W, b, lr=0.01, epochs=200, log_every=10)
    lines = capsys.readouterr().out.splitlines()
    assert len(history) == 200 and len(lines) == 20
    assert lines[0].startswith("Epoch   0: loss=") and lines[-1].startswith("Epoch 190: loss=")
    assert all(later < earlier for earlier, later in itertools.pairwise(history))
    assert history[0] == pytest.approx(mse_loss(forward(X, *seeded_problem()[2:]), y).item())


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_training_reaches_the_least_squares_solution(seed: int) -> None:
    X, y, W, b = seeded_problem(seed)
    train(X, y, W, b, lr=0.05, epochs=3000, log_every=3000)
    W_ls, b_ls = least_squares(X, y)
    torch.testing.assert_close(W.detach(), W_ls, atol=1e-4, rtol=0)
    torch.testing.assert_close(b.detach(), b_ls, atol=1e-4, rtol=0)


def test_least_squares_matches_the_normal_equations() -> None:
    torch.manual_seed(5)
    X, y = make_data(n=50, true_w=-1.5, true_b=3.0, noise=0.3)
    A = torch.cat([X, torch.ones(50, 1)], dim=1).double()
    theta = torch.linalg.solve(A.T @ A, A.T @ y.double())  # (AᵀA)θ = Aᵀy
    W_ls, b_ls = least_squares(X, y)
    torch.testing.assert_close(W_ls.double(), theta[:1], atol=1e-5, rtol=0)
    torch.testing.assert_close(b_ls.double(), theta[1], atol=1e-5, rtol=0)


def test_least_squares_rejects_mismatched_rows() -> None:
    with pytest.raises(ValueError, match="X and y must have the same number of rows"):
        least_squares(torch.ones(3, 1), torch.ones(4, 1))


def test_divergence_stops_with_a_clear_message(capsys: pytest.CaptureFixture[str]) -> None:
    X, y, W, b = seeded_problem()
    with pytest.raises(FloatingPointError, match="diverged.*smaller learning rate than lr=1.5"):
        train(X, y, W, b, lr=1.5)
    assert "nan" not in capsys.readouterr().out


def test_divergence_of_the_parameters_is_caught_too() -> None:
    X, y, W, b = seeded_problem()
    X = X * 1e18  # finite data whose gradients overflow the parameters to inf in one step
    y = 2 * X + 1
    with pytest.raises(FloatingPointError, match="diverged at epoch 0"):
        train(X, y, W, b, lr=0.01)


def test_huge_starting_parameters_are_reported_as_bad_predictions() -> None:
    X, y, W, b = seeded_problem()
    with torch.no_grad():
        W.fill_(3e38)  # finite, but X @ W overflows before any training
    with pytest.raises(ValueError, match="y_hat must be finite"):
        train(X, y, W, b)
