"""Tests for the glue that runs the chapters: snippet reading and the Sybil parsers."""

import ast
import doctest
import re
import shutil
import sys
import textwrap
from pathlib import Path

import pytest
from sybil import Sybil
from sybil.example import SybilFailure
from sybil.parsers.markdown import PythonCodeBlockParser

from tutorial_tools.notebooks import CHAPTERS as NOTEBOOK_CHAPTERS
from tutorial_tools.snippets import expand_embeds, read_section
from tutorial_tools.sybil_parsers import Embed, PyconParser, SnippetParser

ROOT = Path(__file__).resolve().parent.parent
DOCS, SRC = ROOT / "docs", ROOT / "src"
CHAPTERS = [f"{chapter}.md" for chapter in NOTEBOOK_CHAPTERS]


def parsers(src: Path = SRC) -> list:
    """The parsers docs/conftest.py gives Sybil, reading sections from `src`."""
    return [SnippetParser(src), PyconParser(), PythonCodeBlockParser()]


def run_document(path: Path, src: Path = SRC) -> None:
    """Evaluate every example of one Markdown file in order; raise at the first failure."""
    try:
        for example in Sybil(parsers(src)).parse(path):
            example.evaluate()
    finally:  # the figures' examples run here too: close what they drew
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")


def test_read_section_drops_markers_and_dedents(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "x = 0\nclass A:\n    # --8<-- [start:f]\n    def f(self):\n"
        "        # --8<-- [start:inner]\n        return 1\n        # --8<-- [end:inner]\n"
        "    # --8<-- [end:f]\n"
    )
    assert read_section(tmp_path, "m.py", "f") == "def f(self):\n    return 1\n"
    assert read_section(tmp_path, "m.py", "inner") == "return 1\n"


def test_missing_files_and_sections_fail_loudly(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("# --8<-- [start:a]\nx = 1\n# --8<-- [end:a]\n")
    with pytest.raises(FileNotFoundError, match="'nope.py'"):
        read_section(tmp_path, "nope.py", "a")
    with pytest.raises(LookupError, match="section 'b' not found"):
        read_section(tmp_path, "m.py", "b")


def test_expand_embeds_only_takes_fences_made_of_embeds(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("# --8<-- [start:a]\nx = 1\n# --8<-- [end:a]\n")
    assert expand_embeds('--8<-- "m.py:a"\n\n--8<-- "m.py:a"\n', tmp_path) == "x = 1\n\n\nx = 1\n"
    assert expand_embeds('--8<-- "m.py:a"\nprint(x)\n', tmp_path) is None
    assert expand_embeds("print(1)\n", tmp_path) is None


def test_pycon_fences_with_attributes_are_collected(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text('```pycon title="a session"\n>>> 1 + 1\n3\n```\n')
    with pytest.raises(Exception, match="Expected:\n    3\nGot:\n    2"):
        run_document(page)


def test_snippet_fences_run_the_section_in_the_page_namespace(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "m.py").write_text(
        "# --8<-- [start:double]\ndef double(x):\n    return 2 * x\n# --8<-- [end:double]\n"
    )
    page = tmp_path / "page.md"
    page.write_text(
        '```python title="m.py"\n--8<-- "m.py:double"\n```\n\n```pycon\n>>> double(21)\n42\n```\n'
    )
    run_document(page, tmp_path / "src")


def test_indented_fences_in_admonitions_are_collected(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text('??? info "x"\n\n    ```pycon\n    >>> 2 * 3\n    6\n    ```\n')
    examples = list(Sybil(parsers()).parse(page))
    assert len(examples) == 1
    examples[0].evaluate()


def test_examples_in_indented_fences_are_placed_on_their_own_lines(tmp_path: Path) -> None:
    """Every example of an indented fence, not just its first, starts at its own `>>>` line and
    spans its output: the line a failure names, and the lines update mode rewrites."""
    page = tmp_path / "page.md"
    page.write_text(
        '??? success "Solution"\n\n    ```pycon\n    >>> a = 1\n    >>> for i in range(2):\n'
        "    ...     print(i)\n    0\n    1\n    >>> a + 1\n    2\n    ```\n\n"
        "```pycon\n>>> 3\n3\n```\n"
    )
    text = page.read_text()
    examples = list(Sybil(parsers()).parse(page))
    assert [e.line for e in examples] == [4, 5, 9, 14]
    spans = [text[e.region.start : e.region.end] for e in examples]
    assert spans == [
        "    >>> a = 1\n",
        "    >>> for i in range(2):\n    ...     print(i)\n    0\n    1\n",
        "    >>> a + 1\n    2\n",
        ">>> 3\n3\n",
    ]


# Floors: a chapter that loses examples fails here, as in Sybil's own docs.
MINIMUM_EXAMPLES = {
    "index.md": 4,
    "model.md": 47,
    "loss.md": 51,
    "training.md": 75,
    "nn.md": 104,
    "batches.md": 86,
    "generalization.md": 220,
    "network.md": 139,
    "notebooks.md": 0,  # a list of links
}


@pytest.mark.parametrize(("name", "minimum"), MINIMUM_EXAMPLES.items())
def test_chapters_keep_their_examples(name: str, minimum: int) -> None:
    examples = list(Sybil(parsers()).parse(DOCS / name))
    assert len(examples) >= minimum
    text = (DOCS / name).read_text(encoding="utf-8")
    consoles = [e for e in examples if isinstance(e.region.parsed, doctest.Example)]
    assert len(consoles) == len(
        re.findall(r"^[ \t]*>>> ", text, re.MULTILINE)
    )  # no console skipped
    embeds = [e for e in examples if isinstance(e.region.parsed, Embed)]
    assert len(embeds) == len(
        re.findall(r"^[ \t]*```python", text, re.MULTILINE)
    )  # no embed skipped


def test_every_markdown_page_is_collected() -> None:
    pages = {path.name for path in DOCS.glob("*.md")}
    assert pages == set(MINIMUM_EXAMPLES)


@pytest.mark.parametrize("name", [name for name, count in MINIMUM_EXAMPLES.items() if count])
def test_every_page_starts_from_a_visible_seed(name: str) -> None:
    text = (DOCS / name).read_text(encoding="utf-8")
    first_fence = re.search(r"```(\w+)[^\n]*\n(.*?)```", text, re.DOTALL)
    assert first_fence[1] == "pycon"
    assert ">>> import torch\n>>> _ = torch.manual_seed(0)\n" in first_fence[2]


@pytest.mark.parametrize("name", MINIMUM_EXAMPLES)
def test_hidden_blocks_only_assert(name: str) -> None:
    text = (DOCS / name).read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- invisible-code-block: python\n(.*?)-->", text, re.DOTALL)
    for block in blocks:
        statements = ast.parse(textwrap.dedent(block)).body  # indented inside a solution box
        assert statements and all(isinstance(s, ast.Assert) for s in statements), block


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_shown_digit_is_compared_exactly(name: str) -> None:
    checker = doctest.OutputChecker()
    wants = [
        example.region.parsed.want
        for example in Sybil(parsers()).parse(DOCS / name)
        if isinstance(example.region.parsed, doctest.Example)
    ]
    assert any(re.search(r"\d", want) for want in wants)
    for want in wants:
        for match in re.finditer(r"\d", want):
            changed = str((int(match[0]) + 1) % 10)
            mutated = want[: match.start()] + changed + want[match.end() :]
            assert not checker.check_output(mutated, want, 0), (name, mutated)


def test_a_changed_digit_in_a_chapter_fails_its_doc_tests(tmp_path: Path) -> None:
    page = tmp_path / "loss.md"
    text = (DOCS / "loss.md").read_text(encoding="utf-8")
    page.write_text(text.replace("tensor([[-4.3048]])", "tensor([[-4.3049]])", 1))
    with pytest.raises(Exception, match="-4.3049"):
        run_document(page)


# Small bugs in the shown arithmetic: the doc tests alone must catch each of them.
ARITHMETIC_BUGS = [
    ("linreg/model.py", "return X @ W + b", "return X @ W - b", "model.md"),
    ("linreg/model.py", "true_b = torch.tensor(1.0)", "true_b = torch.tensor(1.01)", "model.md"),
    ("linreg/loss.py", "return squared_error.mean()", "return squared_error.sum()", "loss.md"),
    ("linreg/loss.py", "grad_W = (2 / n)", "grad_W = (1 / n)", "loss.md"),
    (
        "linreg/__main__.py",
        "W -= learning_rate * W.grad",
        "W -= 1.001 * learning_rate * W.grad",
        "training.md",
    ),
    ("linreg/__main__.py", "    b.grad = None\n", "", "training.md"),  # a forgotten reset
    (
        "linreg/training.py",
        "b -= learning_rate * b.grad",
        "b -= learning_rate * b.grad * 1.001",
        "training.md",
    ),
    ("linreg/training.py", "torch.ones(len(X), 1)", "torch.ones(len(X), 1) * 2", "training.md"),
    (
        "linreg/nn.py",
        "        optimizer.zero_grad()\n        losses",
        "        losses",
        "nn.md",
    ),  # no reset
    ("linreg/nn.py", "model.bias.copy_(b)", "model.bias.copy_(b * 1.001)", "nn.md"),
    (
        "linreg/nn.py",
        "losses.append(loss.item())\n    return losses\n\n\n# --8<-- [end:fit]",
        "losses.append(loss.item() * 1.001)\n    return losses\n\n\n# --8<-- [end:fit]",
        "nn.md",
    ),
    (
        "linreg/nn.py",
        "loss = loss_fn(y_hat, y_batch)",
        "loss = loss_fn(y_hat, y_batch) * 1.01",
        "nn.md",
    ),
    ("linreg/batches.py", "[[2.0], [-3.0], [0.5]]", "[[2.0], [-3.0], [0.51]]", "batches.md"),
    (
        "linreg/batches.py",
        "noise = torch.randn(n, 1) * 0.1",
        "noise = torch.randn(n, 1) * 0.2",
        "batches.md",
    ),
    (
        "linreg/generalization.py",
        "[1 - val_fraction, val_fraction], generator=shuffle",
        "[1 - val_fraction, val_fraction]",
        "generalization.md",
    ),  # an unseeded split
    (
        "linreg/generalization.py",
        "math.sqrt(n * lam / 2)",
        "math.sqrt(n * lam)",
        "generalization.md",
    ),
    ("linreg/generalization.py", "return lam / 2 * sum(", "return lam * sum(", "generalization.md"),
    (
        "linreg/generalization.py",
        "            best_state = copy.deepcopy(model.state_dict())\n",
        "            best_state = model.state_dict()\n",
        "generalization.md",
    ),  # a live view
    (
        "linreg/generalization.py",
        '    generator.set_state(checkpoint["generator"])\n',
        "",
        "generalization.md",
    ),  # the shuffles start again
    ("linreg/network.py", "return H @ W2 + b2", "return H @ W2 - b2", "network.md"),
    ("linreg/network.py", "bound = 1 / fan_in**0.5", "bound = 1.01 / fan_in**0.5", "network.md"),
    (
        "linreg/network.py",
        "        for param in params:\n            param.grad = None\n",
        "",
        "network.md",
    ),  # train_network's reset forgotten
    ("linreg/network.py", "v += param.grad", "v += 1.001 * param.grad", "network.md"),
    ("linreg/network.py", "(H == 0).all(dim=0)", "(H == 0).any(dim=0)", "network.md"),
]


@pytest.mark.parametrize(("file", "old", "new", "chapter"), ARITHMETIC_BUGS)
def test_doc_tests_catch_bugs_in_the_code_they_show(
    file: str, old: str, new: str, chapter: str, tmp_path: Path
) -> None:
    shutil.copytree(SRC, tmp_path / "src")
    source = tmp_path / "src" / file
    assert old in source.read_text(encoding="utf-8")
    source.write_text(source.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    run_document(DOCS / chapter)  # the real sources still pass
    with pytest.raises((SybilFailure, AssertionError)):  # a shown output or a stated number
        run_document(DOCS / chapter, tmp_path / "src")


def write_module(tmp_path: Path, code: str) -> Path:
    """A src/ folder holding m.py with one section, `s`, of `code`."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "m.py").write_text(f"# --8<-- [start:s]\n{code}# --8<-- [end:s]\n")
    return tmp_path / "src"


EMBED_FENCE = '```python title="m.py"\n--8<-- "m.py:s"\n```\n'


def test_an_output_fence_is_compared_with_what_the_embed_prints(tmp_path: Path) -> None:
    src = write_module(tmp_path, "for i in range(3):\n    print(i * 1.5)\n")
    page = tmp_path / "page.md"
    page.write_text(EMBED_FENCE + '\n```text title="Output"\n0.0\n1.5\n3.0\n```\n')
    run_document(page, src)
    page.write_text(EMBED_FENCE + '\n```text title="Output"\n0.0\n1.5\n3.1\n```\n')
    expected = "Expected output:\n0.0\n1.5\n3.1\n\nGot:\n0.0\n1.5\n3.0"
    with pytest.raises(SybilFailure, match=expected):
        run_document(page, src)


def test_output_fences_inside_admonitions_are_compared(tmp_path: Path) -> None:
    src = write_module(tmp_path, 'print("a")\nprint()\nprint("b")\n')
    page = tmp_path / "page.md"
    indented = "".join("    " + line for line in EMBED_FENCE.splitlines(keepends=True))
    output = '    ```text title="Output"\n    a\n\n    b\n    ```\n'
    page.write_text(f'??? note "x"\n\n{indented}\n{output}')
    run_document(page, src)
    page.write_text(page.read_text().replace("    b\n", "    c\n"))
    with pytest.raises(SybilFailure, match="Expected output"):
        run_document(page, src)


def test_an_embed_that_prints_needs_an_output_fence(tmp_path: Path) -> None:
    """Printing with nothing shown would hide a run's output from the reader."""
    src = write_module(tmp_path, 'print("hidden")\n')
    page = tmp_path / "page.md"
    page.write_text(EMBED_FENCE + '\nSome prose.\n\n```text title="Output"\nhidden\n```\n')
    with pytest.raises(SybilFailure, match="no Output fence follows"):
        run_document(page, src)


def test_the_chapters_output_fences_are_all_checked() -> None:
    """Every Output fence on the site follows an embed whose run it is."""
    for name in MINIMUM_EXAMPLES:
        text = (DOCS / name).read_text(encoding="utf-8")
        fences = len(re.findall(r'^[ \t]*```text title="Output"$', text, re.MULTILINE))
        embeds = [e.region.parsed for e in Sybil(parsers()).parse(DOCS / name)]
        assert fences == sum(isinstance(e, Embed) and e.output is not None for e in embeds), name


def test_the_checker_ignores_only_the_operation_name_newer_torch_adds() -> None:
    """torch 2.15 writes "mm: " or "addmm: " before a shape error's message; nothing else may
    differ."""
    from tutorial_tools.sybil_parsers import TorchOutputChecker

    checker = TorchOutputChecker()
    want = "RuntimeError: mat1 and mat2 shapes cannot be multiplied (10x2 and 1x1)\n"
    for prefix in ("", "mm: ", "addmm: "):
        got = f"RuntimeError: {prefix}mat1 and mat2 shapes cannot be multiplied (10x2 and 1x1)\n"
        assert checker.check_output(want, got, 0)
    assert not checker.check_output(want, want.replace("10x2", "10x3"), 0)
    assert not checker.check_output(want, want.replace("RuntimeError: ", "RuntimeError: bmm: "), 0)
    assert not checker.check_output("mm: 1\n", "1\n", 0)  # only after an error's type


def test_a_newer_torchs_shape_error_passes_a_page(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```pycon\n>>> raise RuntimeError('mm: mat1 and mat2 shapes cannot be multiplied')\n"
        "Traceback (most recent call last):\n    ...\n"
        "RuntimeError: mat1 and mat2 shapes cannot be multiplied\n```\n"
    )
    run_document(page)
