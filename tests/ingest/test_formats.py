"""Each supported format is read into sections with the right titles and locators."""

from __future__ import annotations

import pytest

from molly.ingest.formats import ParseError, decode_text, format_of, parse
from tests.files import make_notebook, make_pdf


def test_markdown_sections_follow_headings_and_keep_code() -> None:
    doc = parse("week1.md", "markdown", b"# Week 1\n\nIntro.\n\n## Loops\n\nA loop.\n\n```python\n# not a heading\nfor x in y:\n    pass\n```\n")
    assert doc.title == "Week 1"
    assert [s.title for s in doc.sections] == ["week1.md \u203a Week 1", "week1.md \u203a Week 1 \u203a Loops"]
    assert "# not a heading\nfor x in y:" in doc.sections[1].text


def test_markdown_drops_comments_and_hidden_html_but_not_code() -> None:
    doc = parse("a.md", "markdown", b"# T\n\nSeen. <!-- unseen comment --> <span style=\"display:none\">unseen span</span>"
                                     b"<div hidden>unseen div</div>\n\n```html\n<!-- shown in code -->\n```\n")
    text = doc.sections[0].text
    assert "Seen." in text and "unseen" not in text and "<!-- shown in code -->" in text


def test_rst_titles_and_comments() -> None:
    doc = parse("l.rst", "rst", b"Strings\n=======\n\nText about str.\n\n.. a hidden comment\n   continued\n\n"
                                 b".. note::\n\n   A visible note.\n\nSlicing\n-------\n\ns[1:3]\n")
    assert doc.title == "Strings"
    assert [s.title for s in doc.sections] == ["l.rst \u203a Strings", "l.rst \u203a Strings \u203a Slicing"]
    joined = "\n".join(s.text for s in doc.sections)
    assert "hidden comment" not in joined and "continued" not in joined and "A visible note." in joined


def test_html_keeps_visible_text_by_heading_only() -> None:
    html = (b"<html><head><title>Page</title><script>var x='script text'</script></head><body>"
            b"<h1>Dicts</h1><p>Visible <b>bold</b>.</p><!-- comment text --><p style='font-size:0'>tiny text</p>"
            b"<p aria-hidden='true'>aria text</p><h2>Get</h2><pre>d.get(k, 0)\n  indented</pre></body></html>")
    doc = parse("p.html", "html", html)
    joined = "\n".join(s.title + "\n" + s.text for s in doc.sections)
    assert doc.title == "Page"
    assert "Visible bold." in joined and "d.get(k, 0)\n  indented" in joined
    for hidden in ("script text", "comment text", "tiny text", "aria text"):
        assert hidden not in joined


def test_pdf_pages_become_locators() -> None:
    doc = parse("notes.pdf", "pdf", make_pdf(["Lists are mutable.", "Tuples are immutable."], title="Notes"))
    assert doc.title == "Notes"
    assert [(s.locator, s.text) for s in doc.sections] == [("page 1", "Lists are mutable."), ("page 2", "Tuples are immutable.")]


@pytest.mark.parametrize(("data", "why"), [
    (make_pdf(["secret"], password="pw123456"), "encrypted"),
    (b"%PDF-1.4\nnot really a pdf", "damaged"),
    (b"hello", "not a PDF"),
])
def test_bad_pdfs_are_typed_errors(data: bytes, why: str) -> None:
    with pytest.raises(ParseError, match=why):
        parse("x.pdf", "pdf", data)


def test_python_is_chunked_at_function_and_class_boundaries() -> None:
    src = b'"""Exercise."""\nimport math\n\n# helper for area\n@staticmethod\ndef area(r):\n    return math.pi * r * r\n\n\nclass Shape:\n    pass\n\nprint(area(1))\n'
    doc = parse("ex.py", "python", src)
    assert [(s.title.split(" \u203a ")[1], s.locator) for s in doc.sections] == [
        ("module code", "lines 1\u20133"), ("def area", "lines 4\u20137"), ("class Shape", "lines 10\u201311"),
        ("module code", "lines 13\u201314")]
    assert doc.sections[1].text.startswith("```python\n# helper for area\n@staticmethod")


def test_python_that_does_not_parse_is_kept_as_text() -> None:
    doc = parse("broken.py", "python", b"def f(:\n    return 1\n")
    assert "does not parse" in doc.sections[0].title and "def f(:" in doc.sections[0].text


def test_notebook_cells_are_kept_as_cells_outputs_optional() -> None:
    nb = make_notebook([("markdown", "# Practice\nTry it."), ("code", "print(2 + 2)"), ("raw", "skip me")], {1: "4\n"})
    without = parse("p.ipynb", "notebook", nb)
    assert without.title == "Practice"
    assert [(s.locator, s.text) for s in without.sections] == [
        ("cell 1", "# Practice\nTry it."), ("cell 2", "```python\nprint(2 + 2)\n```")]
    with_outputs = parse("p.ipynb", "notebook", nb, include_outputs=True)
    assert "Output:\n```\n4" in with_outputs.sections[1].text


def test_text_encodings() -> None:
    assert decode_text("h\u00e9".encode("utf-16")) == ("h\u00e9", "utf-16")
    assert decode_text(b"\xef\xbb\xbfhi") == ("hi", "utf-8-sig")
    assert decode_text("caf\u00e9".encode("cp1252"))[1] == "cp1252"
    doc = parse("c.txt", "text", "caf\u00e9 au lait".encode("cp1252"))
    assert "Windows-1252" in doc.notes[0]
    for bad in (b"a\x00b", b"\x81\x8d\x8f bytes", bytes(range(1, 9)) * 20):
        with pytest.raises(ParseError):
            decode_text(bad)


def test_empty_and_unknown() -> None:
    assert format_of("A.MD") == "markdown" and format_of("x.docx") is None and format_of("noext") is None
    with pytest.raises(ParseError, match="empty"):
        parse("e.md", "markdown", b"  \n")
