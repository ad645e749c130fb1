"""Chunking the CPython HTML docs: sections, API entries, glossary, splitting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from molly.config import Settings
from molly.ingest.chunking import split_text
from molly.ingest.pydocs import MAX_CHARS, build_corpus, page_chunks
from molly.retrieval.store import load_corpus
from molly.schemas import Chunk

PAGE = """<html><body><div class="body" role="main">
<section id="built-in-functions"><h1>Built-in Functions<a class="headerlink" href="#x">¶</a></h1>
<p>The Python interpreter has a number of functions
built into it.</p>
<dl class="py function"><dt class="sig sig-object py" id="abs"><span class="sig-name">abs</span>(x)<a class="headerlink" href="#abs">¶</a></dt>
<dd><p>Return the absolute value of a number.</p>
<div class="versionadded"><p>New in version 3.10.</p></div></dd></dl>
<dl class="py class"><dt class="sig sig-object py" id="Thing">class Thing</dt>
<dd><p>A thing.</p>
<dl class="py method"><dt class="sig sig-object py" id="Thing.go">go()</dt><dd><p>Go somewhere.</p>
<div class="highlight"><pre>for x in  range(3):
    print(x)
</pre></div></dd></dl>
</dd></dl>
<section id="sub"><h2><span class="section-number">1.1. </span>Sub part</h2><p>Sub text.</p></section>
</section>
<dl class="glossary"><dt id="term-iterator">iterator</dt><dd><p>An object representing a stream.</p></dd></dl>
</div></body></html>"""


def test_sections_api_entries_and_glossary_become_chunks() -> None:
    chunks = {c.id: c for c in page_chunks("library/functions.html", PAGE)}
    assert set(chunks) == {
        "library/functions.html#built-in-functions", "library/functions.html#abs", "library/functions.html#Thing",
        "library/functions.html#Thing.go", "library/functions.html#sub", "library/functions.html#term-iterator",
    }
    intro = chunks["library/functions.html#built-in-functions"]
    assert intro.text == "The Python interpreter has a number of functions built into it."
    assert "Return the absolute value" not in intro.text  # API entries are chunks of their own
    abs_ = chunks["library/functions.html#abs"]
    assert abs_.title == "Built-in Functions > abs"
    assert abs_.text.startswith("abs(x)") and "New in version 3.10." in abs_.text and "¶" not in abs_.text
    assert "Go somewhere" not in chunks["library/functions.html#Thing"].text
    go = chunks["library/functions.html#Thing.go"]
    assert go.title == "Built-in Functions > Thing > Thing.go"
    assert "```\nfor x in  range(3):\n    print(x)\n```" in go.text  # code kept byte for byte
    assert chunks["library/functions.html#sub"].title == "Built-in Functions > Sub part"
    assert abs_.url == "https://docs.python.org/3.11/library/functions.html#abs"


@pytest.fixture(scope="module")
def shipped() -> list[Chunk]:
    """The shipped docs corpus (11 MB), read once for the tests that check it."""
    return load_corpus(Settings().kb_dir)[0]


def test_the_regression_test_helpers_page_is_left_out(tmp_path: Path, shipped: list[Chunk]) -> None:
    """``library/test.html`` (CPython's internal test helpers) is skipped; its neighbours are kept."""
    (tmp_path / "library").mkdir()
    for name in ("functions.html", "test.html"):
        (tmp_path / "library" / name).write_text(PAGE, encoding="utf-8")
    (tmp_path / "glossary.html").write_text(PAGE, encoding="utf-8")
    chunks, _ = build_corpus(tmp_path)
    pages = {c.page for c in chunks}
    assert pages == {"library/functions.html", "glossary.html"}
    assert not [c.id for c in shipped if c.page == "library/test.html"]


def test_an_example_split_across_chunks_is_closed_and_reopened(shipped: list[Chunk]) -> None:
    # 400 of the docs' 13,731 chunks once ended inside a code block or began in one.
    code = "\n".join(f"x{i} = {i}  # a line of the example" for i in range(60))
    html = (f'<div role="main"><section id="s"><h1>T</h1><p>{"word " * 100}</p>'
            f'<div class="highlight"><pre>{code}</pre></div><p>After.</p></section></div>')
    chunks = page_chunks("p.html", html, max_chars=1200)
    assert len(chunks) > 2
    for c in chunks:
        assert len([line for line in c.text.splitlines() if line.startswith("```")]) % 2 == 0, c.text
    assert not [c.id for c in shipped if len(re.findall(r"^```", c.text, flags=re.M)) % 2]


def test_long_sections_split_with_unique_ids() -> None:
    body = "".join(f"<p>{'word ' * 100}{i}</p>" for i in range(10))
    html = f'<div role="main"><section id="s"><h1>T</h1>{body}</section></div>'
    chunks = page_chunks("p.html", html, max_chars=1200)
    assert len(chunks) > 1
    assert len({c.id for c in chunks}) == len(chunks)
    assert chunks[0].id == "p.html#s" and chunks[1].id == "p.html#s~1"
    assert all(c.anchor == "s" and len(c.text) <= 1200 for c in chunks)


paragraph = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"), min_size=1, max_size=400)


@given(st.lists(paragraph, min_size=1, max_size=12), st.integers(min_value=20, max_value=MAX_CHARS))
def test_split_text_respects_limit_and_keeps_words(paras: list[str], limit: int) -> None:
    text = "\n\n".join(paras)
    pieces = split_text(text, limit)
    assert all(len(p) <= limit for p in pieces)
    # nothing lost, nothing reordered (hard splits may cut inside a word, so compare non-space text)
    assert "".join("".join(pieces).split()) == "".join(text.split())
