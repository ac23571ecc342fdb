"""Unit tests for chapter 8's code (src/linreg/nn.py): PyTorch's building blocks against
chapter 7's hand-written loop, which is the reference."""

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from linreg.loss import mse_loss
from linreg.model import forward, init_params, make_data
from linreg.nn import fit, load_params, make_data_3, train_sgd
from linreg.training import least_squares, train

ROOT = Path(__file__).resolve().parent.parent


def chapter_start(seed: int = 0) -> tuple[torch.Tensor, ...]:
    """Chapter 7's data and starting parameters for a seed."""
    torch.manual_seed(seed)
    X, y = make_data()
    W, b = init_params()
    return X, y, W, b


def copy_params(W: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Fresh leaves with the values of W and b, as the chapter restarts from W_start, b_start."""
    return W.detach().clone().requires_grad_(), b.detach().clone().requires_grad_()


def chapter7_run(seed: int = 0, epochs: int = 200) -> tuple[list[float], torch.Tensor, ...]:
    """Chapter 7's train from a seed's start: losses, final W and b, and the start."""
    X, y, W, b = chapter_start(seed)
    W0, b0 = copy_params(W, b)
    history = train(X, y, W, b, learning_rate=0.01, epochs=epochs, log_every=10**9)
    return [loss for loss, _, _ in history], W, b, X, y, W0, b0


def linear(W: torch.Tensor, b: torch.Tensor) -> nn.Linear:
    """An nn.Linear holding our W and b."""
    model = nn.Linear(W.shape[0], W.shape[1])
    load_params(model, W, b)
    return model


def within_a_bit(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Equal, or one float32 rounding apart."""
    return bool(((a - b).abs() <= torch.finfo(torch.float32).eps * b.abs()).all())


def same_losses(losses: list[float], reference: list[float]) -> bool:
    """Within a millionth (of the loss, where it is above 1): float32 roundings apart."""
    return all(
        abs(p - q) <= 1e-6 * max(q, 1.0) for p, q in zip(losses, reference, strict=True)
    )


def test_sgd_ends_bit_for_bit_at_chapter_7s_parameters() -> None:
    """optimizer.step() and zero_grad() in place of the update and the reset: the page's claims.
    The same W and b after 200 epochs; a few dozen epochs at most differ in the last bits."""
    losses_loop, W_loop, b_loop, X, y, W, b = chapter7_run()
    losses = train_sgd(X, y, W, b, torch.optim.SGD([W, b], lr=0.01), epochs=200)
    assert torch.equal(W, W_loop) and torch.equal(b, b_loop)
    assert max(abs(p - q) for p, q in zip(losses, losses_loop)) < 1e-6
    assert sum(p != q for p, q in zip(losses, losses_loop)) <= 50


@pytest.mark.parametrize("seed", range(1, 20))
def test_sgd_ends_within_a_bit_of_chapter_7s_parameters_for_other_seeds(seed: int) -> None:
    """Not every seed ends bit for bit where fused multiply-add rounds differently (seeds 2
    and 18 end one bit apart on such CPUs), but every one ends within a rounding."""
    losses_loop, W_loop, b_loop, X, y, W, b = chapter7_run(seed)
    losses = train_sgd(X, y, W, b, torch.optim.SGD([W, b], lr=0.01), epochs=200)
    assert within_a_bit(W, W_loop) and within_a_bit(b, b_loop)
    assert same_losses(losses, losses_loop)


NO_FMA_RUN = """
import torch
from linreg import make_data, init_params, train
from linreg.nn import train_sgd
for seed in range(20):
    torch.manual_seed(seed)
    X, y = make_data()
    W, b = init_params()
    W0, b0 = W.detach().clone().requires_grad_(), b.detach().clone().requires_grad_()
    loop = [h[0] for h in train(X, y, W, b, log_every=10**9)]
    ours = train_sgd(X, y, W0, b0, torch.optim.SGD([W0, b0], lr=0.01), 200)
    assert ours == loop and torch.equal(W0, W) and torch.equal(b0, b), seed
print("every epoch equal")
"""


def test_without_fused_multiply_add_every_epoch_is_bit_identical() -> None:
    """The page's explanation, checked: on PyTorch's baseline CPU kernels (no FMA) SGD and
    chapter 7's loop agree at every epoch, for every seed."""
    result = subprocess.run(
        [sys.executable, "-c", NO_FMA_RUN],
        env={**os.environ, "ATEN_CPU_CAPABILITY": "default"},
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("\nevery epoch equal\n")  # after train's epoch-0 lines


def test_sgd_step_is_the_update_rule_of_chapter_7() -> None:
    """One step: θ ← θ − η·∇θL, to float32 rounding, and .grad is None afterwards."""
    X, y, W, b = chapter_start()
    W0, b0 = W.detach().clone(), b.detach().clone()
    optimizer = torch.optim.SGD([W, b], lr=0.1)
    train_sgd(X, y, W, b, optimizer, epochs=1)
    W1, b1 = copy_params(W0, b0)
    mse_loss(forward(X, W1, b1), y).backward()
    torch.testing.assert_close(W.detach(), W0 - 0.1 * W1.grad)
    torch.testing.assert_close(b.detach(), b0 - 0.1 * b1.grad)
    assert W.grad is None and b.grad is None


def test_zero_grad_sets_none_by_default_and_zeros_on_request() -> None:
    X, y, W, b = chapter_start()
    optimizer = torch.optim.SGD([W, b], lr=0.01)
    mse_loss(forward(X, W, b), y).backward()
    optimizer.zero_grad()
    assert W.grad is None and b.grad is None
    mse_loss(forward(X, W, b), y).backward()
    optimizer.zero_grad(set_to_none=False)
    assert torch.equal(W.grad, torch.zeros(1, 1)) and torch.equal(b.grad, torch.zeros(1))


def test_load_params_transposes_w_into_the_weight() -> None:
    """nn.Linear(3, 2).weight is (2, 3): our (3, 2) W transposed; the predictions agree."""
    torch.manual_seed(3)
    W, b = init_params(3, 2)
    model = linear(W, b)
    assert model.weight.shape == (2, 3) and W.shape == (3, 2)
    assert torch.equal(model.weight, W.T) and torch.equal(model.bias, b)
    X = torch.randn(5, 3)
    torch.testing.assert_close(model(X), forward(X, W, b))
    assert model.weight.requires_grad and model.weight.is_leaf  # still trainable parameters


def test_nn_linear_computes_x_times_weight_transposed_plus_bias() -> None:
    torch.manual_seed(4)
    layer = nn.Linear(3, 2)
    X = torch.randn(4, 3)
    torch.testing.assert_close(layer(X), X @ layer.weight.T + layer.bias)


def test_named_parameters_are_the_weight_and_the_bias() -> None:
    model = nn.Linear(1, 1)
    names = [(name, tuple(p.shape)) for name, p in model.named_parameters()]
    assert names == [("weight", (1, 1)), ("bias", (1,))]
    assert list(model.parameters()) == [model.weight, model.bias]


def test_mse_loss_module_equals_ours() -> None:
    X, y, W, b = chapter_start()
    model = linear(W, b)
    assert torch.equal(nn.MSELoss()(model(X), y), mse_loss(forward(X, W, b), y))


def test_flat_predictions_warn_and_give_chapter_6s_wrong_loss() -> None:
    """(N,) against (N, 1) broadcasts to (N, N): a UserWarning, and the number of chapter 6's
    trap, where our mse_loss refuses."""
    X, y, W, b = chapter_start()
    y_hat_flat = linear(W, b)(X).squeeze(1)
    with pytest.warns(UserWarning, match="likely lead to incorrect results due to broadcasting"):
        wrong = nn.MSELoss()(y_hat_flat, y)
    y_hat = forward(X, W, b)
    torch.testing.assert_close(wrong, torch.mean((y_hat - y[:, 0]) ** 2))
    assert f"{wrong.item():.4f}" == "5.7419"
    with pytest.raises(ValueError, match="shapes differ"):
        mse_loss(y_hat_flat, y)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_the_standard_loop_ends_where_chapter_7s_loop_does(seed: int) -> None:
    """nn.Linear, nn.MSELoss, optim.SGD and zero_grad first: chapter 7's W and b after 200
    epochs, bit for bit for the page's seed 0, within a rounding for every seed; the same
    trajectory as train_sgd's, bit for bit."""
    losses_loop, W_loop, b_loop, X, y, W, b = chapter7_run(seed)
    model = linear(W, b)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    losses = fit(model, [(X, y)], nn.MSELoss(), optimizer, epochs=200)
    assert len(losses) == 200 and same_losses(losses, losses_loop)
    assert within_a_bit(model.weight, W_loop.T) and within_a_bit(model.bias, b_loop)
    if seed == 0:
        assert torch.equal(model.weight, W_loop.T) and torch.equal(model.bias, b_loop)
    W1, b1 = copy_params(W, b)
    assert losses == train_sgd(X, y, W1, b1, torch.optim.SGD([W1, b1], lr=0.01), 200)
    assert torch.equal(model.weight, W1.T) and torch.equal(model.bias, b1)


def test_fit_resets_first_so_a_stale_gradient_changes_nothing() -> None:
    """A gradient left over from before the loop is dropped by the first zero_grad()."""
    X, y, W, b = chapter_start()
    clean, stale = linear(W, b), linear(W, b)
    nn.MSELoss()(stale(X * 5), y).backward()  # a leftover gradient
    for model in (clean, stale):
        fit(model, [(X, y)], nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.01), 3)
    assert torch.equal(clean.weight, stale.weight) and torch.equal(clean.bias, stale.bias)


def test_fit_takes_one_step_per_batch_and_returns_each_steps_loss() -> None:
    torch.manual_seed(0)
    X, y = make_data(100)
    loader = DataLoader(TensorDataset(X, y), batch_size=30)  # 30, 30, 30, 10
    model = nn.Linear(1, 1)
    before = model.weight.detach().clone(), model.bias.detach().clone()
    first_batch_loss = nn.MSELoss()(model(X[:30]), y[:30]).item()
    losses = fit(model, loader, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.01), 2)
    assert len(losses) == 8
    assert losses[0] == pytest.approx(first_batch_loss)
    assert not torch.equal(model.weight, before[0])


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_minibatches_end_within_the_chapters_tolerance_of_least_squares(seed: int) -> None:
    """Section 8.5's runs for other seeds: within 0.01 (about 3 standard errors) in W and b."""
    torch.manual_seed(seed)
    X, y = make_data(1000)
    W_ls, b_ls = least_squares(X, y)
    loader = DataLoader(
        TensorDataset(X, y), batch_size=50, shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    for batches, epochs in [([(X, y)], 100), (loader, 5)]:
        model = linear(torch.tensor([[0.3704]]), torch.tensor([1.4565]))
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
            TensorDataset(X, X), batch_size=5, shuffle=True,
            generator=torch.Generator().manual_seed(0),
        )
        orders.append([batch.flatten().tolist() for _ in range(2) for batch, _ in loader])
    assert orders[0] == orders[1]
    assert orders[0][:4] != orders[0][4:]  # a new order each epoch
    assert sorted(sum(orders[0][:4], [])) == list(range(20))  # every point once an epoch


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
        TensorDataset(X, y), batch_size=50, shuffle=True,
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
        TensorDataset(X, y), batch_size=50, shuffle=True,
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


def test_in_place_update_of_a_leaf_outside_no_grad_is_refused() -> None:
    X, y, W, b = chapter_start()
    mse_loss(forward(X, W, b), y).backward()
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in"):
        W -= 0.01 * W.grad
    with torch.no_grad():
        W -= 0.01 * W.grad  # the fix
    assert W.is_leaf


def test_w_equals_w_minus_step_loses_the_gradient_then_fails() -> None:
    """The new W is a non-leaf: its .grad is None (with a warning), and the next update fails."""
    X, y, W, b = chapter_start()
    mse_loss(forward(X, W, b), y).backward()
    W = W - 0.01 * W.grad
    assert not W.is_leaf and W.grad_fn.name() == "SubBackward0"
    mse_loss(forward(X, W, b), y).backward()
    with pytest.warns(UserWarning, match="The .grad attribute of a Tensor that is not a leaf"):
        assert W.grad is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(TypeError, match="'float' and 'NoneType'"):
            W = W - 0.01 * W.grad


def test_eval_mode_still_records_gradients_and_no_grad_does_not() -> None:
    model = nn.Linear(1, 1).eval()
    assert not model.training and model(torch.ones(2, 1)).requires_grad
    with torch.no_grad():
        assert not model(torch.ones(2, 1)).requires_grad


def test_detach_shares_memory_and_no_grad_records_nothing() -> None:
    model = nn.Linear(1, 1)
    X = torch.ones(3, 1)
    y_hat = model(X)
    detached = y_hat.detach()
    assert detached.data_ptr() == y_hat.data_ptr() and not detached.requires_grad
    with torch.no_grad():
        assert model(X).grad_fn is None
    assert y_hat.grad_fn is not None


def test_zero_grad_between_backward_and_step_moves_nothing() -> None:
    X, y, W, b = chapter_start()
    model = linear(W, b)
    before = model.weight.detach().clone()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    nn.MSELoss()(model(X), y).backward()
    optimizer.zero_grad()
    optimizer.step()
    assert torch.equal(model.weight, before)


def test_the_shown_code_fits_79_columns() -> None:
    for line in (ROOT / "src" / "linreg" / "nn.py").read_text(encoding="utf-8").splitlines():
        assert len(line) <= 79, line
