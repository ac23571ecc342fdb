"""Code blocks made cheap to render and reachable by keyboard: line counts, plain spans and
focusable code (code_blocks.py)."""

from tutorial_tools.code_blocks import (
    drop_plain_spans,
    focusable_code,
    line_count,
    prepare_code_blocks,
)

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
    marked = prepare_code_blocks(page)
    assert marked.count('<pre style="--lines: 3">') == 2
    unmarked = marked.replace(' style="--lines: 3"', "").replace(' tabindex="0"', "")
    assert unmarked == page  # nothing else changes


def test_the_code_of_each_block_is_focusable_and_nothing_else() -> None:
    page = f"<p>see <code>x</code></p>{CONSOLE}<pre>nbconvert's\n</pre>"
    prepared = prepare_code_blocks(page)
    assert prepared.count('<code tabindex="0">') == 1  # the block's, not the inline <code>
    assert prepared.startswith("<p>see <code>x</code></p>")
    assert '<pre style="--lines: 1">nbconvert\'s\n</pre>' in prepared  # no <code>, nothing added
    assert focusable_code("<span></span><code>a &lt;code&gt;</code>") == (
        '<span></span><code tabindex="0">a &lt;code&gt;</code>'  # escaped text stays
    )


def test_a_pre_with_attributes_is_left_alone() -> None:
    page = '<pre class="mermaid">a\nb</pre>'
    assert prepare_code_blocks(page) == page


# What pymdownx.highlight writes for `y = f(x)  # call` (nbconvert writes the same classes).
LINE = (
    '<span class="n">y</span><span class="w"> </span><span class="o">=</span> '
    '<span class="n">f</span><span class="p">(</span><span class="n">x</span><span class="p">)</span>'
    '  <span class="c1"># call</span>'
)


def test_names_and_whitespace_lose_their_spans_and_nothing_else() -> None:
    assert drop_plain_spans(LINE) == (
        'y <span class="o">=</span> f<span class="p">(</span>x<span class="p">)</span>'
        '  <span class="c1"># call</span>'
    )
    assert drop_plain_spans('<span class="nb">print</span><span class="nf">f</span>') == (
        '<span class="nb">print</span><span class="nf">f</span>'  # builtins, functions keep theirs
    )
    assert drop_plain_spans('<span class="n">a&lt;b</span>') == "a&lt;b"  # escaped text stays


def test_plain_spans_go_only_inside_code_blocks() -> None:
    page = f'<p><code class="highlight"><span class="n">x</span></code></p><pre>{LINE}\n</pre>'
    prepared = prepare_code_blocks(page)
    assert prepared.startswith('<p><code class="highlight"><span class="n">x</span></code></p>')
    assert prepared.endswith(f'<pre style="--lines: 1">{drop_plain_spans(LINE)}\n</pre>')
