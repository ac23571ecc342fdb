"""Unit tests for the input checks every chapter embeds (src/linreg/checks.py)."""

import math

import pytest
import torch

from linreg.checks import check_count, check_number, check_real, check_rows, check_tensor


def test_check_tensor_accepts_a_finite_float_matrix() -> None:
    check_tensor("X", torch.ones(3, 1), ndim=2)


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ([[1.0]], TypeError, "X must be a torch.Tensor, got list"),
        (torch.ones(3, 1, dtype=torch.int64), TypeError, "X must be a floating-point tensor"),
        (torch.ones(3), ValueError, r"X must have 2 dimensions, got shape \(3,\)"),
        (torch.tensor([[1.0], [math.nan]]), ValueError, "X must be finite"),
        (torch.tensor([[math.inf]]), ValueError, "X must be finite"),
    ],
)
def test_check_tensor_rejects(value: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        check_tensor("X", value, ndim=2)


@pytest.mark.parametrize(
    ("value", "minimum", "error", "message"),
    [
        (0, 1, ValueError, "n must be at least 1, got 0"),
        (-3, 1, ValueError, "n must be at least 1, got -3"),
        (2.0, 1, TypeError, "n must be an int, got float"),
        (True, 1, TypeError, "n must be an int, got bool"),
        (-1, 0, ValueError, "n must be at least 0, got -1"),
    ],
)
def test_check_count_rejects(value: object, minimum: int, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        check_count("n", value, minimum=minimum)


def test_check_count_accepts_the_minimum() -> None:
    check_count("n", 0, minimum=0)
    check_count("n", 1, minimum=1)


@pytest.mark.parametrize(
    ("value", "positive", "error", "message"),
    [
        (0, True, ValueError, "lr must be greater than 0, got 0"),
        (-0.1, True, ValueError, "lr must be greater than 0, got -0.1"),
        (-0.1, False, ValueError, "lr must be at least 0, got -0.1"),
        (math.nan, True, ValueError, "lr must be finite, got nan"),
        (math.inf, False, ValueError, "lr must be finite, got inf"),
        ("0.1", True, TypeError, "lr must be a real number, got str"),
        (False, False, TypeError, "lr must be a real number, got bool"),
    ],
)
def test_check_number_rejects(value: object, positive: bool, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        check_number("lr", value, positive=positive)


def test_check_number_accepts_zero_only_when_not_positive() -> None:
    check_number("noise", 0, positive=False)
    check_number("lr", 1e-9, positive=True)


def test_check_real_accepts_negative_numbers() -> None:
    check_real("true_w", -2.5)
    with pytest.raises(ValueError, match="true_w must be finite"):
        check_real("true_w", -math.inf)


def test_check_rows_names_every_tensor() -> None:
    check_rows(X=torch.ones(3, 1), y=torch.ones(3, 1))
    with pytest.raises(ValueError, match=r"X and y must have the same number of rows"):
        check_rows(X=torch.ones(3, 1), y=torch.ones(4, 1))
