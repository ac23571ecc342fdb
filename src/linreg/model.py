"""Chapter 5: the data, the parameters and the forward pass ŷ = XW + b."""

import torch

from linreg.checks import check_count, check_number, check_real, check_tensor


# --8<-- [start:make_data]
def make_data(
    n: int = 10, true_w: float = 2.0, true_b: float = 1.0, noise: float = 0.1
) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw n inputs X ~ N(0, 1) and targets y = true_w·X + true_b + noise·ε."""
    check_count("n", n, minimum=1)
    check_real("true_w", true_w)
    check_real("true_b", true_b)
    check_number("noise", noise, positive=False)
    X = torch.randn(n, 1)  # shape (n, 1): n rows, 1 feature
    y = X * true_w + true_b + torch.randn(n, 1) * noise  # the line, plus noise
    return X, y


# --8<-- [end:make_data]


# --8<-- [start:init_params]
def init_params(d_in: int = 1, d_out: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw a random weight W (d_in, d_out) and bias b (d_out,) that autograd tracks."""
    check_count("d_in", d_in, minimum=1)
    check_count("d_out", d_out, minimum=1)
    W = torch.randn(d_in, d_out, requires_grad=True)
    b = torch.randn(d_out, requires_grad=True)
    return W, b


# --8<-- [end:init_params]


# --8<-- [start:forward]
def forward(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """ŷ = XW + b: one prediction per row of X."""
    check_tensor("X", X, ndim=2)
    check_tensor("W", W, ndim=2)
    check_tensor("b", b, ndim=1)
    if X.shape[1] != W.shape[0] or b.shape[0] != W.shape[1]:
        raise ValueError(
            f"shapes do not fit X @ W + b: X {tuple(X.shape)}, W {tuple(W.shape)}, "
            f"b {tuple(b.shape)}; expected X (N, D_in), W (D_in, D_out), b (D_out,)"
        )
    return X @ W + b  # (N, D_in) @ (D_in, D_out) + (D_out,) -> (N, D_out)


# --8<-- [end:forward]
