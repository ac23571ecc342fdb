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
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

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
INSTALL_CHROMIUM = "install it with `sudo apt-get install -y chromium` (Debian/Ubuntu) or set CHROME_PATH"
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
    """Serve a folder quietly, gzip-compressing text files as GitHub Pages does."""

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


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve `site` on 127.0.0.1 at a free port; yield its base URL (no trailing slash)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SiteHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def console_code(session: str) -> str:
    """The code of a `>>>` console session: its statements without prompts or output."""
    examples = doctest.DocTestParser().get_examples(session)
    return "".join(example.source for example in examples)


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


def ink_contrast(png: bytes, share: float = 0.01) -> float:
    """Contrast against its background (the commonest colour) that `share` of a picture's pixels reach."""
    from PIL import Image

    image = Image.open(BytesIO(png)).convert("RGB")
    counts = image.getcolors(maxcolors=image.width * image.height)
    background = max(counts)[1]
    ratios = sorted(((contrast(color, background), n) for n, color in counts), reverse=True)
    needed, seen = share * image.width * image.height, 0
    for ratio, n in ratios:
        seen += n
        if seen >= needed:
            return ratio
    return 1.0
