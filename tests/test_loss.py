"""Unit tests for chapter 6's code (src/linreg/loss.py), against torch's own references."""

import pytest
import torch

from linreg.loss import mse_gradients, mse_loss
from linreg.model import forward, init_params, make_data


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mse_loss_matches_torch(seed: int) -> None:
    torch.manual_seed(seed)
    y_hat, y = torch.randn(7, 2), torch.randn(7, 2)
    torch.testing.assert_close(mse_loss(y_hat, y), torch.nn.functional.mse_loss(y_hat, y))


def test_mse_loss_of_a_perfect_prediction_is_zero() -> None:
    y = torch.randn(5, 1)
    assert mse_loss(y.clone(), y).item() == 0.0


def test_mse_loss_by_hand() -> None:
    y_hat, y = torch.tensor([[1.0], [2.0]]), torch.tensor([[0.0], [4.0]])
    assert mse_loss(y_hat, y).item() == pytest.approx((1**2 + 2**2) / 2)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hand_derived_gradients_match_autograd(seed: int) -> None:
    torch.manual_seed(seed)
    X, y = make_data(n=12)
    W, b = init_params()
    y_hat = forward(X, W, b)
    mse_loss(y_hat, y).backward()
    grad_W, grad_b = mse_gradients(X, y_hat, y)
    torch.testing.assert_close(grad_W, W.grad)
    torch.testing.assert_close(grad_b, b.grad)


def test_hand_derived_gradients_for_several_features_and_outputs() -> None:
    torch.manual_seed(3)
    X, y = torch.randn(9, 3), torch.randn(9, 2)
    W, b = init_params(d_in=3, d_out=2)
    y_hat = forward(X, W, b)
    mse_loss(y_hat, y).backward()
    grad_W, grad_b = mse_gradients(X, y_hat, y)
    torch.testing.assert_close(grad_W, W.grad)
    torch.testing.assert_close(grad_b, b.grad)


@pytest.mark.parametrize(
    ("y_hat", "y", "error", "message"),
    [
        (torch.ones(3, 1), torch.ones(4, 1), ValueError, "y_hat and y must have the same shape"),
        (torch.ones(3), torch.ones(3), ValueError, "y_hat must have 2 dimensions"),
        (torch.ones(3, 1), torch.ones(3, 1, dtype=torch.int64), TypeError, "y must be a floating"),
        (
            torch.ones(3, 1),
            torch.tensor([[1.0], [float("inf")], [0.0]]),
            ValueError,
            "y must be finite",
        ),
    ],
)
def test_mse_loss_rejects_bad_inputs(y_hat, y, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        mse_loss(y_hat, y)


def test_mse_gradients_rejects_mismatched_rows() -> None:
    with pytest.raises(ValueError, match="X and y must have the same number of rows"):
        mse_gradients(torch.ones(4, 1), torch.ones(3, 1), torch.ones(3, 1))


def test_mse_gradients_rejects_predictions_that_would_broadcast() -> None:
    with pytest.raises(ValueError, match="y_hat and y must have the same shape"):
        mse_gradients(torch.ones(3, 1), torch.ones(3, 2), torch.ones(3, 1))
