"""Chapter 9: minibatches, more features and the GPU."""

import torch


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
