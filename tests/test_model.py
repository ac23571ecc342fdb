"""Unit tests for chapter 5's code (src/linreg/model.py)."""

import pytest
import torch

from linreg.model import forward, init_params, make_data


def test_make_data_follows_the_true_line_within_the_noise() -> None:
    torch.manual_seed(0)
    X, y = make_data(n=1000, true_w=2.0, true_b=1.0, noise=0.1)
    assert X.shape == y.shape == (1000, 1)
    residual = y - (2.0 * X + 1.0)
    assert residual.std().item() == pytest.approx(0.1, rel=0.1)
    assert residual.mean().item() == pytest.approx(0.0, abs=0.02)


def test_make_data_without_noise_is_exactly_the_line() -> None:
    X, y = make_data(n=5, true_w=-3.0, true_b=0.5, noise=0.0)
    torch.testing.assert_close(y, -3.0 * X + 0.5)


def test_make_data_is_reproducible_from_the_seed() -> None:
    torch.manual_seed(0)
    first = make_data()
    torch.manual_seed(0)
    second = make_data()
    torch.testing.assert_close(first, second)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n": 0}, ValueError, "n must be at least 1"),
        ({"n": -5}, ValueError, "n must be at least 1"),
        ({"n": 2.5}, TypeError, "n must be an int"),
        ({"noise": -0.1}, ValueError, "noise must be at least 0"),
        ({"noise": float("nan")}, ValueError, "noise must be finite"),
        ({"true_w": float("inf")}, ValueError, "true_w must be finite"),
        ({"true_b": "1"}, TypeError, "true_b must be a real number"),
    ],
)
def test_make_data_rejects_bad_arguments(kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        make_data(**kwargs)


def test_init_params_are_tracked_with_the_right_shapes() -> None:
    W, b = init_params(d_in=3, d_out=2)
    assert W.shape == (3, 2) and b.shape == (2,)
    assert W.requires_grad and b.requires_grad
    assert W.is_leaf and b.is_leaf


@pytest.mark.parametrize("kwargs", [{"d_in": 0}, {"d_out": 0}, {"d_in": -1}])
def test_init_params_rejects_empty_shapes(kwargs: dict) -> None:
    name = next(iter(kwargs))
    with pytest.raises(ValueError, match=f"{name} must be at least 1"):
        init_params(**kwargs)


def test_forward_matches_a_row_by_row_reference() -> None:
    X = torch.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]])
    W = torch.tensor([[2.0, 0.0], [-1.0, 1.0]])
    b = torch.tensor([0.5, -0.5])
    expected = torch.stack([torch.stack([x @ W[:, j] + b[j] for j in range(2)]) for x in X])
    torch.testing.assert_close(forward(X, W, b), expected)


def test_forward_builds_a_graph_back_to_the_parameters() -> None:
    W, b = init_params()
    y_hat = forward(torch.ones(4, 1), W, b)
    y_hat.sum().backward()
    torch.testing.assert_close(W.grad, torch.tensor([[4.0]]))
    torch.testing.assert_close(b.grad, torch.tensor([4.0]))


@pytest.mark.parametrize(
    ("X", "W", "b", "error", "message"),
    [
        (torch.ones(3), torch.ones(1, 1), torch.ones(1), ValueError, "X must have 2 dimensions"),
        (torch.ones(3, 2), torch.ones(1, 1), torch.ones(1), ValueError, "shapes do not fit"),
        (torch.ones(3, 1), torch.ones(1, 2), torch.ones(1), ValueError, "shapes do not fit"),
        (torch.ones(3, 1), torch.ones(1), torch.ones(1), ValueError, "W must have 2 dimensions"),
        (torch.ones(3, 1), torch.ones(1, 1), torch.ones(1, 1), ValueError, "b must have 1"),
        (
            torch.ones(3, 1, dtype=torch.int32),
            torch.ones(1, 1),
            torch.ones(1),
            TypeError,
            "X must be a floating",
        ),
        (
            torch.full((3, 1), float("nan")),
            torch.ones(1, 1),
            torch.ones(1),
            ValueError,
            "X must be finite",
        ),
        ([[1.0]], torch.ones(1, 1), torch.ones(1), TypeError, "X must be a torch.Tensor"),
    ],
)
def test_forward_rejects_bad_inputs(X, W, b, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        forward(X, W, b)
