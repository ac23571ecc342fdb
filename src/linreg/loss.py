"""Chapter 6: the mean squared error and its gradients, by autograd and by hand."""

import torch

from linreg.checks import check_rows, check_same_shape, check_tensor


# --8<-- [start:mse_loss]
def mse_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """L = (1/N)·Σᵢ(ŷᵢ − yᵢ)²: the mean squared error."""
    check_tensor("y_hat", y_hat, ndim=2)
    check_tensor("y", y, ndim=2)
    check_same_shape(y_hat=y_hat, y=y)
    error = y_hat - y  # ŷᵢ − yᵢ for every data point
    squared_error = error**2  # (ŷᵢ − yᵢ)²
    return squared_error.mean()  # (1/N)·Σ


# --8<-- [end:mse_loss]


# --8<-- [start:mse_gradients]
def mse_gradients(
    X: torch.Tensor, y_hat: torch.Tensor, y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """The MSE's gradients by hand: ∂L/∂W = (2/N)·Xᵀ(ŷ − y), ∂L/∂b = (2/N)·Σ(ŷ − y)."""
    for name, value in (("X", X), ("y_hat", y_hat), ("y", y)):
        check_tensor(name, value, ndim=2)
    check_same_shape(y_hat=y_hat, y=y)
    check_rows(X=X, y=y)
    residual = (y_hat - y).detach()  # ŷ − y, outside the autograd graph
    n = residual.numel()  # N: how many squared errors the mean averages
    grad_W = (2 / n) * X.T @ residual  # (2/N)·Xᵀ(ŷ − y), shape (D_in, D_out)
    grad_b = (2 / n) * residual.sum(dim=0)  # (2/N)·Σᵢ(ŷᵢ − yᵢ), shape (D_out,)
    return grad_W, grad_b


# --8<-- [end:mse_gradients]
