"""Vendor KaTeX from its npm package: the script that typesets at build time (math.py), and the
stylesheet and fonts the site serves. Every file is KaTeX's own, except that the stylesheet
names only the woff2 fonts, the only ones the site ships (every browser it supports reads woff2).

    npm install --prefix .cache/npm katex@0.16.47
    python -m tutorial_tools.katex_assets .cache/npm/node_modules/katex
"""

import json
import re
import shutil
import sys
from pathlib import Path

from tutorial_tools.validators import css_urls

VERSION = "0.16.47"
ROOT = Path(__file__).resolve().parents[2]
# KaTeX's sources for each font after its woff2: `,url(fonts/X.woff) format("woff")` and ttf.
OLDER_FONTS = re.compile(r',url\([^)]*\) format\("(?:woff|truetype)"\)')


def woff2_only(css: str) -> str:
    """KaTeX's stylesheet without its woff and ttf font sources; raise if any other is left."""
    trimmed = OLDER_FONTS.sub("", css)
    others = [url for url in css_urls(trimmed) if not url.endswith(".woff2")]
    if others:
        raise ValueError(f"KaTeX's CSS names fonts other than woff2: {others}")
    return trimmed


def vendor(package: Path, root: Path = ROOT) -> list[Path]:
    """Copy KaTeX's files from its npm package into the repository at `root`; return them."""
    version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    if version != VERSION:
        raise ValueError(f"{package} holds KaTeX {version}, not {VERSION}")
    assets, script = root / "docs/assets/katex", root / "src/tutorial_tools/vendor"
    shutil.rmtree(assets / "fonts", ignore_errors=True)  # fonts of an older release go too
    (assets / "fonts").mkdir(parents=True)
    fonts = sorted((package / "dist/fonts").glob("*.woff2"))
    copies = [(font, assets / "fonts" / font.name) for font in fonts]
    copies += [(package / "dist/katex.min.js", script / "katex.min.js")]
    copies += [(package / "LICENSE", script / "KATEX_LICENSE.txt")]
    copies += [(package / "LICENSE", assets / "LICENSE.txt")]
    for source, target in copies:
        shutil.copyfile(source, target)
    css = (package / "dist/katex.min.css").read_text(encoding="utf-8")
    (assets / "katex.min.css").write_text(woff2_only(css), encoding="utf-8")
    return [target for _, target in copies] + [assets / "katex.min.css"]


def main(argv: list[str]) -> int:
    """Vendor KaTeX from the npm package named on the command line."""
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    for path in vendor(Path(argv[0])):
        print("wrote:", path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
