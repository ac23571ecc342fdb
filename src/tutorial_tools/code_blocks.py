"""Make the code blocks cheap for the browser to style and lay out.

The site's CSS lays out a code block only once it nears the viewport (`content-visibility: auto`
in docs/stylesheets). Until then the block is as tall as `contain-intrinsic-block-size` says,
which the CSS computes from the `--lines` this module writes on every `<pre>`. Code does not wrap
(it scrolls sideways), so lines × line height + padding is the block's real height: the page
keeps its length while blocks render, and tools that measure it (axe, Lighthouse) see the page
as readers do. tests/test_browser.py checks each placeholder against the rendered block.

Material's code-block script still styles and lays out every block on load (it measures each one
to add the copy button), so each element in a block costs time before the page responds. Pygments
wraps every name and every run of spaces in a span of its own, which the theme draws in the
code's own colour; those spans go (a quarter of the training chapter's elements).
"""

import re

PRE = re.compile(r"<pre>(?P<body>.*?)</pre>", re.DOTALL)  # pymdownx and nbconvert write bare <pre>
TAG = re.compile(r"<[^>]*>")
PLAIN_TOKEN = re.compile(r'<span class="[nw]">(?P<text>[^<]*)</span>')  # Name, Text.Whitespace


def line_count(body: str) -> int:
    """Lines of text in a <pre>'s inner HTML; a final newline ends the last line, adds none."""
    text = TAG.sub("", body)
    return text.removesuffix("\n").count("\n") + 1


def drop_plain_spans(body: str) -> str:
    """Unwrap the name and whitespace tokens, which the theme draws in the code's own colour."""
    return PLAIN_TOKEN.sub(r"\g<text>", body)


def prepare_code_blocks(page_html: str) -> str:
    """In each bare <pre>: drop the plain spans and write the line count as `--lines`."""

    def prepare(pre: re.Match[str]) -> str:
        body = drop_plain_spans(pre["body"])
        return f'<pre style="--lines: {line_count(body)}">{body}</pre>'

    return PRE.sub(prepare, page_html)
