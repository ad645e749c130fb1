"""Read one course file into titled sections: Markdown, reStructuredText, text, HTML, PDF, Python,
Jupyter notebooks.

Each section keeps where it came from (``page 3``, ``cell 4``, ``lines 10–24``) so a citation
can point there. Hidden carriers are dropped here while the structure is known (HTML comments,
CSS-hidden elements, Markdown/RST comments); ``hidden.clean`` then strips invisible characters
and instruction-like sentences from every section. Anything unreadable raises ``ParseError``
with a reason an instructor can act on.

This runs inside the parse worker (``worker.py``), a subprocess with memory and time limits,
so it imports only the standard library and, for PDFs, pypdf.
"""

from __future__ import annotations

import ast
import io
import json
import re
from dataclasses import asdict, dataclass
from html.parser import HTMLParser

from molly.ingest import hidden

FORMATS = {
    ".md": "markdown", ".markdown": "markdown", ".rst": "rst", ".txt": "text", ".text": "text",
    ".html": "html", ".htm": "html", ".pdf": "pdf", ".py": "python", ".ipynb": "notebook",
}
MAX_OUTPUT_CHARS = 2000  # of one notebook cell's outputs, when outputs are kept


class ParseError(Exception):
    """The file cannot be read; the message says why, in words for an instructor."""


@dataclass(frozen=True)
class Section:
    """A titled piece of a document and where it is (empty when the document has no pages)."""

    title: str
    text: str
    locator: str = ""


@dataclass(frozen=True)
class Parsed:
    """A parsed document: its title, sections, and what cleaning removed."""

    title: str
    sections: list[Section]
    invisible_removed: int = 0
    instructions_removed: int = 0
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Parsed:
        return cls(title=data["title"], sections=[Section(**s) for s in data["sections"]],
                   invisible_removed=data["invisible_removed"], instructions_removed=data["instructions_removed"],
                   notes=tuple(data["notes"]))


def format_of(name: str) -> str | None:
    """The format for a file name's extension, or None if Molly does not read it."""
    dot = name.rfind(".")
    return FORMATS.get(name[dot:].lower()) if dot >= 0 else None


def decode_text(data: bytes) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (with or without BOM), UTF-16 with a BOM, else
    Windows-1252 if that gives clean text. NUL bytes or control characters mean it is not text."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        if b"\x00" in data:
            raise ParseError("contains NUL bytes: this is a binary file, not text")
        candidates = ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        bad = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
        if "\x00" in text or bad > max(2, len(text) // 1000):
            raise ParseError("contains control characters: this is a binary file, not text")
        return text, encoding
    raise ParseError("is not UTF-8 text (and not clean Windows-1252 either); save it as UTF-8")


def parse(name: str, fmt: str, data: bytes, include_outputs: bool = False) -> Parsed:
    """Parse ``data`` (the bytes of file ``name``) as ``fmt``; sections come out cleaned."""
    if not data.strip():
        raise ParseError("is empty")
    stem = name.rsplit("/", 1)[-1]
    notes: list[str] = []
    if fmt == "pdf":
        title, sections = _pdf(stem, data)
    elif fmt == "notebook":
        title, sections = _notebook(stem, decode_text(data)[0], include_outputs)
    else:
        text, encoding = decode_text(data)
        if encoding == "cp1252":
            notes.append("read as Windows-1252 (not UTF-8)")
        reader = {"markdown": _markdown, "rst": _rst, "text": _text, "html": _html, "python": _python}[fmt]
        title, sections = reader(stem, text)
    cleaned, invisible, instructions = [], 0, 0
    for s in sections:
        text, inv, ins = hidden.clean(s.text)
        invisible, instructions = invisible + inv, instructions + ins
        if text.strip():
            cleaned.append(Section(hidden.clean(s.title)[0].strip()[:200] or stem, text.strip(), s.locator))
    if not cleaned:
        raise ParseError("has no readable text")
    if instructions:
        notes.append(f"removed {instructions} instruction-like sentence(s) aimed at an AI")
    if invisible:
        notes.append(f"removed {invisible} invisible character(s)")
    return Parsed(hidden.clean(title)[0].strip()[:200] or stem, cleaned, invisible, instructions, tuple(notes))


# --- Markdown and reStructuredText -------------------------------------------------------------

_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])|opacity\s*:\s*0(?![.\d]*[1-9])"
    r"|(?:^|;)\s*(?:height|width|max-height)\s*:\s*0(?:px)?\s*(?:;|$)|(?:left|top)\s*:\s*-\d{3,}", re.I)


def _drop_inline_html_carriers(text: str) -> str:
    text = re.sub(r"<!--.*?(?:-->|\Z)", "", text, flags=re.S)
    hidden_el = re.compile(r"<(\w+)\b([^>]*)>.*?</\1\s*>", re.S)

    def sub(m: re.Match[str]) -> str:
        attrs = m.group(2)
        if re.search(r"\bhidden\b|aria-hidden\s*=\s*[\"']?true", attrs, re.I) or _HIDDEN_STYLE.search(attrs):
            return ""
        return m.group(0)

    return hidden_el.sub(sub, text)


def _outside_fences(text: str, fn) -> str:
    """Apply ``fn`` to the parts of Markdown ``text`` that are not fenced code."""
    parts = re.split(r"(^(?:```|~~~).*?^(?:```|~~~)[ \t]*$)", text, flags=re.S | re.M)
    return "".join(p if i % 2 else fn(p) for i, p in enumerate(parts))


def _by_headings(stem: str, lines: list[tuple[int, str] | str]) -> tuple[str, list[Section]]:
    """Sections from a list of lines where ``(level, title)`` tuples mark headings."""
    sections: list[Section] = []
    path: list[tuple[int, str]] = []
    body: list[str] = []
    doc_title = ""

    def flush() -> None:
        text = "\n".join(body).strip()
        if text:
            sections.append(Section(" › ".join([stem] + [t for _, t in path]), text))
        body.clear()

    for line in lines:
        if isinstance(line, tuple):
            flush()
            level, title = line
            doc_title = doc_title or title
            path[:] = [p for p in path if p[0] < level] + [(level, title)]
        else:
            body.append(line)
    flush()
    return doc_title or stem, sections


def _markdown(stem: str, text: str) -> tuple[str, list[Section]]:
    text = _outside_fences(text, _drop_inline_html_carriers)
    lines: list[tuple[int, str] | str] = []
    fence = False
    for line in text.split("\n"):
        if re.match(r"^\s*(```|~~~)", line):
            fence = not fence
        m = None if fence else re.match(r"^(#{1,6})\s+(.+?)\s*#*\s*$", line)
        lines.append((len(m.group(1)), m.group(2)) if m else line)
    return _by_headings(stem, lines)


_RST_ADORNMENT = re.compile(r"^([=\-~^\"'`#*+_.:])\1{2,}\s*$")


def _rst(stem: str, text: str) -> tuple[str, list[Section]]:
    raw = text.split("\n")
    levels: list[str] = []
    lines: list[tuple[int, str] | str] = []
    i = 0
    while i < len(raw):
        line = raw[i]
        # A comment (".." not followed by a directive, target or footnote) is invisible when
        # rendered: drop it and its indented continuation.
        if re.match(r"^\.\.(\s|$)", line) and not re.match(r"^\.\.\s+(\S+::|_|\[|\|)", line):
            i += 1
            while i < len(raw) and (not raw[i].strip() or raw[i][:1] in " \t"):
                i += 1
            continue
        nxt = raw[i + 1] if i + 1 < len(raw) else ""
        if line.strip() and _RST_ADORNMENT.match(nxt) and len(nxt.strip()) >= len(line.strip()):
            char = nxt.strip()[0]
            if char not in levels:
                levels.append(char)
            lines.append((levels.index(char) + 1, line.strip()))
            i += 2
            continue
        if _RST_ADORNMENT.match(line) and nxt.strip() and i + 2 < len(raw) and raw[i + 2].strip() == line.strip():
            i += 1  # overline: the title and its underline come next
            continue
        lines.append(line)
        i += 1
    return _by_headings(stem, lines)


def _text(stem: str, text: str) -> tuple[str, list[Section]]:
    return stem, [Section(stem, text)]


# --- HTML --------------------------------------------------------------------------------------

_SKIP = {"script", "style", "template", "noscript", "head", "svg", "iframe", "object", "embed", "canvas", "math"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
_BLOCKS = {"p", "div", "li", "tr", "br", "section", "article", "table", "ul", "ol", "dl", "dt", "dd",
           "blockquote", "pre", "figure", "header", "footer", "main", "nav", "aside", "h1", "h2", "h3",
           "h4", "h5", "h6", "hr"}


class _HTMLText(HTMLParser):
    """Visible text by heading, streaming (no tree, so deep nesting costs no recursion).
    Comments are never emitted; hidden and non-content elements are skipped whole."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hides its content)
        self.hidden_depth = 0
        self.lines: list[tuple[int, str] | str] = []
        self.buf: list[str] = []
        self.heading: list[str] | None = None
        self.heading_level = 0
        self.pre = 0
        self.title: list[str] = []
        self.in_title = False

    def _newline(self) -> None:
        if self.buf:
            self.lines.extend("".join(self.buf).split("\n"))
            self.buf = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        a = {k.lower(): (v or "") for k, v in attrs}
        hides = (tag in _SKIP or "hidden" in a or a.get("aria-hidden", "").lower() == "true"
                 or bool(_HIDDEN_STYLE.search(a.get("style", ""))) or a.get("type", "").lower() == "hidden")
        if tag in _VOID:
            if tag in _BLOCKS and not self.hidden_depth:
                self.buf.append("\n")
            return
        self.stack.append((tag, hides))
        self.hidden_depth += hides
        if self.hidden_depth:
            return
        if re.fullmatch(r"h[1-6]", tag):
            self._newline()
            self.heading, self.heading_level = [], int(tag[1])
        elif tag in _BLOCKS:
            self.buf.append("\n")
        if tag == "pre":
            self.pre += 1
            self.buf.append("\n```\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _VOID or not any(t == tag for t, _ in self.stack):
            return
        while self.stack:
            t, hides = self.stack.pop()
            self.hidden_depth -= hides
            if t == "pre" and not self.hidden_depth:
                self.pre = max(0, self.pre - 1)
                self.buf.append("\n```\n")
            if t == tag:
                break
        if self.heading is not None and re.fullmatch(r"h[1-6]", tag) and not self.hidden_depth:
            title = re.sub(r"\s+", " ", "".join(self.heading)).strip()
            if title:
                self.lines.append((self.heading_level, title))
            self.heading = None
        elif tag in _BLOCKS and not self.hidden_depth:
            self.buf.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        if self.hidden_depth:
            return
        if self.heading is not None:
            self.heading.append(data)
        elif self.pre:
            self.buf.append(data)
        else:
            self.buf.append(re.sub(r"[ \t\r\f\v]+", " ", data.replace("\n", " ")))

    def close(self) -> None:
        super().close()
        self._newline()


def _html(stem: str, text: str) -> tuple[str, list[Section]]:
    parser = _HTMLText()
    parser.feed(text)
    parser.close()
    lines: list[tuple[int, str] | str] = []
    in_pre = False
    for ln in parser.lines:
        if isinstance(ln, str) and ln.strip() == "```":
            in_pre = not in_pre
        # Prose lines lose the spaces whitespace-collapsing left; code keeps its indentation.
        lines.append(ln if isinstance(ln, tuple) else ln.rstrip() if in_pre else ln.strip())
    title, sections = _by_headings(stem, lines)
    page_title = re.sub(r"\s+", " ", "".join(parser.title)).strip()
    sections = [Section(s.title, re.sub(r"\n{3,}", "\n\n", s.text)) for s in sections]
    return page_title or title, sections


# --- PDF ---------------------------------------------------------------------------------------

def _pdf(stem: str, data: bytes) -> tuple[str, list[Section]]:
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise ParseError("is not a PDF (no %PDF header; wrong extension?)")
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ParseError("is an encrypted PDF; save an unprotected copy")
        title = (reader.metadata.title if reader.metadata else None) or stem
        sections = [Section(f"{stem} › page {n}", page.extract_text() or "", f"page {n}")
                    for n, page in enumerate(reader.pages, start=1)]
    except ParseError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError,
            RecursionError, NotImplementedError, AssertionError, ZeroDivisionError) as e:
        raise ParseError(f"is a damaged PDF ({type(e).__name__})") from e
    if not any(s.text.strip() for s in sections):
        raise ParseError("is a PDF with no text layer (scanned?); Molly cannot read images")
    return str(title), sections


# --- Python ------------------------------------------------------------------------------------

def _python(stem: str, text: str) -> tuple[str, list[Section]]:
    """One section per top-level function or class (with its decorators and the comments just
    above it), module-level code between them grouped; line numbers in the locator."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return stem, [Section(f"{stem} (does not parse as Python)", text)]
    lines = text.split("\n")
    doc = ast.get_docstring(tree)
    sections: list[Section] = []
    pending_start: int | None = None

    def emit(title: str, start: int, end: int) -> None:
        body = "\n".join(lines[start - 1:end]).strip("\n")
        if body.strip():
            sections.append(Section(f"{stem} › {title}", f"```python\n{body}\n```", f"lines {start}–{end}"))

    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            while start > 1 and lines[start - 2].lstrip().startswith("#"):
                start -= 1
            if pending_start is not None and pending_start < start:
                emit("module code", pending_start, start - 1)
            pending_start = None
            kind = "class" if isinstance(node, ast.ClassDef) else "def"
            emit(f"{kind} {node.name}", start, node.end_lineno or node.lineno)
        elif pending_start is None:
            pending_start = node.lineno
    if pending_start is not None:
        emit("module code", pending_start, len(lines))
    if not sections and text.strip():
        sections.append(Section(stem, f"```python\n{text.strip()}\n```", f"lines 1–{len(lines)}"))
    return (doc.split("\n", 1)[0] if doc else stem), sections


# --- Jupyter notebooks -------------------------------------------------------------------------

def _notebook(stem: str, text: str, include_outputs: bool) -> tuple[str, list[Section]]:
    try:
        nb = json.loads(text)
    except RecursionError as e:
        raise ParseError("is a notebook nested too deeply to read") from e
    except ValueError as e:
        raise ParseError(f"is not a valid notebook (bad JSON: {e.args[0][:80]})") from e
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        raise ParseError("is not a valid notebook (no list of cells)")
    title = ""
    sections: list[Section] = []
    for n, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            continue
        kind = cell.get("cell_type")
        source = _joined(cell.get("source"))
        if kind == "markdown":
            source = _outside_fences(source, _drop_inline_html_carriers)
            heading = re.search(r"^#{1,6}\s+(.+)$", source, re.M)
            title = title or (heading.group(1).strip() if heading else "")
            body = source
        elif kind == "code":
            body = f"```python\n{source.strip()}\n```" if source.strip() else ""
            if include_outputs:
                out = "\n".join(_output_text(o) for o in cell.get("outputs") or [] if isinstance(o, dict)).strip()
                if out:
                    body += "\nOutput:\n```\n" + out[:MAX_OUTPUT_CHARS] + "\n```"
        else:
            continue
        if body.strip():
            sections.append(Section(f"{stem} › cell {n}", body, f"cell {n}"))
    return title or stem, sections


def _joined(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return ""


def _output_text(output: dict) -> str:
    if output.get("output_type") == "stream":
        return _joined(output.get("text"))
    data = output.get("data")
    if isinstance(data, dict):
        return _joined(data.get("text/plain"))
    if output.get("output_type") == "error":
        return f"{output.get('ename', '')}: {output.get('evalue', '')}"
    return ""
