"""Chapter 8: the same loop with torch.nn and torch.optim."""

# --8<-- [start:imports]
from collections.abc import Iterable  # fit's batches: a list, a DataLoader

import torch
from torch import nn

# --8<-- [end:imports]
from linreg.loss import mse_loss
from linreg.model import forward


# --8<-- [start:train_sgd]
def train_sgd(
    X: torch.Tensor,
    y: torch.Tensor,
    W: torch.Tensor,
    b: torch.Tensor,
    optimizer: torch.optim.Optimizer,
    epochs: int,
) -> list[float]:
    """Chapter 7's loop, with the optimizer doing steps 4 and 5."""
    losses = []
    for epoch in range(epochs):
        y_hat = forward(X, W, b)  # 1. forward pass
        loss = mse_loss(y_hat, y)  # 2. loss
        loss.backward()  # 3. backward pass
        optimizer.step()  # 4. update: θ ← θ − η·∇θL, for W and b
        optimizer.zero_grad()  # 5. reset: W.grad = b.grad = None
        losses.append(loss.item())
    return losses


# --8<-- [end:train_sgd]


# --8<-- [start:load_params]
def load_params(model: nn.Linear, W: torch.Tensor, b: torch.Tensor) -> None:
    """Copy our W (in, out) and b (out,) into an nn.Linear."""
    with torch.no_grad():  # setting a parameter is not part of the model
        model.weight.copy_(W.T)  # weight is (out, in): our W transposed
        model.bias.copy_(b)


# --8<-- [end:load_params]


# --8<-- [start:fit]
def fit(
    model: nn.Module,
    batches: Iterable[tuple[torch.Tensor, torch.Tensor]],
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    epochs: int,
) -> list[float]:
    """The standard loop: one step per batch; return every step's loss."""
    losses = []
    for epoch in range(epochs):  # an epoch: one pass over all the batches
        for X_batch, y_batch in batches:  # a step: one batch
            optimizer.zero_grad()  # reset the gradients of the last step
            y_hat = model(X_batch)  # forward pass
            loss = loss_fn(y_hat, y_batch)  # loss
            loss.backward()  # backward pass: fills each parameter's .grad
            optimizer.step()  # update: θ ← θ − η·∇θL
            losses.append(loss.item())
    return losses


# --8<-- [end:fit]


# --8<-- [start:make_data_3]
def make_data_3(n: int = 1000) -> tuple[torch.Tensor, torch.Tensor]:
    """n noisy points on y = 2x₁ − 3x₂ + 0.5x₃ + 1, X (n, 3)."""
    X = torch.randn(n, 3)  # 3 features per point
    true_W = torch.tensor([[2.0], [-3.0], [0.5]])  # one weight per feature
    true_b = torch.tensor(1.0)
    noise = torch.randn(n, 1) * 0.1
    y = X @ true_W + true_b + noise  # shape (n, 1)
    return X, y


# --8<-- [end:make_data_3]
