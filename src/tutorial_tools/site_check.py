"""Build, serve and inspect the site the way readers get it: the glue for the browser tests and audit."""

import doctest
import gzip
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import playwright.sync_api

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_CHROMIUM = (
    "install it with `sudo apt-get install -y chromium` (Debian/Ubuntu) or set CHROME_PATH"
)
# Text types a host such as GitHub Pages sends gzip-compressed.
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".ipynb", ".map"}


def build_site(dest: Path) -> None:
    """Build the site strictly into `dest` with this Python's mkdocs; raise with its log on failure."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(dest)]
    done = subprocess.run(command, check=False, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"mkdocs build --strict failed:\n{done.stdout}{done.stderr}")


def page_paths(site: Path) -> list[str]:
    """URL paths of every page of a built site (each folder's index.html), home first."""
    found = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
    return ["/" if path == "." else f"/{path}/" for path in found]


def chromium_path() -> str | None:
    """The Chromium to drive: $CHROME_PATH, else `chromium` on PATH; None when there is none."""
    path = os.environ.get("CHROME_PATH") or shutil.which("chromium")
    return path if path and Path(path).is_file() else None


class SiteHandler(SimpleHTTPRequestHandler):
    """Serve a folder quietly, gzip-compressing text files and keeping connections open as
    GitHub Pages does."""

    protocol_version = "HTTP/1.1"  # keep-alive: a page's requests share connections

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean: log nothing."""

    def do_GET(self) -> None:
        """Send text files gzip-compressed when the client accepts it; anything else as usual."""
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().do_GET()
        body = gzip.compress(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        self.wfile.write(body)


class QuietServer(ThreadingHTTPServer):
    """A threading HTTP server that ignores clients hanging up (a browser cancelling a load)."""

    def handle_error(self, request: object, client_address: object) -> None:
        """Stay silent on dropped connections; report anything else as usual."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(site: Path, handler: type[SiteHandler] = SiteHandler) -> Iterator[str]:
    """Serve `site` on 127.0.0.1 at a free port; yield its base URL (no trailing slash)."""
    server = QuietServer(("127.0.0.1", 0), partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def transfer_weight(page: "playwright.sync_api.Page", url: str) -> int:
    """Bytes a fresh page load transfers (headers and compressed bodies), without images
    or the search index."""
    requests = []

    def record(request: "playwright.sync_api.Request") -> None:
        requests.append(request)

    page.context.on("requestfinished", record)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.context.remove_listener("requestfinished", record)
    counted = [
        r.sizes()
        for r in requests
        if r.resource_type != "image" and not r.url.endswith("search_index.json")
    ]
    return sum(s["responseHeadersSize"] + s["responseBodySize"] for s in counted)


def console_code(session: str) -> str:
    """The code of a `>>>` console session: its statements without prompts or output. A bare
    `...` line, which closes a block at Python's prompt, stays as the empty line it copies as
    (doctest's source leaves it out)."""
    lines = session.splitlines()
    code = []
    for example in doctest.DocTestParser().get_examples(session):
        prompts = 1  # the `>>>` line, then its `...` lines
        while example.lineno + prompts < len(lines) and lines[
            example.lineno + prompts
        ].lstrip().startswith("..."):
            prompts += 1
        code.append(example.source + "\n" * (prompts - example.source.count("\n")))
    return "".join(code)


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG relative luminance of an sRGB colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ink_contrast(png: bytes) -> float:
    """Median contrast between a picture's ink (pixels that stand out from their 9×9
    neighbourhood: lines, text, antialiased edges) and that neighbourhood."""
    from PIL import Image, ImageFilter

    image = Image.open(BytesIO(png)).convert("RGB")
    around = image.filter(ImageFilter.MedianFilter(9))
    pixels = zip(*[iter(image.tobytes())] * 3)
    neighbourhood = zip(*[iter(around.tobytes())] * 3)
    ratios = sorted(
        _contrast(p, q)
        for p, q in zip(pixels, neighbourhood)
        if sum(abs(a - b) for a, b in zip(p, q)) > 48  # visibly different, not noise
    )
    return ratios[len(ratios) // 2] if ratios else 1.0


_contrast = cache(contrast)
