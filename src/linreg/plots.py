"""Figures for chapters 5 to 10: fitted lines and curves, loss curves, the
loss surface."""

# --8<-- [start:imports]
import matplotlib.pyplot as plt
import torch

# --8<-- [end:imports]
from linreg.generalization import powers


# --8<-- [start:plot_fit]
def plot_fit(X, y, W, b, title: str):
    """The data, the true line y = 2x + 1 and the model's line ŷ = Wx + b."""
    fig, ax = plt.subplots(figsize=(4.5, 3.4))
    x = torch.linspace(X.min().item() - 0.5, X.max().item() + 0.5, 2)
    w0, b0 = W.item(), b.item()
    ax.scatter(X[:, 0], y[:, 0], color="C0", zorder=3, label="data")
    ax.plot(x, 2 * x + 1, "--", color="C2", label="true line: y = 2x + 1")
    model = f"model: ŷ = {w0:.3f}x + {b0:.3f}"
    ax.plot(x, w0 * x + b0, color="C1", label=model)
    ax.set(xlabel="x", ylabel="y", title=title)
    ax.legend(loc="upper left")
    return fig


# --8<-- [end:plot_fit]


# --8<-- [start:plot_losses]
def plot_losses(curves: dict[str, list[float]]):
    """Each run's loss per epoch, on a log scale: label -> losses."""
    fig, ax = plt.subplots(figsize=(4.5, 3.2))
    for label, losses in curves.items():
        ax.plot(range(len(losses)), losses, label=label)
    ax.set(xlabel="epoch", ylabel="loss (log scale)", yscale="log")
    ax.yaxis.set_major_formatter("{x:g}")  # 0.01 rather than 10⁻²
    ax.legend()
    return fig


# --8<-- [end:plot_losses]


# --8<-- [start:loss_surface]
def loss_surface(X, y, ws, bs) -> torch.Tensor:
    """The MSE L(W, b) for each b (rows) and W (columns) of a grid."""
    W_grid, b_grid = torch.meshgrid(ws, bs, indexing="xy")
    y_hat = W_grid[..., None] * X[:, 0] + b_grid[..., None]  # per point
    return ((y_hat - y[:, 0]) ** 2).mean(dim=-1)  # mean over the points


# --8<-- [end:loss_surface]


# --8<-- [start:contours]
def contours(X, y, ws, bs, title: str):
    """Contour lines of L(W, b) over the grid ws × bs, from 0.01 to 10."""
    fig, ax = plt.subplots(figsize=(4.4, 3.6))
    levels = torch.logspace(-2, 1, 13)  # evenly spaced in log L
    lines = ax.contour(
        ws, bs, loss_surface(X, y, ws, bs), levels=levels, cmap="viridis"
    )
    fig.colorbar(lines, ax=ax, label="loss L(W, b)", format="{x:.2g}")
    ax.set(xlabel="weight W", ylabel="bias b", title=title)
    return fig, ax


# --8<-- [end:contours]


# --8<-- [start:plot_gradient]
def plot_gradient(X, y, W, b):
    """L(W, b) near (W, b); the gradient ∇L and the descent step −∇L."""
    w0, b0 = W.item(), b.item()
    g_w, g_b = W.grad.item(), b.grad.item()  # ∇L, from loss.backward()
    ws = torch.linspace(w0 - 1, w0 + 2, 100)
    bs = torch.linspace(b0 - 1.5, b0 + 1.5, 100)
    fig, ax = contours(X, y, ws, bs, "The gradient at the starting point")
    scale = 0.2  # both arrows are 0.2 × the gradient, to fit the plot
    arrows = [
        (1, "C3", "∇L: uphill"),
        (-1, "C1", "−∇L: the descent step"),
    ]
    for sign, color, label in arrows:
        end = (w0 + sign * scale * g_w, b0 + sign * scale * g_b)
        style = {"arrowstyle": "->", "color": color, "lw": 2}
        ax.annotate("", xy=end, xytext=(w0, b0), arrowprops=style)
        ax.plot([], [], color=color, lw=2, label=label)  # legend entry
    ax.plot(w0, b0, "o", color="k", label=f"start: W={w0:.3f}, b={b0:.3f}")
    ax.set_aspect("equal")  # so ∇L crosses the contours at right angles
    ax.legend(loc="lower left")
    return fig


# --8<-- [end:plot_gradient]


# --8<-- [start:plot_descent]
def plot_descent(X, y, path, W_ls, b_ls):
    """L(W, b), the path of gradient descent and the least-squares fit."""
    path_w = [w for w, _ in path]
    path_b = [b for _, b in path]
    ws = torch.linspace(min(path_w) - 0.5, max(path_w) + 0.5, 100)
    bs = torch.linspace(min(path_b) - 0.5, max(path_b) + 0.5, 100)
    fig, ax = contours(X, y, ws, bs, "Loss surface and the descent")
    ax.plot(path_w, path_b, ".-", color="C3", ms=3, label="gradient descent")
    start = f"start: W={path_w[0]:.3f}, b={path_b[0]:.3f}"
    ax.plot(path_w[0], path_b[0], "o", color="C3", label=start)
    ax.plot(W_ls.item(), b_ls.item(), "*", color="C1", ms=14,
            label="least-squares fit")
    ax.legend(loc="upper right")
    return fig


# --8<-- [end:plot_descent]


# --8<-- [start:plot_steps]
def plot_steps(curves: dict[str, list[float]]):
    """Each run's loss per step (one update), on a log scale."""
    fig, ax = plt.subplots(figsize=(4.5, 3.2))
    for label, losses in curves.items():
        ax.plot(range(len(losses)), losses, label=label, lw=1)
    ax.set(xlabel="step", ylabel="loss (log scale)", yscale="log")
    ax.yaxis.set_major_formatter("{x:g}")  # 0.01 rather than 10⁻²
    ax.legend()
    return fig


# --8<-- [end:plot_steps]


# --8<-- [start:plot_degrees]
def plot_degrees(X, y, X_val, y_val, fits: dict):
    """The training points, the validation points and each degree's curve."""
    fig, ax = plt.subplots(figsize=(4.5, 3.4))
    ax.scatter(X_val[:, 0], y_val[:, 0], s=8, color="0.6",
               label="validation points")
    ax.scatter(X[:, 0], y[:, 0], color="k", zorder=3,
               label="training points")
    x = torch.linspace(X_val.min().item(), X_val.max().item(), 400)[:, None]
    for degree, (W, b) in fits.items():
        # the fitted polynomial
        y_hat = powers(x, degree) @ W + b
        ax.plot(x[:, 0], y_hat[:, 0], label=f"degree {degree}")
    low, high = y_val.min().item() - 1, y_val.max().item() + 1
    ax.set(xlabel="x", ylabel="y", ylim=(low, high))
    ax.legend(loc="upper left")
    return fig


# --8<-- [end:plot_degrees]


# --8<-- [start:plot_by_degree]
def plot_by_degree(train_losses: list[float], val_losses: list[float]):
    """Training and validation loss against the degree, on a log scale."""
    fig, ax = plt.subplots(figsize=(4.5, 3.4))
    degrees = range(1, len(train_losses) + 1)
    ax.plot(degrees, train_losses, "o-", label="training loss")
    ax.plot(degrees, val_losses, "o-", label="validation loss")
    ax.set(xlabel="degree", ylabel="loss (log scale)", yscale="log")
    ax.yaxis.set_major_formatter("{x:g}")  # 1e-08 rather than 10⁻⁸
    ax.legend()
    return fig


# --8<-- [end:plot_by_degree]


# --8<-- [start:plot_stopping]
def plot_stopping(curves: dict[str, list[float]], best_epoch: int):
    """plot_losses, with a line at the epoch that early stopping keeps."""
    fig = plot_losses(curves)
    ax = fig.axes[0]
    ax.axvline(best_epoch, ls="--", color="0.5", label=f"epoch {best_epoch}")
    ax.legend()
    return fig


# --8<-- [end:plot_stopping]


# --8<-- [start:plot_curve]
def plot_curve(X, y, fits: dict):
    """The data, the true curve y = sin(x) and each model: label -> model."""
    fig, ax = plt.subplots(figsize=(4.5, 3.4))
    xs = torch.linspace(X.min().item() - 0.2, X.max().item() + 0.2, 200)
    ax.scatter(X[:, 0], y[:, 0], color="C0", zorder=3, label="data")
    ax.plot(xs, torch.sin(xs), "--", color="C2", label="true curve: sin(x)")
    with torch.no_grad():  # a model's predictions on a fine grid
        for color, (label, model) in zip(["C1", "C3", "C4"], fits.items()):
            ax.plot(xs, model(xs[:, None])[:, 0], color=color, label=label)
    ax.set(xlabel="x", ylabel="y")
    ax.legend()
    return fig


# --8<-- [end:plot_curve]


# --8<-- [start:plot_inside]
def plot_inside(histories: dict):
    """Each run's ‖∇W‖ per layer and its dead units, per epoch."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(4.5, 6))
    for color, (label, history) in zip(["C0", "C3"], histories.items()):
        norms = torch.tensor([norm for _, norm, _ in history])
        top.plot(norms[:, 0], color=color, label=f"layer 1, {label}")
        top.plot(norms[:, 1], "--", color=color, label=f"layer 2, {label}")
        dead = [dead for _, _, dead in history]
        bottom.plot(dead, color=color, label=label)
    top.set(xlabel="epoch", ylabel="‖∇W‖ (log scale)", yscale="log")
    top.yaxis.set_major_formatter("{x:g}")  # 0.01 rather than 10⁻²
    bottom.set(xlabel="epoch", ylabel="dead hidden units", ylim=(0, None))
    top.legend()
    bottom.legend()
    return fig


# --8<-- [end:plot_inside]
