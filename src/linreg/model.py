"""Chapter 5: the data, the parameters and the forward pass ŷ = XW + b."""

import torch


# --8<-- [start:make_data]
def make_data(n: int = 10) -> tuple[torch.Tensor, torch.Tensor]:
    """n noisy points on the line y = 2x + 1: inputs X and targets y."""
    X = torch.randn(n, 1)  # n rows, 1 feature: shape (n, 1)
    true_W = torch.tensor([[2.0]])  # the weight we hope to learn
    true_b = torch.tensor(1.0)  # the bias we hope to learn
    noise = torch.randn(n, 1) * 0.1  # a little noise, for realism
    y = X @ true_W + true_b + noise  # shape (n, 1)
    return X, y


# --8<-- [end:make_data]


# --8<-- [start:init_params]
def init_params(d_in: int = 1, d_out: int = 1) -> tuple[torch.Tensor, ...]:
    """Random W (d_in, d_out) and b (d_out,), tracked by autograd."""
    W = torch.randn(d_in, d_out, requires_grad=True)
    b = torch.randn(d_out, requires_grad=True)
    return W, b


# --8<-- [end:init_params]


# --8<-- [start:forward]
def forward(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """ŷ = XW + b: one prediction per row of X."""
    return X @ W + b  # (N, D_in) @ (D_in, D_out) + (D_out,) -> (N, D_out)


# --8<-- [end:forward]
