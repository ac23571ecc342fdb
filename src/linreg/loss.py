"""Chapter 6: the mean squared error and its gradients, two ways."""

import torch


# --8<-- [start:mse_loss]
def mse_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """L = (1/N)·Σᵢ(ŷᵢ − yᵢ)²: the mean squared error."""
    if y_hat.shape != y.shape:  # else (N, 1) − (N,) broadcasts to (N, N)
        raise ValueError(f"shapes differ: {y_hat.shape} vs {y.shape}")
    error = y_hat - y  # ŷᵢ − yᵢ for every data point
    squared_error = error**2  # (ŷᵢ − yᵢ)²
    return squared_error.mean()  # (1/N)·Σ


# --8<-- [end:mse_loss]


# --8<-- [start:mse_gradients]
def mse_gradients(
    X: torch.Tensor, y_hat: torch.Tensor, y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """The MSE's gradients by hand: ∂L/∂W and ∂L/∂b."""
    if y_hat.shape != y.shape:  # as in mse_loss: no silent broadcasting
        raise ValueError(f"shapes differ: {y_hat.shape} vs {y.shape}")
    residual = (y_hat - y).detach()  # ŷ − y, outside the autograd graph
    n = residual.numel()  # N: how many squared errors the mean averages
    grad_W = (2 / n) * X.T @ residual  # (2/N)·Xᵀ(ŷ − y)
    grad_b = (2 / n) * residual.sum(dim=0)  # (2/N)·Σᵢ(ŷᵢ − yᵢ)
    return grad_W, grad_b


# --8<-- [end:mse_gradients]
