"""Read `--8<--` named sections from src/ exactly as pymdownx.snippets embeds them."""

import re
import textwrap
from pathlib import Path

# One embed line inside a fence: --8<-- "linreg/model.py:make_data"
EMBED = re.compile(r'^\s*--8<--\s+"(?P<path>[^":]+):(?P<section>[\w-]+)"\s*$')
# A section marker in a source file: # --8<-- [start:make_data]
MARKER = re.compile(r"^\s*#\s*--8<--\s*\[(?P<kind>start|end):(?P<name>[\w-]+)\]\s*$")


def read_section(base: Path, path: str, section: str) -> str:
    """Return the dedented lines between a section's start and end markers, markers dropped."""
    file = base / path
    if not file.is_file():
        raise FileNotFoundError(f"snippet file {path!r} not found under {base}")
    lines, inside, found = [], False, False
    for line in file.read_text(encoding="utf-8").splitlines(keepends=True):
        marker = MARKER.match(line)
        if marker and marker["name"] == section:
            inside = marker["kind"] == "start"
            found = found or inside
        elif inside and not marker:
            lines.append(line)
    if not found:
        raise LookupError(f"section {section!r} not found in snippet file {path!r}")
    return textwrap.dedent("".join(lines))


def expand_embeds(source: str, base: Path) -> str | None:
    """Return the code a fence of embed lines shows, or None when it holds anything else."""
    lines = [line for line in source.splitlines() if line.strip()]
    matches = [EMBED.match(line) for line in lines]
    if not lines or not all(matches):
        return None
    return "\n\n".join(read_section(base, m["path"], m["section"]) for m in matches)
