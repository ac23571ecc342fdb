"""Unit tests for chapter 5's code (src/linreg/model.py)."""

import pytest
import torch

from linreg.model import forward, init_params, make_data


def test_make_data_follows_the_true_line_within_the_noise() -> None:
    torch.manual_seed(0)
    X, y = make_data(n=1000)
    assert X.shape == y.shape == (1000, 1)
    residual = y - (2.0 * X + 1.0)
    assert residual.std().item() == pytest.approx(0.1, rel=0.1)
    assert residual.mean().item() == pytest.approx(0.0, abs=0.02)


def test_make_data_draws_what_the_seed_notebook_draws() -> None:
    """The notebook's recipe, from the same seed, gives the same bits."""
    torch.manual_seed(0)
    X, y = make_data()
    torch.manual_seed(0)
    X_seed = torch.randn(10, 1)
    y_seed = X_seed @ torch.tensor([[2.0]]) + torch.tensor(1.0) + torch.randn(10, 1) * 0.1
    assert torch.equal(X, X_seed) and torch.equal(y, y_seed)


def test_make_data_is_reproducible_from_the_seed() -> None:
    torch.manual_seed(0)
    first = make_data()
    torch.manual_seed(0)
    second = make_data()
    torch.testing.assert_close(first, second)


def test_init_params_are_tracked_with_the_right_shapes() -> None:
    W, b = init_params(d_in=3, d_out=2)
    assert W.shape == (3, 2) and b.shape == (2,)
    assert W.requires_grad and b.requires_grad
    assert W.is_leaf and b.is_leaf


def test_forward_matches_a_row_by_row_reference() -> None:
    X = torch.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]])
    W = torch.tensor([[2.0, 0.0], [-1.0, 1.0]])
    b = torch.tensor([0.5, -0.5])
    expected = torch.stack([torch.stack([x @ W[:, j] + b[j] for j in range(2)]) for x in X])
    torch.testing.assert_close(forward(X, W, b), expected)


def test_forward_broadcasts_the_bias_over_the_rows() -> None:
    """b of shape (1,) is added to every row of the (N, 1) product (chapter 5.4)."""
    X, W, b = torch.tensor([[1.0], [2.0], [3.0]]), torch.tensor([[2.0]]), torch.tensor([1.0])
    assert forward(X, W, b).tolist() == [[3.0], [5.0], [7.0]]


def test_forward_builds_a_graph_back_to_the_parameters() -> None:
    W, b = init_params()
    y_hat = forward(torch.ones(4, 1), W, b)
    assert y_hat.grad_fn.name() == "AddBackward0"
    y_hat.sum().backward()
    torch.testing.assert_close(W.grad, torch.tensor([[4.0]]))
    torch.testing.assert_close(b.grad, torch.tensor([4.0]))


# Bad input gets PyTorch's own error, and the error names the problem.
@pytest.mark.parametrize(
    ("X", "W", "error", "message"),
    [
        (torch.ones(10, 2), torch.ones(1, 1), RuntimeError, r"shapes cannot be multiplied \(10x2"),
        (torch.ones(10), torch.ones(1, 1), RuntimeError, r"shapes cannot be multiplied \(1x10"),
        (torch.ones(3, 1, dtype=torch.int64), torch.ones(1, 1), RuntimeError, "same dtype"),
        (torch.ones(3, 1), torch.ones(1, 1, dtype=torch.float64), RuntimeError, "same dtype"),
        ([[1.0]], torch.ones(1, 1), TypeError, "unsupported operand type"),
        (torch.ones(3, 1), torch.ones(0, 1), RuntimeError, "shapes cannot be multiplied"),
    ],
)
def test_forward_lets_pytorch_name_bad_inputs(X, W, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        forward(X, W, torch.ones(1))


@pytest.mark.parametrize(
    ("n", "error", "message"),
    [(-1, RuntimeError, "negative dimension -1"), (2.5, TypeError, r"randn\(\) received")],
)
def test_make_data_lets_pytorch_name_a_bad_count(n: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        make_data(n)


def test_init_params_with_no_inputs_cannot_predict() -> None:
    """d_in=0 gives an empty W; the first prediction says the shapes don't fit."""
    W, b = init_params(d_in=0)
    with pytest.raises(RuntimeError, match=r"\(10x1 and 0x1\)"):
        forward(torch.ones(10, 1), W, b)
