"""Run the chapters' notebooks at build time, beside the page rendering, cached on everything
they depend on.

The stale chapters share kernels, at most two, each running a run of chapters one after another:
that saves a kernel start and a torch import per chapter, and two kernels keep both cores busy
while mkdocs waits. Before each chapter its kernel is given a fresh start: empty namespace, no
open figures, execution count 1, its own empty folder. Errors are fatal. The figures the chapter
shows are then saved as SVG from that same run. (tests/test_notebooks.py also runs every notebook
in a kernel of its own and checks it prints the same.)
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
from typing import TYPE_CHECKING, NamedTuple

from tutorial_tools.figures import figure_names, save_code
from tutorial_tools.notebooks import CHAPTERS, chapter_notebook

if TYPE_CHECKING:  # imported where a kernel starts: a cached build needs neither
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.manager import AsyncKernelManager

PACKAGES = ("torch", "numpy", "matplotlib", "ipykernel")  # what the kernel's outputs depend on
TIMEOUT_S = 300  # per cell
# Stale chapters run in at most this many kernels at once, each kernel taking a run of chapters
# in page order: two keep both cores busy while mkdocs waits for the notebooks.
KERNELS = 2 if (os.cpu_count() or 1) > 1 else 1
HISTORY_IN_MEMORY = "--HistoryManager.hist_file=:memory:"

# Runs in the shared kernel before each chapter, outside its history, so that the chapter starts
# as it would in a fresh kernel: no variables, no open figures, execution count 1, in `folder`.
FRESH_START = """\
get_ipython().reset(new_session=True)
import os as _os, sys as _sys
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
_os.chdir({folder!r})
del _os, _sys
"""


class Kernel(NamedTuple):
    """A started kernel that several notebooks run in, one after another."""

    manager: "AsyncKernelManager"
    client: "AsyncKernelClient"


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


async def fresh_start(kernel: "AsyncKernelClient", folder: Path) -> None:
    """Reset the shared kernel for the next chapter (FRESH_START), or fail with its error."""
    reply = await kernel.execute_interactive(
        FRESH_START.format(folder=str(folder)),
        store_history=False,
        allow_stdin=False,
        timeout=TIMEOUT_S,
        output_hook=lambda message: None,  # it prints nothing; an error comes in the reply
    )
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"resetting the kernel failed: {reply['content'].get('evalue')}")


async def execute(
    notebook_text: str, folder: Path, figures: list[str], kernel: "Kernel | None" = None
) -> str:
    """Run a notebook top to bottom in `folder`, in a fresh kernel or, given one, in the shared
    `kernel` after a fresh start; save `figures` there as SVG."""
    import nbformat
    from nbclient import NotebookClient
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

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
        km=kernel.manager if kernel else None,
    )
    if kernel:
        await fresh_start(kernel.client, folder)
        client.kc = kernel.client  # nbclient then neither starts nor stops a kernel
    await client.async_execute()
    if figures:
        notebook.cells.pop()  # the figure-saving cell is the build's, not the reader's
    # How the kernel splits a cell's printing into outputs depends on timing: merged, each
    # cell has one output per stream, and a run gives the same notebook every time.
    CoalesceStreamsPreprocessor().preprocess(notebook, {})
    return nbformat.writes(notebook) + "\n"


async def run_one(docs: Path, src: Path, chapter: str, target: Path, kernel: Kernel) -> None:
    """Execute one chapter's notebook in `kernel` into a fresh folder, then move it to `target`
    whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"tmp-{chapter}-", dir=target.parent))
    try:
        markdown = (docs / f"{chapter}.md").read_text(encoding="utf-8")
        notebook = chapter_notebook(docs, src, chapter)
        text = await execute(notebook, work, figure_names(markdown), kernel)
        (work / "notebooks").mkdir()
        (work / "notebooks" / f"{chapter}.ipynb").write_text(text, encoding="utf-8")
        os.rename(work, target)  # atomic: a concurrent build sees all of it or none
    except OSError:
        if not target.is_dir():
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


async def start_kernel(folder: Path) -> Kernel:
    """Start a Python kernel in `folder` and connect to it."""
    from jupyter_client.manager import AsyncKernelManager

    manager = AsyncKernelManager(kernel_name="python3")
    # history in memory, as nbclient keeps it, so a build writes nothing under ~/.ipython
    await manager.start_kernel(cwd=str(folder), extra_arguments=[HISTORY_IN_MEMORY])
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=TIMEOUT_S)
    except BaseException:  # a kernel that never answers is not left running
        await stop_kernel(Kernel(manager, client))
        raise
    return Kernel(manager, client)


async def stop_kernel(kernel: Kernel) -> None:
    """Disconnect from the kernel and shut it down."""
    kernel.client.stop_channels()
    await kernel.manager.shutdown_kernel(now=True)


def lanes(chapters: list[str], kernels: int) -> list[list[str]]:
    """Split the chapters, in page order, into min(kernels, chapters) runs whose lengths differ
    by one at most (4 chapters in 3 kernels: 2, 1, 1)."""
    count = min(kernels, len(chapters))
    size, longer = divmod(len(chapters), count) if count else (0, 0)
    ends = [(i + 1) * size + min(i + 1, longer) for i in range(count)]
    return [chapters[start:end] for start, end in zip([0, *ends], ends)]


def evict_older_runs(cache: Path, chapter: str, folder: Path) -> None:
    """Remove this chapter's runs under any other key."""
    for old in cache.glob(f"{chapter}-*"):
        if old != folder:
            shutil.rmtree(old, ignore_errors=True)


def start_chapters(docs: Path, src: Path, cache: Path) -> tuple[dict[str, Path], dict[str, Future]]:
    """Each chapter's run folder, laid out like docs/ (notebooks/<chapter>.ipynb, figures/*.svg),
    and a future per chapter, done once that chapter has run (in the background) if stale."""
    src_digest = tree_digest(src)
    folders = {c: cache / f"{c}-{cache_key(docs, src, c, src_digest)}" for c in CHAPTERS}
    done = {c: Future() for c in CHAPTERS}
    cache.mkdir(parents=True, exist_ok=True)

    async def run_lane(chapters: list[str]) -> None:
        """Run these chapters one after another in one kernel, started by the first."""
        start = Path(tempfile.mkdtemp(prefix="tmp-kernel-", dir=cache))
        kernel = None
        try:
            for chapter in chapters:
                try:
                    kernel = kernel or await start_kernel(start)
                    await run_one(docs, src, chapter, folders[chapter], kernel)
                    evict_older_runs(cache, chapter, folders[chapter])
                    done[chapter].set_result(folders[chapter])
                except Exception as error:  # noqa: BLE001 (re-raised where the chapter is awaited)
                    done[chapter].set_exception(error)
        finally:
            if kernel:
                await stop_kernel(kernel)
            shutil.rmtree(start, ignore_errors=True)

    async def run_stale() -> None:
        stale = [c for c in CHAPTERS if not folders[c].is_dir()]
        for chapter in CHAPTERS:
            if chapter not in stale:
                evict_older_runs(cache, chapter, folders[chapter])
                done[chapter].set_result(folders[chapter])
        await asyncio.gather(*(run_lane(lane) for lane in lanes(stale, KERNELS)))

    thread = ThreadPoolExecutor(1)  # its own event loop: the caller may be inside one
    thread.submit(asyncio.run, run_stale())
    thread.shutdown(wait=False)
    return folders, done


def run_chapters(docs: Path, src: Path, cache: Path) -> dict[str, Path]:
    """Each chapter's run folder, once every stale chapter has run."""
    folders, done = start_chapters(docs, src, cache)
    for future in done.values():
        future.result()
    return folders
