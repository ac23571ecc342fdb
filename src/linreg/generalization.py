"""Chapter 10: does the model generalize? A held-out split and its loss."""

# --8<-- [start:imports]
import torch
from torch import nn
from torch.utils.data import TensorDataset, random_split

# --8<-- [end:imports]


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
    model.eval()  # layers such as dropout switch to their evaluation mode
    with torch.inference_mode():  # no graph: nothing here is trained
        loss = loss_fn(model(X), y).item()
    model.train()  # back to training mode for the next step
    return loss


# --8<-- [end:evaluate]
