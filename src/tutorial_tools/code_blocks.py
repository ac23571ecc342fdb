"""Make the code blocks cheap for the browser to style and lay out, and reachable by keyboard.

The site's CSS lays out a code block only once it nears the viewport (`content-visibility: auto`
in docs/stylesheets). Until then the block is as tall as `contain-intrinsic-block-size` says,
which the CSS computes from the `--lines` this module writes on every `<pre>`. Code does not wrap
(it scrolls sideways), so lines × line height + padding is the block's real height: the page
keeps its length while blocks render, and tools that measure it (axe, Lighthouse) see the page
as readers do. tests/test_browser.py checks each placeholder against the rendered block.

Material mounts a code block (copy button, keyboard focus) only once it scrolls into view
(`content.lazy` in mkdocs.yml), so the blocks further down cost nothing on load. Until then each
`<code>` is focusable (`tabindex="0"`, written here), so a keyboard can reach and scroll a wide
block anywhere on the page; once mounted, Material keeps the tabindex only on a block that
scrolls sideways, on a device with a pointer that hovers.

Pygments wraps every name and every run of spaces in a span of its own, which the theme draws in
the code's own colour; those spans go (a quarter of the training chapter's elements)."""

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


def focusable_code(body: str) -> str:
    """Make a <pre>'s <code> focusable (tabindex 0) until Material measures whether it scrolls."""
    return body.replace("<code>", '<code tabindex="0">', 1)  # code text has no raw "<code>"


def prepare_code_blocks(page_html: str) -> str:
    """In each bare <pre>: drop the plain spans, focus the code, write the line count as `--lines`."""

    def prepare(pre: re.Match[str]) -> str:
        body = focusable_code(drop_plain_spans(pre["body"]))
        return f'<pre style="--lines: {line_count(body)}">{body}</pre>'

    return PRE.sub(prepare, page_html)
