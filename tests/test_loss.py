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


def test_flat_targets_would_broadcast_to_a_wrong_loss() -> None:
    """The trap the guard exists for: (N, 1) − (N,) is (N, N), and its mean is a wrong loss."""
    y_hat, y = torch.tensor([[1.0], [2.0]]), torch.tensor([[1.0], [2.0]])
    assert (y_hat - y[:, 0]).shape == (2, 2)
    assert torch.mean((y_hat - y[:, 0]) ** 2).item() == 0.5  # but the true loss is 0


@pytest.mark.parametrize(
    ("y_hat", "y"),
    [
        (torch.ones(3, 1), torch.ones(3)),  # flat targets
        (torch.ones(3), torch.ones(3, 1)),  # flat predictions
        (torch.ones(3, 1), torch.ones(4, 1)),  # a different number of points
        (torch.ones(3, 2), torch.ones(3, 1)),  # a bias of the wrong shape made two outputs
    ],
)
def test_shapes_that_would_broadcast_are_refused(y_hat, y) -> None:
    with pytest.raises(ValueError, match=r"shapes differ: torch.Size\(\[.*\]\) vs torch.Size"):
        mse_loss(y_hat, y)
    with pytest.raises(ValueError, match="shapes differ"):
        mse_gradients(torch.ones(3, 1), y_hat, y)


def test_a_bias_of_the_wrong_shape_is_caught_by_the_loss() -> None:
    """forward broadcasts b (2,) into two outputs without complaint; the loss refuses them."""
    X, y = torch.ones(3, 1), torch.ones(3, 1)
    y_hat = forward(X, torch.ones(1, 1), torch.zeros(2))
    assert y_hat.shape == (3, 2)
    with pytest.raises(ValueError, match=r"shapes differ: torch.Size\(\[3, 2\]\)"):
        mse_loss(y_hat, y)


def test_integer_targets_give_the_same_loss() -> None:
    """Type promotion computes in float: integer targets are not a silent error."""
    y_hat, y = torch.tensor([[0.5], [2.0]]), torch.tensor([[1], [2]])
    assert mse_loss(y_hat, y).item() == mse_loss(y_hat, y.float()).item() == 0.125


def test_missing_values_show_as_nan() -> None:
    """A NaN target is not hidden: the loss is NaN, which train() refuses (test_training)."""
    assert mse_loss(torch.ones(2, 1), torch.tensor([[1.0], [float("nan")]])).isnan()


def test_mse_gradients_lets_pytorch_name_mismatched_rows() -> None:
    with pytest.raises(RuntimeError, match=r"shapes cannot be multiplied \(1x4 and 3x1\)"):
        mse_gradients(torch.ones(4, 1), torch.ones(3, 1), torch.ones(3, 1))
