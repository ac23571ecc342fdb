"""Input checks shared by every chapter: each names the argument and what was expected."""

# --8<-- [start:checks]
import math

import torch


def check_tensor(name: str, value: object, ndim: int) -> None:
    """Raise unless `value` is a finite floating-point tensor with `ndim` dimensions."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if not value.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {value.dtype}")
    if value.dim() != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {tuple(value.shape)}")
    if not torch.isfinite(value).all():
        raise ValueError(f"{name} must be finite, but it contains NaN or inf")


def check_count(name: str, value: object, minimum: int) -> None:
    """Raise unless `value` is an integer of at least `minimum`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")


def check_real(name: str, value: object) -> None:
    """Raise unless `value` is a finite real number (an int or a float, not a bool)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")


def check_number(name: str, value: object, positive: bool) -> None:
    """Raise unless `value` is a finite real number, > 0 if `positive` else >= 0."""
    check_real(name, value)
    if value < 0 or (positive and value == 0):
        expected = "greater than 0" if positive else "at least 0"
        raise ValueError(f"{name} must be {expected}, got {value}")


def check_rows(**tensors: torch.Tensor) -> None:
    """Raise unless the named tensors have the same number of rows (data points)."""
    rows = {name: tensor.shape[0] for name, tensor in tensors.items()}
    if len(set(rows.values())) > 1:
        raise ValueError(f"{' and '.join(rows)} must have the same number of rows, got {rows}")


def check_same_shape(**tensors: torch.Tensor) -> None:
    """Raise unless the named tensors all have the same shape."""
    shapes = {name: tuple(tensor.shape) for name, tensor in tensors.items()}
    if len(set(shapes.values())) > 1:
        raise ValueError(f"{' and '.join(shapes)} must have the same shape, got {shapes}")


# --8<-- [end:checks]
