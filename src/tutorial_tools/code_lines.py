"""Tell the browser each code block's height before it lays the block out.

The site's CSS lays out a code block only once it nears the viewport (`content-visibility: auto`
in docs/stylesheets). Until then the block is as tall as `contain-intrinsic-block-size` says,
which the CSS computes from the `--lines` this module writes on every `<pre>`. Code does not wrap
(it scrolls sideways), so lines × line height + padding is the block's real height: the page
keeps its length while blocks render, and tools that measure it (axe, Lighthouse) see the page
as readers do. tests/test_browser.py checks each placeholder against the rendered block.
"""

import re

PRE = re.compile(r"<pre>(?P<body>.*?)</pre>", re.DOTALL)  # pymdownx and nbconvert write bare <pre>
TAG = re.compile(r"<[^>]*>")


def line_count(body: str) -> int:
    """Lines of text in a <pre>'s inner HTML; a final newline ends the last line, adds none."""
    text = TAG.sub("", body)
    return text.removesuffix("\n").count("\n") + 1


def mark_code_lines(page_html: str) -> str:
    """Write each bare <pre>'s line count as `style="--lines: N"`."""
    return PRE.sub(
        lambda m: f'<pre style="--lines: {line_count(m["body"])}">{m["body"]}</pre>', page_html
    )
