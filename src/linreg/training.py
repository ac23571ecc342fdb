"""Chapter 7: the training loop as a function, and the fit it ends at."""

import torch

from linreg.loss import mse_loss
from linreg.model import forward


# --8<-- [start:train]
def train(
    X: torch.Tensor,
    y: torch.Tensor,
    W: torch.Tensor,
    b: torch.Tensor,
    learning_rate: float = 0.01,
    epochs: int = 200,
    log_every: int = 10,
) -> list[tuple[float, float, float]]:
    """The loop of 7.2 as a function; return each epoch's (loss, W, b)."""
    history = []
    for epoch in range(epochs):
        # 1. forward pass (chapter 5)
        y_hat = forward(X, W, b)
        # 2. loss (chapter 6), which must be a number
        loss = mse_loss(y_hat, y)
        if not torch.isfinite(loss):  # 7.5: the steps ran away
            raise FloatingPointError(f"loss is {loss.item()} at epoch {epoch}")
        # 3. backward pass
        loss.backward()
        # 4. update
        with torch.no_grad():
            W -= learning_rate * W.grad
            b -= learning_rate * b.grad
        # 5. reset
        W.grad = None
        b.grad = None
        history.append((loss.item(), W.item(), b.item()))
        if epoch % log_every == 0:
            print(
                f"Epoch {epoch:02d}: Loss={loss.item():.4f}, "
                f"W={W.item():.3f}, b={b.item():.3f}"
            )
    return history


# --8<-- [end:train]


# --8<-- [start:least_squares]
def least_squares(
    X: torch.Tensor, y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """The exact minimum of the MSE: solve [X 1]·[W; b] ≈ y."""
    ones = torch.ones(len(X), 1)  # a column of ones carries b
    A = torch.cat([X, ones], dim=1)  # shape (N, D_in + 1)
    # argmin ‖A·θ − y‖², by a QR factorization of A
    # ("gels"), which needs independent columns
    theta = torch.linalg.lstsq(A, y, driver="gels").solution
    return theta[:-1], theta[-1]  # W (D_in, D_out), b (D_out,)


# --8<-- [end:least_squares]
