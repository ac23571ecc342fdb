"""The line counts that size code blocks before the browser lays them out (code_lines.py)."""

from tutorial_tools.code_lines import line_count, mark_code_lines

# What pymdownx.highlight writes for a two-line console block (line_spans: __span).
CONSOLE = (
    '<pre><span></span><code><span id="__span-0-1"><span class="gp">&gt;&gt;&gt; </span>'
    'x = 1\n</span><span id="__span-0-2"><span class="gp">&gt;&gt;&gt; </span>x\n</span>'
    '<span id="__span-0-3"><span class="go">1</span>\n</span></code></pre>'
)


def test_line_count_counts_text_lines_not_tags() -> None:
    assert line_count("one") == 1
    assert line_count("one\n") == 1
    assert line_count("one\ntwo") == 2
    assert line_count("one\n\nthree\n") == 3  # a blank line inside the block counts
    assert line_count('<span class="n">a</span>\n<span>b</span>\n') == 2


def test_every_bare_pre_gets_its_line_count() -> None:
    page = f"<p>x</p>{CONSOLE}<div><pre>first\nsecond\nthird\n</pre></div>"
    marked = mark_code_lines(page)
    assert marked.count('<pre style="--lines: 3">') == 2
    assert marked.replace(' style="--lines: 3"', "") == page  # nothing else changes


def test_a_pre_with_attributes_is_left_alone() -> None:
    page = '<pre class="mermaid">a\nb</pre>'
    assert mark_code_lines(page) == page
