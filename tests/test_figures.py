"""The chapters' figures are drawn from the data the chapters print, and the build serves them."""

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest
from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser

from tutorial_tools import execute
from tutorial_tools.figures import figures
from tutorial_tools.notebooks import CHAPTERS
from tutorial_tools.sybil_parsers import PyconParser, SnippetParser

ROOT = Path(__file__).resolve().parent.parent
DOCS, SRC = ROOT / "docs", ROOT / "src"
CACHE = ROOT / ".cache" / "notebooks"
EPOCH = re.compile(r"^Epoch +(\d+): loss=([\d.]+), W=([\d.-]+), b=([\d.-]+)$", re.MULTILINE)


def run_chapter(chapter: str) -> dict:
    """Run a chapter's examples as the doc tests do and return the page's namespace."""
    parsers = [SnippetParser(SRC), PyconParser(), PythonCodeBlockParser()]
    document = Sybil(parsers=parsers).parse(DOCS / f"{chapter}.md")
    for example in document:
        example.evaluate()
    return document.namespace


def printed_training_log(markdown: str) -> list[tuple[int, str, str, str]]:
    """The `Epoch k: loss=…, W=…, b=…` lines of section 7.2's 200-epoch run, as printed."""
    section = markdown[markdown.index("## 7.2") : markdown.index("## 7.3")]
    return [(int(k), loss, w, b) for k, loss, w, b in EPOCH.findall(section)]


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


def test_loss_curve_is_the_printed_loss_history(training: dict) -> None:
    """200 points, the history the chapter returns, and the losses its log prints every 10 epochs."""
    (line,) = training["loss_curve"].axes[0].lines
    losses = list(line.get_ydata())
    assert losses == training["history"] and len(losses) == 200
    log = printed_training_log((DOCS / "training.md").read_text(encoding="utf-8"))
    assert len(log) == 20
    for epoch, loss, _, _ in log:
        assert f"{losses[epoch]:.4f}" == loss


def test_fit_after_training_plots_the_printed_final_parameters(training: dict) -> None:
    """The model's line after 200 epochs is ŷ = 2.009x + 0.957, as the chapter prints."""
    markdown = (DOCS / "training.md").read_text(encoding="utf-8")
    assert "Final parameters: W=2.009, b=0.957" in markdown
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


@pytest.mark.parametrize("chapter", ["model", "loss", "training"])
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
    model: dict, loss: dict, training: dict
) -> None:
    """Every decimal an alt text states is a value the chapter's own run produced."""
    start, after_200 = training["path"][0], training["path"][200]
    W_ls, b_ls = training["W_ls"].item(), training["b_ls"].item()
    expected = {
        "fit_before": {f"{model['W'].item():.3f}", f"{model['b'].item():.3f}"},
        "gradient_arrows": {
            f"{loss['W'].item():.3f}",
            f"{loss['b'].item():.3f}",
            f"{-loss['W'].grad.item():.4f}",  # the alt text gives its sign as "-"
            f"{loss['b'].grad.item():.4f}",
        },
        "fit_after": {f"{after_200[0]:.3f}", f"{after_200[1]:.3f}"},
        "loss_curve": {f"{training['history'][0]:.4f}", f"{training['history'][-1]:.4f}"},
        "surface": {f"{W_ls:.4f}", f"{b_ls:.4f}", f"{start[0]:.3f}", f"{start[1]:.3f}"},
    }
    shown = {
        **figures((DOCS / "model.md").read_text(encoding="utf-8")),
        **figures((DOCS / "loss.md").read_text(encoding="utf-8")),
        **figures((DOCS / "training.md").read_text(encoding="utf-8")),
    }
    assert set(shown) == set(expected)
    for name, alt in shown.items():
        assert set(re.findall(r"\d+\.\d+", alt)) == expected[name], name
