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
        # 1. forward pass
        y_hat = forward(X, W, b)
        # 2. loss
        loss = mse_loss(y_hat, y)
        # 3. backward pass
        loss.backward()
        # 4. update: θ ← θ − η·∇θL, for W and b
        optimizer.step()
        # 5. reset: W.grad = b.grad = None
        optimizer.zero_grad()
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
    # an epoch: one pass over all the batches
    for epoch in range(epochs):
        # a step: one batch
        for X_batch, y_batch in batches:
            # reset the gradients of the last step
            optimizer.zero_grad()
            # forward pass
            y_hat = model(X_batch)
            # loss
            loss = loss_fn(y_hat, y_batch)
            # backward pass: fills each .grad
            loss.backward()
            # update: θ ← θ − η·∇θL
            optimizer.step()
            losses.append(loss.item())
    return losses


# --8<-- [end:fit]
