"""least_squares with several features and outputs: the shapes its docstring promises."""

import torch

from linreg.training import least_squares


def test_noise_free_data_with_two_features_and_two_outputs_is_recovered_exactly() -> None:
    X = torch.tensor([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [2.0, -1.0], [-1.0, 3.0]])
    W_true = torch.tensor([[2.0, 0.5], [-3.0, 1.0]])  # (D_in, D_out) = (2, 2)
    b_true = torch.tensor([0.5, -1.0])  # (D_out,)
    W, b = least_squares(X, X @ W_true + b_true)  # y = XW + b, no noise
    assert W.shape == (2, 2) and b.shape == (2,)
    torch.testing.assert_close(W, W_true, atol=1e-5, rtol=0)
    torch.testing.assert_close(b, b_true, atol=1e-5, rtol=0)
