"""Chapter 11: a neural network, trained by chapter 7's loop."""

import torch
from torch import nn

from linreg.loss import mse_loss
from linreg.nn import load_params


# --8<-- [start:make_curve]
def make_curve(n: int = 40) -> tuple[torch.Tensor, torch.Tensor]:
    """n noisy points on the curve y = sin(x), x evenly spaced on [-3, 3]."""
    X = torch.linspace(-3, 3, n)[:, None]  # a grid of n inputs: (n, 1)
    noise = torch.randn(n, 1) * 0.1  # chapter 5's noise
    y = torch.sin(X) + noise  # shape (n, 1)
    return X, y


# --8<-- [end:make_curve]


# --8<-- [start:init_network]
def init_network(
    d_in: int, width: int, d_out: int
) -> list[torch.Tensor]:
    """W1 (d_in, width), b1, W2 (width, d_out), b2, drawn as nn.Linear does."""
    params = []
    for fan_in, fan_out in [(d_in, width), (width, d_out)]:
        bound = 1 / fan_in**0.5  # uniform on [−1/√fan_in, 1/√fan_in]
        W = torch.empty(fan_in, fan_out).uniform_(-bound, bound)
        b = torch.empty(fan_out).uniform_(-bound, bound)
        params += [W.requires_grad_(), b.requires_grad_()]
    return params


# --8<-- [end:init_network]


# --8<-- [start:forward_network]
def forward_network(
    X: torch.Tensor,
    W1: torch.Tensor,
    b1: torch.Tensor,
    W2: torch.Tensor,
    b2: torch.Tensor,
) -> torch.Tensor:
    """ŷ = ReLU(XW1 + b1)W2 + b2: one hidden layer."""
    H = torch.relu(X @ W1 + b1)  # hidden units: max(0, z), (N, width)
    return H @ W2 + b2  # a line through the hidden units, (N, d_out)


# --8<-- [end:forward_network]


# --8<-- [start:train_network]
def train_network(
    X: torch.Tensor,
    y: torch.Tensor,
    params: list[torch.Tensor],
    learning_rate: float,
    epochs: int,
) -> list[float]:
    """Chapter 7's loop with the network's forward pass; return the losses."""
    losses = []
    for epoch in range(epochs):
        # 1. forward pass: the network
        y_hat = forward_network(X, *params)
        # 2. loss (chapter 6)
        loss = mse_loss(y_hat, y)
        # 3. backward pass: fills each .grad
        loss.backward()
        # 4. update: θ ← θ − η·∇θL
        with torch.no_grad():
            for param in params:
                param -= learning_rate * param.grad
        # 5. reset
        for param in params:
            param.grad = None
        losses.append(loss.item())
    return losses


# --8<-- [end:train_network]


# --8<-- [start:network_module]
def network_module(params: list[torch.Tensor]) -> nn.Sequential:
    """nn.Sequential(Linear, ReLU, Linear) holding W1, b1, W2, b2."""
    W1, b1, W2, b2 = params
    model = nn.Sequential(
        nn.Linear(*W1.shape),  # (in, out) = W1's shape
        nn.ReLU(),
        nn.Linear(*W2.shape),
    )
    load_params(model[0], W1, b1)  # 8.2: weight = W1ᵀ
    load_params(model[2], W2, b2)
    return model


# --8<-- [end:network_module]


# --8<-- [start:train_momentum]
def train_momentum(
    X: torch.Tensor,
    y: torch.Tensor,
    params: list[torch.Tensor],
    learning_rate: float,
    momentum: float,
    epochs: int,
) -> list[float]:
    """train_network, stepping along a running sum of the gradients."""
    velocities = [torch.zeros_like(param) for param in params]  # v = 0
    losses = []
    for epoch in range(epochs):
        # 1. to 3. as in train_network
        y_hat = forward_network(X, *params)
        loss = mse_loss(y_hat, y)
        loss.backward()
        # 4. update, along the velocity v
        with torch.no_grad():
            for param, v in zip(params, velocities):
                # v ← μ·v + ∇θL: past steps, damped
                v *= momentum
                v += param.grad
                # θ ← θ − η·v
                param -= learning_rate * v
        # 5. reset (v stays)
        for param in params:
            param.grad = None
        losses.append(loss.item())
    return losses


# --8<-- [end:train_momentum]


# --8<-- [start:dead_units]
def dead_units(H: torch.Tensor) -> int:
    """Hidden units whose output H (N, width) is 0 for every input."""
    return int((H == 0).all(dim=0).sum())  # columns of zeros


# --8<-- [end:dead_units]


# --8<-- [start:fit_watched]
def fit_watched(
    model: nn.Sequential,
    X: torch.Tensor,
    y: torch.Tensor,
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    epochs: int,
) -> list[tuple[float, list[float], int]]:
    """Full-batch fit; record each epoch's loss, ‖∇W‖s and dead units."""
    layers = [layer for layer in model if isinstance(layer, nn.Linear)]
    history = []
    for epoch in range(epochs):
        optimizer.zero_grad()
        # hidden units, then the output layer
        H = model[:2](X)
        loss = loss_fn(model[2:](H), y)
        loss.backward()
        # ‖∇W‖: the pull on each layer's W
        norms = [layer.weight.grad.norm().item() for layer in layers]
        history.append((loss.item(), norms, dead_units(H)))
        optimizer.step()
    return history


# --8<-- [end:fit_watched]
