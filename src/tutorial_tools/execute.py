"""Run the chapters' notebooks at build time, in parallel, cached on everything they depend on.

A run executes the notebook generated from the chapter in a fresh kernel, in an empty folder,
with errors fatal, then saves the figures the chapter shows as SVG from that same kernel.
"""

import asyncio
import hashlib
import importlib.metadata
import os
import platform
import shutil
import tempfile
from collections.abc import Coroutine
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from tutorial_tools.figures import figure_names, save_code
from tutorial_tools.notebooks import CHAPTERS, chapter_notebook

PACKAGES = ("torch", "numpy", "matplotlib", "ipykernel")  # what the kernel's outputs depend on
TIMEOUT_S = 300  # per cell


def environment() -> str:
    """The Python and package versions a notebook runs with, read without importing them."""
    versions = [f"python={platform.python_version()}"]
    for name in PACKAGES:
        try:
            versions.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name}=missing")
    return "\n".join(versions)


def tree_digest(folder: Path) -> str:
    """A SHA-256 of every file's path and bytes under `folder` (caches and egg-info left out)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        skipped = any(part == "__pycache__" or part.endswith(".egg-info") for part in path.parts)
        if path.is_file() and not skipped:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def cache_key(docs: Path, src: Path, chapter: str, src_digest: str) -> str:
    """The key of one chapter's run: its Markdown, all of src/ and the installed versions."""
    digest = hashlib.sha256()
    for part in (chapter, (docs / f"{chapter}.md").read_text(encoding="utf-8"), src_digest):
        digest.update(part.encode() + b"\0")
    digest.update(environment().encode())
    return digest.hexdigest()[:16]


def run_sync(coroutine: Coroutine) -> object:
    """Run a coroutine in its own thread and event loop: the caller may be inside a loop."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


async def execute(notebook_text: str, folder: Path, figures: list[str]) -> str:
    """Run a notebook top to bottom in a fresh kernel in `folder`; save `figures` there as SVG."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.reads(notebook_text, as_version=4)
    (folder / "figures").mkdir()
    paths = {name: str(folder / "figures" / f"{name}.svg") for name in figures}
    if figures:  # the save cell imports matplotlib: only where the chapter draws
        notebook.cells.append(nbformat.v4.new_code_cell(save_code(paths)))
    client = NotebookClient(
        notebook,
        timeout=TIMEOUT_S,
        kernel_name="python3",
        allow_errors=False,  # a cell that raises fails the build
        record_timing=False,
        resources={"metadata": {"path": str(folder)}},
    )
    await client.async_execute()
    if figures:
        notebook.cells.pop()  # the figure-saving cell is the build's, not the reader's
    return nbformat.writes(notebook) + "\n"


async def run_one(docs: Path, src: Path, chapter: str, target: Path) -> None:
    """Execute one chapter's notebook into a fresh folder, then move it to `target` whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"tmp-{chapter}-", dir=target.parent))
    try:
        markdown = (docs / f"{chapter}.md").read_text(encoding="utf-8")
        text = await execute(chapter_notebook(docs, src, chapter), work, figure_names(markdown))
        (work / "notebooks").mkdir()
        (work / "notebooks" / f"{chapter}.ipynb").write_text(text, encoding="utf-8")
        os.rename(work, target)  # atomic: a concurrent build sees all of it or none
    except OSError:
        if not target.is_dir():
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def start_chapters(docs: Path, src: Path, cache: Path) -> tuple[dict[str, Path], dict[str, Future]]:
    """Each chapter's run folder, laid out like docs/ (notebooks/<chapter>.ipynb, figures/*.svg),
    and a future per chapter, done once that chapter has run (in the background) if stale."""
    src_digest = tree_digest(src)
    folders = {c: cache / f"{c}-{cache_key(docs, src, c, src_digest)}" for c in CHAPTERS}
    done = {c: Future() for c in CHAPTERS}

    async def run_and_report(chapter: str, folder: Path) -> None:
        try:
            if not folder.is_dir():
                await run_one(docs, src, chapter, folder)
            for old in cache.glob(f"{chapter}-*"):  # evict this chapter's older runs
                if old != folder:
                    shutil.rmtree(old, ignore_errors=True)
            done[chapter].set_result(folder)
        except Exception as error:  # noqa: BLE001 (re-raised where the chapter is awaited)
            done[chapter].set_exception(error)

    async def run_all() -> None:
        await asyncio.gather(*(run_and_report(c, f) for c, f in folders.items()))

    thread = ThreadPoolExecutor(1)  # its own event loop: the caller may be inside one
    thread.submit(asyncio.run, run_all())
    thread.shutdown(wait=False)
    return folders, done


def run_chapters(docs: Path, src: Path, cache: Path) -> dict[str, Path]:
    """Each chapter's run folder, once every stale chapter has run."""
    folders, done = start_chapters(docs, src, cache)
    for future in done.values():
        future.result()
    return folders
