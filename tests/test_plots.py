"""Unit tests for src/linreg/plots.py: each figure plots exactly the data it is given."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
import torch

from linreg import mse_loss
from linreg.generalization import powers
from linreg.plots import (
    loss_surface,
    plot_by_degree,
    plot_degrees,
    plot_descent,
    plot_fit,
    plot_gradient,
    plot_losses,
    plot_steps,
    plot_stopping,
)


@pytest.fixture(autouse=True)
def close_figures():
    """Close the figures each test draws."""
    yield
    plt.close("all")


def data() -> tuple[torch.Tensor, torch.Tensor]:
    """Five points on y = 2x + 1 with a little noise."""
    X = torch.tensor([[-1.0], [0.0], [0.5], [1.0], [2.0]])
    return X, 2 * X + 1 + torch.tensor([[0.1], [-0.1], [0.0], [0.05], [-0.05]])


def test_loss_surface_matches_mse_loss_at_every_grid_point() -> None:
    """L(W, b) on the grid equals mse_loss of the model with that W and b (the reference)."""
    X, y = data()
    ws, bs = torch.linspace(0, 3, 4), torch.linspace(-1, 2, 3)
    surface = loss_surface(X, y, ws, bs)
    assert surface.shape == (3, 4)
    for i, b in enumerate(bs):
        for j, w in enumerate(ws):
            assert torch.allclose(surface[i, j], mse_loss(X * w + b, y))


def test_plot_fit_draws_the_points_the_true_line_and_the_model() -> None:
    """The scatter holds (X, y); the lines are y = 2x + 1 and ŷ = Wx + b, labelled with W, b."""
    X, y = data()
    W, b = torch.tensor([[0.5]], requires_grad=True), torch.tensor([1.25], requires_grad=True)
    ax = plot_fit(X, y, W, b, "t").axes[0]
    assert ax.collections[0].get_offsets().tolist() == torch.cat([X, y], dim=1).tolist()
    true_line, model_line = ax.lines
    xs = torch.tensor(true_line.get_xdata())
    assert torch.allclose(torch.tensor(true_line.get_ydata()), 2 * xs + 1)
    assert torch.allclose(torch.tensor(model_line.get_ydata()), 0.5 * xs + 1.25)
    assert model_line.get_label() == "model: ŷ = 0.500x + 1.250"
    assert ax.get_title() == "t"


def test_plot_losses_plots_every_epoch_of_each_run() -> None:
    """One line per run, labelled, one point per epoch with the exact value, on a log scale."""
    runs = {"a": [4.0, 2.0, 1.0, 0.5], "b": [4.0, 3.0]}
    ax = plot_losses(runs).axes[0]
    assert [line.get_label() for line in ax.lines] == ["a", "b"]
    assert list(ax.lines[0].get_xdata()) == [0, 1, 2, 3]
    assert list(ax.lines[0].get_ydata()) == runs["a"]
    assert list(ax.lines[1].get_ydata()) == runs["b"]
    assert ax.get_yscale() == "log"


def test_plot_gradient_draws_the_gradient_and_its_opposite() -> None:
    """Both arrows start at (W, b); one ends at (W, b) + 0.2·∇L, the other at (W, b) − 0.2·∇L."""
    X, y = data()
    W, b = torch.tensor([[0.5]], requires_grad=True), torch.tensor([1.5], requires_grad=True)
    mse_loss(X @ W + b, y).backward()
    ax = plot_gradient(X, y, W, b).axes[0]
    uphill, downhill = ax.texts
    g = (W.grad.item(), b.grad.item())
    assert uphill.xyann == downhill.xyann == (0.5, 1.5)
    assert uphill.xy == pytest.approx((0.5 + 0.2 * g[0], 1.5 + 0.2 * g[1]))
    assert downhill.xy == pytest.approx((0.5 - 0.2 * g[0], 1.5 - 0.2 * g[1]))
    assert ax.get_aspect() == 1.0


def test_plot_descent_draws_the_path_and_the_minimum() -> None:
    """The path line holds every (W, b) given; the start and the least-squares star are marked."""
    X, y = data()
    path = [(0.5, 1.5), (1.0, 1.2), (1.8, 1.0)]
    ax = plot_descent(X, y, path, torch.tensor([[2.0]]), torch.tensor([1.0])).axes[0]
    descent, start, minimum = ax.lines
    assert list(zip(descent.get_xdata(), descent.get_ydata())) == path
    assert (start.get_xdata()[0], start.get_ydata()[0]) == path[0]
    assert (minimum.get_xdata()[0], minimum.get_ydata()[0]) == (2.0, 1.0)
    assert ax.collections, "the contours are drawn"


def test_plot_steps_plots_every_step_of_each_run() -> None:
    """One line per run, labelled, one point per step with the exact value, on a log scale."""
    runs = {"full": [3.0, 2.0, 1.0], "mini": [3.5, 1.5, 2.5]}
    ax = plot_steps(runs).axes[0]
    assert [line.get_label() for line in ax.lines] == ["full", "mini"]
    assert list(ax.lines[1].get_xdata()) == [0, 1, 2]
    assert list(ax.lines[0].get_ydata()) == runs["full"]
    assert list(ax.lines[1].get_ydata()) == runs["mini"]
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "step"


def test_plot_degrees_draws_both_sets_and_each_polynomial() -> None:
    """The validation points in grey, the training points on top, and for each degree the curve
    ŷ = powers(x, d)·W + b across the validation points' range, clipped to their y range ± 1."""
    X, y = data()
    X_val, y_val = torch.tensor([[-2.0], [0.0], [3.0]]), torch.tensor([[-3.0], [1.0], [7.0]])
    fits = {
        1: (torch.tensor([[2.0]]), torch.tensor([1.0])),
        2: (torch.tensor([[1.0], [2.0]]), torch.tensor([0.5])),
    }
    ax = plot_degrees(X, y, X_val, y_val, fits).axes[0]
    val_points, train_points = ax.collections
    assert val_points.get_offsets().tolist() == torch.cat([X_val, y_val], dim=1).tolist()
    assert train_points.get_offsets().tolist() == torch.cat([X, y], dim=1).tolist()
    assert [line.get_label() for line in ax.lines] == ["degree 1", "degree 2"]
    xs = torch.tensor(ax.lines[1].get_xdata())[:, None]
    assert (xs.min().item(), xs.max().item()) == (-2.0, 3.0)
    expected = powers(xs, 2) @ fits[2][0] + fits[2][1]
    assert torch.allclose(torch.tensor(ax.lines[1].get_ydata()), expected[:, 0])
    assert ax.get_ylim() == (-4.0, 8.0)


def test_plot_by_degree_plots_both_losses_against_the_degree() -> None:
    ax = plot_by_degree([0.5, 0.1, 0.01], [0.6, 0.7, 9.0]).axes[0]
    train_line, val_line = ax.lines
    assert list(train_line.get_xdata()) == [1, 2, 3]
    assert list(train_line.get_ydata()) == [0.5, 0.1, 0.01]
    assert list(val_line.get_ydata()) == [0.6, 0.7, 9.0]
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "degree"


def test_plot_stopping_marks_the_kept_epoch() -> None:
    curves = {"training loss": [3.0, 1.0, 0.5, 0.4], "validation loss": [3.0, 1.2, 1.1, 1.3]}
    ax = plot_stopping(curves, 2).axes[0]
    *loss_lines, marker = ax.lines
    assert [line.get_label() for line in loss_lines] == list(curves)
    assert list(marker.get_xdata()) == [2, 2] and marker.get_label() == "epoch 2"
    assert ax.get_legend() is not None and ax.get_yscale() == "log"


def test_plot_curve_draws_the_points_the_sine_and_each_model_on_a_grid() -> None:
    """The scatter holds (X, y); the dashed curve is sin(x); each model is drawn as its
    predictions on the grid, labelled, in the order given."""
    from linreg.plots import plot_curve

    X = torch.linspace(-3, 3, 7)[:, None]
    y = torch.sin(X)
    models = {"double": lambda x: 2 * x, "square": lambda x: x**2}
    ax = plot_curve(X, y, models).axes[0]
    assert ax.collections[0].get_offsets().tolist() == torch.cat([X, y], dim=1).tolist()
    sine, double, square = ax.lines
    xs = torch.tensor(sine.get_xdata())
    assert xs.min() < -3 and xs.max() > 3 and len(xs) == 200
    assert torch.equal(torch.tensor(sine.get_ydata()), torch.sin(xs))
    assert [double.get_label(), square.get_label()] == ["double", "square"]
    assert torch.equal(torch.tensor(double.get_ydata()), 2 * xs)
    assert torch.equal(torch.tensor(square.get_ydata()), xs**2)


def test_plot_inside_draws_each_layers_norm_and_the_dead_units_per_epoch() -> None:
    """Top: two lines per run, ‖∇W‖ of layers 1 and 2, log scale; bottom: dead units per run."""
    from linreg.plots import plot_inside

    runs = {
        "a": [(1.0, [0.5, 2.0], 1), (0.5, [0.25, 1.0], 2)],
        "b": [(3.0, [4.0, 8.0], 0), (2.0, [2.0, 6.0], 3)],
    }
    top, bottom = plot_inside(runs).axes
    assert [line.get_label() for line in top.lines] == [
        "layer 1, a",
        "layer 2, a",
        "layer 1, b",
        "layer 2, b",
    ]
    assert [list(map(float, line.get_ydata())) for line in top.lines] == [
        [0.5, 0.25],
        [2.0, 1.0],
        [4.0, 2.0],
        [8.0, 6.0],
    ]
    assert [list(line.get_ydata()) for line in bottom.lines] == [[1, 2], [0, 3]]
    assert top.get_yscale() == "log" and bottom.get_ylabel() == "dead hidden units"
