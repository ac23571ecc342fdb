"""Chapter 10: does the model generalize? Held-out data, overfitting and its
remedies, scaled inputs, and checkpoints that resume exactly."""

# --8<-- [start:imports]
import copy
import math
from collections.abc import Iterable

import torch
from torch import nn
from torch.utils.data import TensorDataset, random_split

# --8<-- [end:imports]
from linreg.nn import fit


# --8<-- [start:split]
def split(
    X: torch.Tensor, y: torch.Tensor, val_fraction: float, seed: int
) -> tuple[TensorDataset, TensorDataset]:
    """A random, seeded split of the points: (training set, validation set)."""
    dataset = TensorDataset(X, y)
    shuffle = torch.Generator().manual_seed(seed)  # the same split every run
    train_set, val_set = random_split(
        dataset, [1 - val_fraction, val_fraction], generator=shuffle
    )
    # plain tensors again: the points each part holds, in the drawn order
    return (
        TensorDataset(*dataset[train_set.indices]),
        TensorDataset(*dataset[val_set.indices]),
    )


# --8<-- [end:split]


# --8<-- [start:evaluate]
def evaluate(
    model: nn.Module, dataset: TensorDataset, loss_fn: nn.Module
) -> float:
    """The model's loss on a whole dataset, without training on it."""
    X, y = dataset.tensors
    was_training = model.training
    model.eval()  # layers such as dropout switch to their evaluation mode
    with torch.inference_mode():  # no graph: nothing here is trained
        loss = loss_fn(model(X), y).item()
    model.train(was_training)  # back to the mode it was in
    return loss


# --8<-- [end:evaluate]


# --8<-- [start:fit_and_validate]
def fit_and_validate(
    model: nn.Module,
    batches: Iterable[tuple[torch.Tensor, torch.Tensor]],
    train_set: TensorDataset,
    val_set: TensorDataset,
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    epochs: int,
) -> tuple[list[float], list[float]]:
    """fit, an epoch at a time; both sets' losses before and after each."""
    train_losses = [evaluate(model, train_set, loss_fn)]  # epoch 0: the start
    val_losses = [evaluate(model, val_set, loss_fn)]
    for epoch in range(epochs):
        fit(model, batches, loss_fn, optimizer, epochs=1)
        train_losses.append(evaluate(model, train_set, loss_fn))
        val_losses.append(evaluate(model, val_set, loss_fn))
    return train_losses, val_losses


# --8<-- [end:fit_and_validate]


# --8<-- [start:powers]
def powers(X: torch.Tensor, degree: int) -> torch.Tensor:
    """The features x, x²/2!, …, xᵈ/d! of one-feature inputs X (N, 1)."""
    # xᵏ/k!: a Taylor series' terms, small where xᵏ alone is huge
    terms = [X**k / math.factorial(k) for k in range(1, degree + 1)]
    return torch.cat(terms, dim=1)  # shape (N, degree)


# --8<-- [end:powers]


# --8<-- [start:poly_loss]
def poly_loss(
    W: torch.Tensor, b: torch.Tensor, X: torch.Tensor, y: torch.Tensor
) -> float:
    """The MSE of the polynomial ŷ = powers(X, d)·W + b, with d = len(W)."""
    y_hat = powers(X, len(W)) @ W + b  # (N, d) @ (d, 1) + (1,)
    return torch.mean((y_hat - y) ** 2).item()


# --8<-- [end:poly_loss]


# --8<-- [start:ridge]
def ridge(
    X: torch.Tensor, y: torch.Tensor, lam: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """The exact minimum of MSE + (λ/2)·‖W‖², with b not decayed."""
    n, d = X.shape
    A = torch.cat([X, torch.ones(n, 1)], dim=1)  # [X 1], as in least_squares
    # (λ/2)·‖W‖² = (1/N)·‖√(Nλ/2)·W − 0‖²: d more rows,
    # each with target 0 and 0 in b's column
    rows = math.sqrt(n * lam / 2) * torch.eye(d, d + 1)
    A, y = torch.cat([A, rows]), torch.cat([y, torch.zeros(d, 1)])
    theta = torch.linalg.lstsq(A, y, driver="gels").solution
    return theta[:-1], theta[-1]  # W (d, 1), b (1,)


# --8<-- [end:ridge]


# --8<-- [start:l2_term]
def l2_term(params: Iterable[torch.Tensor], lam: float) -> torch.Tensor:
    """(λ/2)·‖θ‖²: λ/2 times the sum of the squared parameters."""
    return lam / 2 * sum((p**2).sum() for p in params)


# --8<-- [end:l2_term]


# --8<-- [start:fit_l2]
def fit_l2(
    model: nn.Module,
    batches: Iterable[tuple[torch.Tensor, torch.Tensor]],
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    epochs: int,
    lam: float,
    decayed: list[torch.Tensor],
) -> list[float]:
    """fit, with the L2 term of the decayed parameters added to the loss."""
    losses = []
    for epoch in range(epochs):
        for X_batch, y_batch in batches:
            optimizer.zero_grad()
            y_hat = model(X_batch)
            # L + (λ/2)·‖θ‖²: gradient ∇L + λ·θ
            loss = loss_fn(y_hat, y_batch) + l2_term(decayed, lam)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses


# --8<-- [end:fit_l2]


# --8<-- [start:early_stopping]
def early_stopping(
    model: nn.Module,
    batches: Iterable[tuple[torch.Tensor, torch.Tensor]],
    val_set: TensorDataset,
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    max_epochs: int,
    patience: int,
) -> int:
    """Train while the validation loss improves; keep the best state."""
    best_loss, best_epoch = evaluate(model, val_set, loss_fn), 0
    best_state = copy.deepcopy(model.state_dict())  # a copy, not a view
    for epoch in range(1, max_epochs + 1):
        fit(model, batches, loss_fn, optimizer, epochs=1)
        val_loss = evaluate(model, val_set, loss_fn)
        if val_loss < best_loss:
            best_loss, best_epoch = val_loss, epoch
            best_state = copy.deepcopy(model.state_dict())
        elif epoch - best_epoch == patience:
            # `patience` epochs with no better loss
            break
    model.load_state_dict(best_state)  # back to the best epoch
    return best_epoch


# --8<-- [end:early_stopping]


# --8<-- [start:largest_lr]
def curvature_eigenvalues(X: torch.Tensor) -> torch.Tensor:
    """The eigenvalues of the MSE's curvature (2/N)·AᵀA, ascending."""
    A = torch.cat([X, torch.ones(len(X), 1)], dim=1)  # [X 1]
    return torch.linalg.eigvalsh(2 / len(X) * A.T @ A)


def largest_lr(X: torch.Tensor) -> float:
    """2/λ_max: above it, gradient descent on the MSE diverges (ex. 7.3)."""
    return 2 / curvature_eigenvalues(X)[-1].item()  # λ_max: the last


# --8<-- [end:largest_lr]


# --8<-- [start:save_checkpoint]
def save_checkpoint(
    path: str,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    epoch: int,
    generator: torch.Generator,
) -> None:
    """Save all that a run needs to go on as if it had never stopped."""
    checkpoint = {
        "model": model.state_dict(),  # the parameters
        "optimizer": optimizer.state_dict(),  # settings and momentum
        "epoch": epoch,  # epochs done
        "generator": generator.get_state(),  # the next shuffles
    }
    torch.save(checkpoint, path)


# --8<-- [end:save_checkpoint]


# --8<-- [start:load_checkpoint]
def load_checkpoint(
    path: str,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    generator: torch.Generator,
) -> int:
    """Load a checkpoint into a fresh run; return the epochs it had done."""
    checkpoint = torch.load(path, weights_only=True)  # tensors, numbers
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    generator.set_state(checkpoint["generator"])
    return checkpoint["epoch"]


# --8<-- [end:load_checkpoint]
