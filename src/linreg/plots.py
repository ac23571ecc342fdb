"""Figures for chapters 5 and 7: the fitted line, the loss curve and the loss surface."""

# --8<-- [start:imports]
import matplotlib.pyplot as plt
import torch

# --8<-- [end:imports]


# --8<-- [start:plot_fit]
def plot_fit(X: torch.Tensor, y: torch.Tensor, W: torch.Tensor, b: torch.Tensor, title: str):
    """The data points, the true line y = 2x + 1 and the model's line ŷ = Wx + b."""
    fig, ax = plt.subplots(figsize=(6, 4))
    x_line = torch.linspace(X.min().item() - 0.5, X.max().item() + 0.5, 2)  # two ends of a line
    ax.scatter(X[:, 0], y[:, 0], color="C0", zorder=3, label="data: 10 noisy points")
    ax.plot(x_line, 2 * x_line + 1, "--", color="C2", label="true line: y = 2x + 1")
    w, b0 = W.item(), b.item()
    ax.plot(x_line, w * x_line + b0, color="C1", label=f"model: ŷ = {w:.3f}x + {b0:.3f}")
    ax.set(xlabel="x", ylabel="y", title=title)
    ax.legend()
    return fig


# --8<-- [end:plot_fit]


# --8<-- [start:plot_loss]
def plot_loss(history: list[float]):
    """The loss of every epoch, on a log scale so the late, small improvements show."""
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(range(len(history)), history, color="C1")
    ax.set(xlabel="epoch", ylabel="loss L (log scale)", yscale="log", title="Training loss")
    return fig


# --8<-- [end:plot_loss]


# --8<-- [start:loss_surface]
def loss_surface(
    X: torch.Tensor, y: torch.Tensor, ws: torch.Tensor, bs: torch.Tensor
) -> torch.Tensor:
    """L(W, b) = (1/N)·Σᵢ(W·xᵢ + b − yᵢ)² for every W in ws (columns) and b in bs (rows)."""
    W_grid, b_grid = torch.meshgrid(ws, bs, indexing="xy")  # shape (len(bs), len(ws))
    y_hat = W_grid[..., None] * X[:, 0] + b_grid[..., None]  # one prediction per point
    return ((y_hat - y[:, 0]) ** 2).mean(dim=-1)  # mean over the N points


# --8<-- [end:loss_surface]


# --8<-- [start:plot_gradient]
def plot_gradient(X: torch.Tensor, y: torch.Tensor, W: torch.Tensor, b: torch.Tensor):
    """Contours of L(W, b) around (W, b), the gradient ∇L there and the step against it, −∇L."""
    w0, b0 = W.item(), b.item()
    g_w, g_b = W.grad.item(), b.grad.item()  # ∇L = (∂L/∂W, ∂L/∂b), from loss.backward()
    ws = torch.linspace(w0 - 1, w0 + 2, 100)
    bs = torch.linspace(b0 - 1.5, b0 + 1.5, 100)
    levels = torch.logspace(-2, 1, 13)  # loss 0.01 to 10, evenly spaced in log L
    fig, ax = plt.subplots(figsize=(6, 4.5))
    contours = ax.contour(ws, bs, loss_surface(X, y, ws, bs), levels=levels, cmap="viridis")
    fig.colorbar(contours, ax=ax, label="loss L(W, b)")
    scale = 0.2  # both arrows are the gradient times 0.2, so that they fit the plot
    for sign, color, label in [(1, "C3", "∇L: uphill"), (-1, "C1", "−∇L: the descent step")]:
        end = (w0 + sign * scale * g_w, b0 + sign * scale * g_b)
        ax.annotate(
            "", xy=end, xytext=(w0, b0), arrowprops={"arrowstyle": "->", "color": color, "lw": 2}
        )
        ax.plot([], [], color=color, lw=2, label=label)  # the arrow's entry in the legend
    ax.plot(w0, b0, "o", color="k", label=f"start: W={w0:.3f}, b={b0:.3f}")
    ax.set_aspect("equal")  # same scale on both axes: ∇L crosses the contours at right angles
    ax.set(xlabel="weight W", ylabel="bias b", title="The gradient at the starting point")
    ax.legend(loc="lower left")
    return fig


# --8<-- [end:plot_gradient]


# --8<-- [start:plot_loss_surface]
def plot_loss_surface(
    X: torch.Tensor,
    y: torch.Tensor,
    path: list[tuple[float, float]],
    W_ls: torch.Tensor,
    b_ls: torch.Tensor,
):
    """Contours of L(W, b), the path gradient descent took and the least-squares minimum."""
    path_w = [w for w, _ in path]
    path_b = [b for _, b in path]
    ws = torch.linspace(min(path_w) - 0.5, max(path_w) + 0.5, 100)
    bs = torch.linspace(min(path_b) - 0.5, max(path_b) + 0.5, 100)
    levels = torch.logspace(-2, 1, 13)  # loss 0.01 to 10, evenly spaced in log L
    fig, ax = plt.subplots(figsize=(6, 4.5))
    contours = ax.contour(ws, bs, loss_surface(X, y, ws, bs), levels=levels, cmap="viridis")
    fig.colorbar(contours, ax=ax, label="loss L(W, b)")
    ax.plot(path_w, path_b, ".-", color="C3", markersize=3, label="gradient descent")
    ax.plot(
        path_w[0], path_b[0], "o", color="C3", label=f"start: W={path_w[0]:.3f}, b={path_b[0]:.3f}"
    )
    ax.plot(W_ls.item(), b_ls.item(), "*", color="C1", markersize=14, label="least-squares minimum")
    ax.set(xlabel="weight W", ylabel="bias b", title="Loss surface and the descent")
    ax.legend(loc="upper right")
    return fig


# --8<-- [end:plot_loss_surface]
