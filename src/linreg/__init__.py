"""Linear regression trained from scratch with autograd: the code the tutorial shows."""

from linreg.checks import (
    check_count,
    check_number,
    check_real,
    check_rows,
    check_same_shape,
    check_tensor,
)
from linreg.loss import mse_gradients, mse_loss
from linreg.model import forward, init_params, make_data
from linreg.training import gradient_descent_step, least_squares, train

__all__ = [
    "check_count",
    "check_number",
    "check_real",
    "check_rows",
    "check_same_shape",
    "check_tensor",
    "forward",
    "gradient_descent_step",
    "init_params",
    "least_squares",
    "make_data",
    "mse_gradients",
    "mse_loss",
    "train",
]
