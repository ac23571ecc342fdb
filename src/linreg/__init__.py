"""Linear regression trained from scratch: the code the tutorial shows."""

from linreg.loss import mse_gradients, mse_loss
from linreg.model import forward, init_params, make_data
from linreg.training import least_squares, train

__all__ = [
    "forward",
    "init_params",
    "least_squares",
    "make_data",
    "mse_gradients",
    "mse_loss",
    "train",
]
