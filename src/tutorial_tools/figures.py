"""The chapters' figures: named by the variable that holds them, saved as SVG at build time.

A chapter draws a figure in a console example (`>>> fit_before = plot_fit(...)`) and shows it
with `![alt text](figures/fit_before.svg)`. The build runs the chapter's notebook and saves the
figure held by that variable, so the image comes from the same seeded run the page prints.
"""

import re

# ![alt text](figures/name.svg): the image a chapter shows, named by its variable
FIGURE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(figures/(?P<name>[A-Za-z_]\w*)\.svg\)")

# Runs in the notebook's kernel after its last cell. Transparent, so the page's CSS can
# recolour it for the dark palette; fixed ids and no date, so the same run gives the same bytes.
SAVE = """\
import matplotlib as _mpl
with _mpl.rc_context({{"svg.hashsalt": "linreg", "svg.fonttype": "path"}}):
    for _name, _path in {paths!r}.items():
        globals()[_name].savefig(
            _path, format="svg", bbox_inches="tight", transparent=True, metadata={{"Date": None}}
        )
"""


def figures(markdown: str) -> dict[str, str]:
    """The figures a chapter shows: variable name -> alt text, in page order."""
    return {m["name"]: m["alt"] for m in FIGURE.finditer(markdown)}


def figure_names(markdown: str) -> list[str]:
    """The names of the figures a chapter shows, in page order."""
    return list(figures(markdown))


def save_code(paths: dict[str, str]) -> str:
    """Python for the kernel: save each named Figure to its path as SVG."""
    return SAVE.format(paths=paths)
