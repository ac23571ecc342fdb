"""Unit tests for chapter 9's code (src/linreg/batches.py) and what the chapter claims of
minibatches, several features and devices, with chapter 8's `fit` and chapter 7's least squares
as the references."""

from pathlib import Path

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from linreg.batches import make_data_3
from linreg.model import make_data
from linreg.nn import fit, load_params
from linreg.training import least_squares

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_minibatches_end_within_the_chapters_tolerance_of_least_squares(seed: int) -> None:
    """Section 9.1's runs for other seeds: within 0.01 (about 3 standard errors) in W and b."""
    torch.manual_seed(seed)
    X, y = make_data(1000)
    W_ls, b_ls = least_squares(X, y)
    loader = DataLoader(
        TensorDataset(X, y),
        batch_size=50,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    for batches, epochs in [([(X, y)], 100), (loader, 5)]:
        model = nn.Linear(1, 1)
        load_params(model, torch.tensor([[0.3704]]), torch.tensor([1.4565]))
        optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
        losses = fit(model, batches, nn.MSELoss(), optimizer, epochs)
        assert len(losses) == 100
        assert abs(model.weight.item() - W_ls.item()) < 0.01
        assert abs(model.bias.item() - b_ls.item()) < 0.01


def test_the_seeded_loader_deals_the_same_batches_on_every_run() -> None:
    X = torch.arange(20.0)[:, None]
    orders = []
    for _ in range(2):
        loader = DataLoader(
            TensorDataset(X, X),
            batch_size=5,
            shuffle=True,
            generator=torch.Generator().manual_seed(0),
        )
        orders.append([batch.flatten().tolist() for _ in range(2) for batch, _ in loader])
    assert orders[0] == orders[1]
    assert orders[0][:4] != orders[0][4:]  # a new order each epoch
    assert sorted(i for batch in orders[0][:4] for i in batch) == list(
        range(20)
    )  # every point once an epoch


def test_make_data_3_lies_on_its_plane_up_to_the_noise() -> None:
    torch.manual_seed(0)
    X, y = make_data_3(500)
    assert X.shape == (500, 3) and y.shape == (500, 1)
    plane = X @ torch.tensor([[2.0], [-3.0], [0.5]]) + 1.0
    residual = y - plane
    assert residual.abs().max() < 0.5 and 0.08 < residual.std() < 0.12


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_three_features_train_with_the_same_loop_to_least_squares(seed: int) -> None:
    torch.manual_seed(seed)
    X, y = make_data_3(1000)
    model = nn.Linear(3, 1)
    loader = DataLoader(
        TensorDataset(X, y),
        batch_size=50,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    fit(model, loader, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.05), 5)
    W_ls, b_ls = least_squares(X, y)
    torch.testing.assert_close(model.weight.detach(), W_ls.T, atol=0.01, rtol=0)
    torch.testing.assert_close(model.bias.detach(), b_ls, atol=0.01, rtol=0)
    # and lstsq against the normal equations, in float64
    A = torch.cat([X, torch.ones(1000, 1)], dim=1).double()
    theta = torch.linalg.solve(A.T @ A, A.T @ y.double())
    torch.testing.assert_close(W_ls.double(), theta[:3], atol=1e-5, rtol=0)


def test_a_one_feature_model_names_the_shapes_it_cannot_multiply() -> None:
    shapes = r"mat1 and mat2 shapes cannot be multiplied \(8x3 and 1x1\)"
    with pytest.raises(RuntimeError, match=shapes):
        nn.Linear(1, 1)(torch.ones(8, 3))


DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.mark.parametrize("device", DEVICES)
def test_fit_runs_unchanged_on_each_device(device: str) -> None:
    """Model and data moved, nothing else: the result lands near least squares on any device."""
    torch.manual_seed(0)
    X, y = make_data_3(1000)
    W_ls, _ = least_squares(X, y)
    model = nn.Linear(3, 1).to(device)
    X, y = X.to(device), y.to(device)
    loader = DataLoader(
        TensorDataset(X, y),
        batch_size=50,
        shuffle=True,
        generator=torch.Generator().manual_seed(0),
    )
    fit(model, loader, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.05), 5)
    assert model.weight.device == X.device
    torch.testing.assert_close(model.weight.detach().cpu(), W_ls.T, atol=0.01, rtol=0)


def test_a_module_moves_in_place_and_a_tensor_returns_a_copy() -> None:
    model = nn.Linear(1, 1)
    assert model.to("meta") is model and model.weight.device.type == "meta"
    X = torch.ones(2, 1)
    assert X.to("meta") is not X and X.device.type == "cpu"


def test_tensors_on_two_devices_stop_with_an_error() -> None:
    """Without a GPU, the meta device stands in for one."""
    with pytest.raises(RuntimeError, match="device"):
        nn.Linear(1, 1)(torch.ones(2, 1, device="meta"))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_feature_of_pure_noise_gets_a_weight_near_zero(seed: int) -> None:
    """Exercise 9.3: a fourth feature that does not make the targets ends within 0.01 of 0, in
    the trained model and in the least-squares fit, which still gives it a weight of its own."""
    torch.manual_seed(seed)
    X, y = make_data_3(1000)
    X_4 = torch.cat([X, torch.randn(1000, 1)], dim=1)
    model = nn.Linear(4, 1)
    loader = DataLoader(
        TensorDataset(X_4, y),
        batch_size=50,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    fit(model, loader, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.05), 5)
    W_ls, _ = least_squares(X_4, y)
    assert abs(model.weight[0, 3].item()) < 0.01 and abs(W_ls[3, 0].item()) < 0.01
    assert W_ls[3, 0].item() != 0


def test_the_last_batch_holds_what_is_left_unless_dropped() -> None:
    """Exercise 9.2: 1,000 points in batches of 64 are 15 full batches and one of 40."""
    dataset = TensorDataset(torch.arange(1000.0)[:, None], torch.zeros(1000, 1))
    sizes = [len(X) for X, _ in DataLoader(dataset, batch_size=64)]
    assert sizes == [64] * 15 + [40]
    dropped = DataLoader(dataset, batch_size=64, drop_last=True)
    assert [len(X) for X, _ in dropped] == [64] * 15


def test_the_shown_code_fits_79_columns() -> None:
    for line in (ROOT / "src" / "linreg" / "batches.py").read_text(encoding="utf-8").splitlines():
        assert len(line) <= 79, line
