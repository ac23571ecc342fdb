"""The chapters' figures are drawn from the data the chapters print, and the build serves them."""

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest
import torch
from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser

from tutorial_tools import execute
from tutorial_tools.figures import figures
from tutorial_tools.notebooks import CHAPTERS
from tutorial_tools.sybil_parsers import PyconParser, SnippetParser

ROOT = Path(__file__).resolve().parent.parent
DOCS, SRC = ROOT / "docs", ROOT / "src"
CACHE = ROOT / ".cache" / "notebooks"
EPOCH = re.compile(r"^Epoch (\d+): Loss=([\d.]+), W=([\d.-]+), b=([\d.-]+)$", re.MULTILINE)
NO_RESET = re.compile(r"^Epoch (\d+): Loss=([\d.]+)$", re.MULTILINE)


def run_chapter(chapter: str) -> dict:
    """Run a chapter's examples as the doc tests do and return the page's namespace."""
    parsers = [SnippetParser(SRC), PyconParser(), PythonCodeBlockParser()]
    document = Sybil(parsers=parsers).parse(DOCS / f"{chapter}.md")
    for example in document:
        example.evaluate()
    return document.namespace


def section(markdown: str, start: str, end: str) -> str:
    """The text of a chapter from one heading to the next."""
    return markdown[markdown.index(start) : markdown.index(end)]


def printed_training_log(markdown: str) -> list[tuple[int, str, str, str]]:
    """The `Epoch k: Loss=…, W=…, b=…` lines the loop of section 7.2 prints, as shown."""
    loop = section(markdown, "## 7.2", "### The same loop as a function")
    return [(int(k), loss, w, b) for k, loss, w, b in EPOCH.findall(loop)]


@pytest.fixture(scope="module")
def model() -> dict:
    """Chapter 5's namespace after all its examples ran."""
    return run_chapter("model")


@pytest.fixture(scope="module")
def loss() -> dict:
    """Chapter 6's namespace after all its examples ran."""
    return run_chapter("loss")


@pytest.fixture(scope="module")
def training() -> dict:
    """Chapter 7's namespace after all its examples ran."""
    return run_chapter("training")


@pytest.fixture(scope="module")
def batches() -> dict:
    """Chapter 9's namespace after all its examples ran."""
    return run_chapter("batches")


@pytest.fixture(scope="module")
def generalization() -> dict:
    """Chapter 10's namespace after all its examples ran."""
    return run_chapter("generalization")


def test_fit_before_training_plots_the_printed_data_and_parameters(model: dict) -> None:
    """The points are X and y; the model's line carries the W and b chapter 5 prints."""
    markdown = (DOCS / "model.md").read_text(encoding="utf-8")
    ax = model["fit_before"].axes[0]
    points = ax.collections[0].get_offsets()
    assert [f"{x:.4f}" for x in points[:3, 0]] == ["1.5410", "-0.2934", "-2.1788"]  # X[:3]
    assert [f"{y:.4f}" for y in points[:3, 1]] == ["4.0223", "0.4313", "-3.4432"]  # y[:3]
    assert "tensor([[0.3704]], requires_grad=True)" in markdown
    assert "tensor([1.4565], requires_grad=True)" in markdown
    assert ax.lines[1].get_label() == "model: ŷ = 0.370x + 1.457"


def test_gradient_arrows_are_the_printed_gradients(loss: dict) -> None:
    """Both arrows start at the printed W, b; one is the printed gradient (scaled), the other
    its opposite; they cross the contours at right angles only on equal axes."""
    markdown = (DOCS / "loss.md").read_text(encoding="utf-8")
    assert "tensor([[-4.3048]])" in markdown and "tensor([1.8761])" in markdown
    ax = loss["gradient_arrows"].axes[0]
    uphill, downhill = ax.texts
    for arrow in (uphill, downhill):
        assert (f"{arrow.xyann[0]:.4f}", f"{arrow.xyann[1]:.4f}") == ("0.3704", "1.4565")
    up = (uphill.xy[0] - uphill.xyann[0], uphill.xy[1] - uphill.xyann[1])
    down = (downhill.xy[0] - downhill.xyann[0], downhill.xy[1] - downhill.xyann[1])
    scale = up[0] / -4.3048
    assert scale > 0 and f"{up[1] / scale:.4f}" == "1.8761"
    assert down == pytest.approx((-up[0], -up[1]))
    assert ax.get_aspect() == 1.0


def test_reset_curves_are_the_printed_losses_of_both_runs(training: dict) -> None:
    """One curve is the 7.2 loop's loss at every epoch (its log every 10 epochs), the other the
    run without the reset that section 7.3 prints."""
    markdown = (DOCS / "training.md").read_text(encoding="utf-8")
    with_reset, without = training["reset_curves"].axes[0].lines
    assert with_reset.get_label() == "with the reset (7.2)"
    assert without.get_label() == "without the reset"
    losses = list(with_reset.get_ydata())
    assert losses == [loss for loss, _, _ in training["history"]] and len(losses) == 200
    log = printed_training_log(markdown)
    assert len(log) == 20
    for epoch, loss, _, _ in log:
        assert f"{losses[epoch]:.4f}" == loss
    no_reset = NO_RESET.findall(section(markdown, "## 7.3", "## 7.4"))
    assert len(no_reset) == 20
    for epoch, loss in no_reset:
        assert f"{without.get_ydata()[int(epoch)]:.4f}" == loss


def test_fit_after_training_plots_the_printed_final_parameters(training: dict) -> None:
    """The model's line after 200 epochs is ŷ = 2.009x + 0.957, as the chapter prints."""
    markdown = (DOCS / "training.md").read_text(encoding="utf-8")
    assert "Final Parameters: W=2.009, b=0.957" in markdown
    assert training["fit_after"].axes[0].lines[1].get_label() == "model: ŷ = 2.009x + 0.957"


def test_surface_path_is_the_printed_descent_and_minimum(training: dict) -> None:
    """The path starts at the initial W, b and passes the W, b the log prints; the star is lstsq."""
    markdown = (DOCS / "training.md").read_text(encoding="utf-8")
    descent, _, minimum = training["surface"].axes[0].lines
    path = list(zip(descent.get_xdata(), descent.get_ydata()))
    assert len(path) == 201
    assert (f"{path[0][0]:.4f}", f"{path[0][1]:.4f}") == ("0.3704", "1.4565")
    for epoch, _, w, b in printed_training_log(markdown):
        assert (f"{path[epoch + 1][0]:.3f}", f"{path[epoch + 1][1]:.3f}") == (w, b)
    assert "(tensor([[2.0247]]), tensor([0.9696]))" in markdown
    assert (f"{minimum.get_xdata()[0]:.4f}", f"{minimum.get_ydata()[0]:.4f}") == (
        "2.0247",
        "0.9696",
    )


def test_batch_curves_are_every_step_of_both_runs_of_section_9_1(batches: dict) -> None:
    """One curve is the full-batch run's loss at each of its 100 steps, the other the minibatch
    run's; both runs end at the parameters the chapter prints."""
    markdown = (DOCS / "batches.md").read_text(encoding="utf-8")
    mini, full = batches["batch_curves"].axes[0].lines  # the smooth curve drawn on top
    assert full.get_label() == "full batch: 1,000 points a step"
    assert mini.get_label() == "minibatches: 50 points a step"
    assert list(full.get_ydata()) == batches["full_losses"] and len(batches["full_losses"]) == 100
    assert list(mini.get_ydata()) == batches["mini_losses"] and len(batches["mini_losses"]) == 100
    for name in ("full", "mini"):
        model = batches[name]
        shown = f"W={model.weight.item():.4f}, b={model.bias.item():.4f}"
        assert f"{'full batch' if name == 'full' else 'minibatch'}: {shown}" in markdown


def test_split_curves_are_both_losses_of_section_10_1(generalization: dict) -> None:
    """The training and the validation loss before training and after each of the 5 epochs,
    the numbers the chapter's table prints."""
    ax = generalization["split_curves"].axes[0]
    train_line, val_line = ax.lines
    assert train_line.get_label() == "training loss (800 points)"
    assert val_line.get_label() == "validation loss (200 points)"
    assert list(train_line.get_ydata()) == generalization["train_losses"]
    assert list(val_line.get_ydata()) == generalization["val_losses"]
    assert list(train_line.get_xdata()) == list(range(6))


def test_degree_curves_are_the_least_squares_polynomials_of_section_10_2(
    generalization: dict,
) -> None:
    """The points are the 10 training and the 200 validation points; each curve is a fit the
    chapter's table measured, evaluated where it is drawn."""
    from linreg.generalization import powers

    ns = generalization
    ax = ns["degree_curves"].axes[0]
    val_points, train_points = ax.collections
    assert len(val_points.get_offsets()) == 200 and len(train_points.get_offsets()) == 10
    assert train_points.get_offsets()[:, 0].tolist() == ns["X"][:, 0].tolist()
    assert [line.get_label() for line in ax.lines] == ["degree 1", "degree 3", "degree 9"]
    for line, degree in zip(ax.lines, (1, 3, 9), strict=True):
        x = torch.tensor(line.get_xdata())[:, None]
        W_d, b_d = ns["fits"][degree]
        assert torch.allclose(torch.tensor(line.get_ydata()), (powers(x, degree) @ W_d + b_d)[:, 0])


def test_degree_losses_are_the_table_of_section_10_2(generalization: dict) -> None:
    train_line, val_line = generalization["degree_losses"].axes[0].lines
    assert list(train_line.get_xdata()) == list(range(1, 10))
    assert list(train_line.get_ydata()) == generalization["train_by_degree"]
    assert list(val_line.get_ydata()) == generalization["val_by_degree"]


def test_stopping_curves_are_the_200_epochs_and_the_kept_one(generalization: dict) -> None:
    """Both losses of the degree-9 run at every epoch, and a line at epoch 85, the one early
    stopping keeps."""
    ns = generalization
    train_line, val_line, marker = ns["stopping_curves"].axes[0].lines
    assert list(train_line.get_ydata()) == ns["train_9_losses"] and len(ns["train_9_losses"]) == 201
    assert list(val_line.get_ydata()) == ns["val_9_losses"]
    assert list(marker.get_xdata()) == [85, 85] == [ns["best"]] * 2


FIGURE_CHAPTERS = [c for c in CHAPTERS if figures((DOCS / f"{c}.md").read_text(encoding="utf-8"))]


@pytest.mark.parametrize("chapter", FIGURE_CHAPTERS)
def test_every_figure_has_alt_text_that_names_what_it_shows(chapter: str) -> None:
    """Alt text long enough to describe the figure, not just name it."""
    shown = figures((DOCS / f"{chapter}.md").read_text(encoding="utf-8"))
    assert shown
    for name, alt in shown.items():
        assert len(alt.split()) >= 12, f"{name}: {alt!r}"


def test_the_build_draws_every_figure_as_a_self_contained_svg() -> None:
    """Each figure a chapter shows is an SVG from the notebook run, with nothing to fetch."""
    runs = execute.run_chapters(DOCS, SRC, CACHE)
    for chapter in CHAPTERS:
        names = figures((DOCS / f"{chapter}.md").read_text(encoding="utf-8"))
        drawn = sorted(p.stem for p in (runs[chapter] / "figures").glob("*.svg"))
        assert drawn == sorted(names)
        for name in names:
            svg = (runs[chapter] / "figures" / f"{name}.svg").read_text(encoding="utf-8")
            assert svg.lstrip().startswith("<?xml") and "<svg" in svg
            assert not re.search(r'(?:href|src)="(?:https?:)?//', svg)
            assert len(svg) < 200_000


def test_the_numbers_in_each_alt_text_come_from_the_run(
    model: dict,
    loss: dict,
    training: dict,
    batches: dict,
    generalization: dict,
    network: dict,
) -> None:
    """Every decimal an alt text states is a value the chapter's own run produced."""
    start, after_200 = training["path"][0], training["path"][200]
    W_ls, b_ls = training["W_ls"].item(), training["b_ls"].item()
    losses, no_reset = [h[0] for h in training["history"]], training["losses_no_reset"]
    expected = {
        "fit_before": {f"{model['W'].item():.3f}", f"{model['b'].item():.3f}"},
        "gradient_arrows": {
            f"{loss['W'].item():.3f}",
            f"{loss['b'].item():.3f}",
            f"{-loss['W'].grad.item():.4f}",  # the alt text gives its sign as "-"
            f"{loss['b'].grad.item():.4f}",
        },
        "fit_after": {f"{after_200[0]:.3f}", f"{after_200[1]:.3f}"},
        "reset_curves": {
            f"{losses[0]:.4f}",
            f"{losses[-1]:.4f}",
            f"{min(no_reset[20:]):.2f}",  # the swing after the first overshoot
        },
        "surface": {f"{W_ls:.4f}", f"{b_ls:.4f}", f"{start[0]:.3f}", f"{start[1]:.3f}"},
        "batch_curves": {
            f"{batches['full_losses'][0]:.4f}",
            f"{batches['full_losses'][-1]:.4f}",
            f"{min(batches['mini_losses'][40:]):.3f}",  # the jumps after step 40
            f"{max(batches['mini_losses'][40:]):.3f}",
            f"{batches['mini_losses'][-1]:.4f}",
        },
        "split_curves": {
            f"{generalization['train_losses'][0]:.4f}",
            f"{generalization['val_losses'][0]:.4f}",
            f"{generalization['train_losses'][-1]:.4f}",
            f"{generalization['val_losses'][-1]:.4f}",
        },
        "degree_curves": {
            f"{generalization['val_by_degree'][8]:.2e}".split("e")[0],  # 1.55e+08
            f"{generalization['val_by_degree'][0]:.4f}",
        },
        "degree_losses": {
            f"{generalization['train_by_degree'][0]:.4f}",
            f"{min(generalization['val_by_degree']):.4f}",  # at degree 2
            f"{generalization['val_by_degree'][8]:.2e}".split("e")[0],
        },
        "stopping_curves": {
            f"{generalization['val_9_losses'][generalization['best']]:.4f}",
            f"{generalization['val_9_losses'][200]:.4f}",
            f"{generalization['train_9_losses'][200]:.4f}",
        },
        "curve_line": {
            f"{network['line'].weight.item():.3f}",
            f"{-network['line'].bias.item():.3f}",  # the alt text gives its sign as "−"
            f"{network['losses_line'][-1]:.4f}",
        },
        "curve_fit": {f"{network['losses_line'][-1]:.4f}", f"{network['losses'][-1]:.4f}"},
        "optimizer_curves": {
            f"{network['losses'][0]:.4f}",
            f"{network['losses'][99]:.4f}",
            f"{network['losses_m'][-1]:.4f}",
            f"{network['losses_a'][-1]:.4f}",
        },
        "inside": {
            f"{network['watched_ok'][0][1][1]:.3f}",
            f"{network['watched_ok'][-1][1][1]:.3f}",
            f"{network['watched_big'][-1][1][0]:.3f}",  # both layers end near it
            network["inside"].axes[1].lines[1].get_label().removeprefix("lr = "),  # 0.3
        },
    }
    shown = {}
    for chapter in CHAPTERS:
        shown |= figures((DOCS / f"{chapter}.md").read_text(encoding="utf-8"))
    assert set(shown) == set(expected)
    for name, alt in shown.items():
        assert set(re.findall(r"\d+\.\d+", alt)) == expected[name], name


@pytest.fixture(scope="module")
def network() -> dict:
    """Chapter 11's namespace after all its examples ran."""
    return run_chapter("network")


def test_curve_figures_draw_the_data_and_each_trained_model(network: dict) -> None:
    """Both figures of sections 11.1 and 11.3 show the 40 points and sin(x); each model's curve
    is that model's prediction on the figure's grid, the line's and the trained network's."""
    import torch

    from linreg.network import forward_network

    X, y = network["X"], network["y"]
    for name in ("curve_line", "curve_fit"):
        ax = network[name].axes[0]
        points = ax.collections[0].get_offsets()
        assert (
            points[:, 0].tolist() == X[:, 0].tolist() and points[:, 1].tolist() == y[:, 0].tolist()
        )
        true_curve, *models = ax.lines
        xs = torch.tensor(true_curve.get_xdata())
        assert torch.equal(torch.tensor(true_curve.get_ydata()), torch.sin(xs))
        with torch.no_grad():
            predicted = {
                "chapter 7's line": network["line"](xs[:, None])[:, 0],
                "the network after 300 epochs": forward_network(xs[:, None], *network["params"])[
                    :, 0
                ],
            }
        assert [m.get_label() for m in models] == list(predicted)[: len(models)]
        for curve in models:
            assert torch.equal(torch.tensor(curve.get_ydata()), predicted[curve.get_label()])


def test_optimizer_curves_are_the_three_runs_of_section_11_6(network: dict) -> None:
    sgd, momentum, adam = network["optimizer_curves"].axes[0].lines
    assert list(sgd.get_ydata()) == network["losses"][:100]
    assert list(momentum.get_ydata()) == network["losses_m"] and len(network["losses_m"]) == 100
    assert list(adam.get_ydata()) == network["losses_a"]


def test_inside_shows_each_layers_gradient_norm_and_the_dead_units_of_both_runs(
    network: dict,
) -> None:
    """Left: ‖∇W‖ of each layer per epoch, for both runs of section 11.7; right: dead units."""
    left, right = network["inside"].axes
    runs = [network["watched_ok"], network["watched_big"]]
    lines = left.lines
    assert len(lines) == 4 and [line.get_label() for line in lines] == [
        "layer 1, lr = 1/16",
        "layer 2, lr = 1/16",
        "layer 1, lr = 0.3",
        "layer 2, lr = 0.3",
    ]
    for i, history in enumerate(runs):
        for layer in (0, 1):
            shown = [float(v) for v in lines[2 * i + layer].get_ydata()]
            assert shown == [norms[layer] for _, norms, _ in history]  # float32 values, exact
        assert list(right.lines[i].get_ydata()) == [dead for _, _, dead in history]
    dead_big = [dead for _, _, dead in runs[1]]
    assert dead_big[5] == 10 and dead_big[-1] == 15 and {dead for _, _, dead in runs[0]} == {2}
