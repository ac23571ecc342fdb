"""The glue behind the browser tests and the audit: page discovery, the server, copy and contrast."""

import gzip
import urllib.request
from io import BytesIO
from pathlib import Path

import pytest

from tutorial_tools.site_check import (
    console_code,
    contrast,
    ink_contrast,
    page_paths,
    serve,
    svg_text_sizes,
    svg_width,
)

BLACK, WHITE = (0, 0, 0), (255, 255, 255)


def make_site(root: Path) -> Path:
    """A tiny built site: a home page, a chapter, a stylesheet and a 404 page."""
    (root / "model").mkdir()
    (root / "index.html").write_text("<h1>home</h1>")
    (root / "model" / "index.html").write_text("<h1>model</h1>" + "x" * 2000)
    (root / "extra.css").write_text("body { color: red; }")
    (root / "404.html").write_text("not found")
    return root


def test_page_paths_lists_every_index_home_first(tmp_path: Path) -> None:
    """Every folder with an index.html is a page; 404.html is not."""
    assert page_paths(make_site(tmp_path)) == ["/", "/model/"]


def get(url: str, gzip_ok: bool) -> tuple[int, str, bytes]:
    """Status, Content-Encoding and body of a GET."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip" if gzip_ok else ""})
    with urllib.request.urlopen(request) as response:
        return response.status, response.headers.get("Content-Encoding", ""), response.read()


def test_serve_sends_pages_gzip_compressed_to_clients_that_accept_it(tmp_path: Path) -> None:
    """Folders serve their index.html, compressed only when asked, on 127.0.0.1."""
    with serve(make_site(tmp_path)) as base:
        assert base.startswith("http://127.0.0.1:")
        status, encoding, body = get(base + "/model/", gzip_ok=True)
        assert (status, encoding) == (200, "gzip")
        assert gzip.decompress(body).startswith(b"<h1>model</h1>")
        assert get(base + "/extra.css", gzip_ok=False) == (200, "", b"body { color: red; }")


def test_serve_answers_404_for_missing_files(tmp_path: Path) -> None:
    """A missing file is a 404, which the browser tests count as a failed request."""
    with serve(make_site(tmp_path)) as base, pytest.raises(urllib.error.HTTPError, match="404"):
        get(base + "/missing.js", gzip_ok=True)


def test_console_code_keeps_statements_and_drops_prompts_and_output() -> None:
    """What the copy button must copy: statements with continuation lines, no output."""
    session = (
        ">>> x = 1\n>>> for i in range(2):\n...     x += i\n>>> x\n2\n"
        ">>> 1 / 0\nTraceback (most recent call last):\n    ...\nZeroDivisionError: division by zero\n"
    )
    assert console_code(session) == "x = 1\nfor i in range(2):\n    x += i\nx\n1 / 0\n"


def test_console_code_ends_a_block_with_the_empty_line_the_prompt_needs() -> None:
    """A bare `...` closes a compound statement: the copy keeps it as an empty line, so that
    Python's prompt runs the block before the next statement."""
    session = ">>> with open('f') as f:\n...     text = f.read()\n...\n>>> text\n'x'\n"
    assert console_code(session) == "with open('f') as f:\n    text = f.read()\n\ntext\n"


def test_console_code_copies_a_bare_continuation_as_an_empty_line() -> None:
    """A `...` alone closes a compound statement: Python's prompt needs that empty line."""
    session = ">>> for i in range(2):\n...     print(i)\n...\n0\n1\n>>> i\n1\n"
    assert console_code(session) == "for i in range(2):\n    print(i)\n\ni\n"


def test_console_code_keeps_the_empty_line_of_a_bare_continuation_prompt() -> None:
    """A block closed by a bare `...`, as Python's prompt shows it, copies with an empty line
    there: pasted, that line ends the block before the next statement. A traceback's `    ...`
    is output, not a prompt."""
    session = (
        ">>> for i in range(2):\n...     print(i)\n...\n0\n1\n>>> i\n1\n"
        ">>> 1 / 0\nTraceback (most recent call last):\n    ...\nZeroDivisionError: x\n"
    )
    assert console_code(session) == "for i in range(2):\n    print(i)\n\ni\n1 / 0\n"


def test_console_code_keeps_the_empty_line_of_a_bare_continuation() -> None:
    """A block closed by a bare `...`, as the classic prompt needs it: the copy holds an empty
    line there, so that the next statement pastes after the block, not into it."""
    session = (
        ">>> def f():\n...     return 1\n...\n>>> for i in range(2):\n...     print(i)\n...\n"
        "0\n1\n>>> f()\n1\n"
    )
    assert (
        console_code(session)
        == "def f():\n    return 1\n\nfor i in range(2):\n    print(i)\n\nf()\n"
    )


def test_contrast_matches_wcag() -> None:
    """Black on white is 21:1, a colour on itself 1:1, and #767676 on white just passes AA."""
    assert contrast(BLACK, WHITE) == pytest.approx(21)
    assert contrast(WHITE, WHITE) == pytest.approx(1)
    assert contrast((118, 118, 118), WHITE) == pytest.approx(4.54, abs=0.01)


def png(background: tuple, ink: tuple, box: tuple | None = None) -> bytes:
    """A 120×80 picture: thin `ink` lines on `background`, around a filled `box` if given."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (120, 80), background)
    draw = ImageDraw.Draw(image)
    if box:
        draw.rectangle((70, 5, 115, 40), fill=box)
    for y in range(10, 80, 12):
        draw.line((5, y, 65, y), fill=ink, width=1)
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


DARK_PAGE = (30, 33, 41)  # Material's slate background


def test_ink_contrast_tells_legible_figures_from_illegible_ones() -> None:
    """Dark ink is legible on white, light ink on a dark page; dark ink on a dark page is not,
    even beside a light legend box."""
    assert ink_contrast(png(WHITE, BLACK)) > 15
    assert ink_contrast(png(DARK_PAGE, (230, 230, 230))) > 10
    assert ink_contrast(png(DARK_PAGE, BLACK)) < 1.5
    assert ink_contrast(png(DARK_PAGE, BLACK, box=WHITE)) < 1.5
    assert ink_contrast(png(WHITE, WHITE)) == 1.0


def matplotlib_svg(**rc: object) -> str:
    """A 4-inch-wide figure as the build saves it (text as paths), with a title of 13 points
    and a log axis, whose tick labels are powers of ten with exponents."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "path", **rc}):
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.set_title("title", fontsize=13)
        ax.plot([1, 2], [0.01, 10])
        ax.set_yscale("log")
        fig.savefig(out, format="svg")
    plt.close(fig)
    return out.getvalue().decode()


def test_svg_text_sizes_reads_each_text_and_its_smallest_glyph() -> None:
    """The sizes matplotlib drew: the title at 13 points, tick labels at its default 10, an
    exponent (10⁻²) at 70 % of its label's size; the drawing is 4 inches of 72 points."""
    svg = matplotlib_svg()
    sizes = svg_text_sizes(svg)
    assert sizes["title"] == pytest.approx(13)
    assert sizes["1.0"] == pytest.approx(10)
    assert sizes["$\\mathdefault{10^{-2}}$"] == pytest.approx(7)
    assert svg_width(svg) == pytest.approx(4 * 72)


def test_svg_text_sizes_follows_the_font_size() -> None:
    sizes = svg_text_sizes(matplotlib_svg(**{"font.size": 12}))
    assert sizes["1.0"] == pytest.approx(12) and sizes["title"] == pytest.approx(13)


def test_svg_width_needs_a_view_box() -> None:
    assert svg_width('<svg viewBox="0 0 320.5 200">') == 320.5
    with pytest.raises(ValueError, match="viewBox"):
        svg_width('<svg width="10pt">')
