"""Chapter 7: gradient descent from scratch, and the least-squares fit it converges to."""

import math

import torch

from linreg.checks import check_count, check_number, check_rows, check_tensor
from linreg.loss import mse_loss
from linreg.model import forward


# --8<-- [start:gradient_descent_step]
def gradient_descent_step(params: list[torch.Tensor], lr: float) -> None:
    """θ ← θ − η·∇θL for every parameter θ, then reset each gradient to zero."""
    check_number("lr", lr, positive=True)
    for p in params:
        if p.grad is None:
            raise ValueError("params need gradients: call loss.backward() before stepping")
    with torch.no_grad():  # the update itself is not part of the model
        for p in params:
            p -= lr * p.grad  # step downhill, against the gradient
    for p in params:
        p.grad.zero_()  # backward() adds to .grad, so start the next epoch from zero


# --8<-- [end:gradient_descent_step]


# --8<-- [start:train]
def train(
    X: torch.Tensor,
    y: torch.Tensor,
    W: torch.Tensor,
    b: torch.Tensor,
    lr: float = 0.01,
    epochs: int = 200,
    log_every: int = 10,
    path: list[tuple[float, float]] | None = None,
) -> list[float]:
    """Fit W and b by gradient descent on the MSE; return each epoch's loss; log (W, b) to path."""
    check_number("lr", lr, positive=True)
    check_count("epochs", epochs, minimum=0)
    check_count("log_every", log_every, minimum=1)
    check_tensor("W", W, ndim=2)
    check_tensor("b", b, ndim=1)
    if W.numel() != 1 or b.numel() != 1:
        raise ValueError(
            f"train fits one feature: W must be (1, 1) and b (1,), "
            f"got {tuple(W.shape)} and {tuple(b.shape)}"
        )
    history = []
    for epoch in range(epochs):
        loss = mse_loss(forward(X, W, b), y)  # steps 1-2: forward pass and loss
        loss.backward()  # step 3: ∂L/∂W and ∂L/∂b land in W.grad and b.grad
        gradient_descent_step([W, b], lr)  # steps 4-5: update, then zero the gradients
        with torch.no_grad():
            next_y_hat = X @ W + b  # where the next epoch starts: inf or NaN once W or b ran off
        if not (math.isfinite(loss.item()) and torch.isfinite(next_y_hat).all()):
            raise FloatingPointError(
                f"training diverged at epoch {epoch}: the loss reached {loss.item():.3g}; "
                f"try a smaller learning rate than lr={lr}"
            )
        history.append(loss.item())
        if path is not None:
            path.append((W.item(), b.item()))  # where this step landed on L(W, b)
        if epoch % log_every == 0:
            print(f"Epoch {epoch:3d}: loss={loss.item():.4f}, W={W.item():.3f}, b={b.item():.3f}")
    return history


# --8<-- [end:train]


# --8<-- [start:least_squares]
def least_squares(X: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The exact minimiser of the MSE: solve [X 1]·[W; b] ≈ y in the least-squares sense."""
    check_tensor("X", X, ndim=2)
    check_tensor("y", y, ndim=2)
    check_rows(X=X, y=y)
    A = torch.cat([X, torch.ones(X.shape[0], 1)], dim=1)  # a column of ones carries b
    solution = torch.linalg.lstsq(A, y).solution  # argmin ‖A·θ − y‖²
    return solution[:-1], solution[-1]  # W (D_in, D_out), b (D_out,)


# --8<-- [end:least_squares]
