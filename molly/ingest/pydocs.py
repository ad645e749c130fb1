"""Chunk the CPython HTML documentation by section and by API entry.

Every chunk carries its page, its ``#anchor`` and a title path, so a citation can link to
``https://docs.python.org/3.11/<page>#<anchor>``. Sections are chunked without their
subsections; API entries (``<dl class="py ...">`` with a ``<dt id=...>`` signature) and
glossary terms become chunks of their own. Long texts are split on paragraph boundaries.

Not here: embedding, indexing, course materials. Needs beautifulsoup4 and lxml (the ``kb``
extra); only rebuilding ``knowledge_base/`` uses this module.

Usage: ``python -m molly.ingest.pydocs HTML_ROOT OUT_DIR``.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

from molly.ingest.chunking import MAX_CHARS, balance_fences, split_text
from molly.schemas import Chunk

#: Learner-relevant parts of the docs (folders, plus single pages at the root).
FOLDERS = ("tutorial", "library", "reference", "faq", "howto", "using")
ROOT_PAGES = ("glossary.html",)
#: Pages left out: ``test`` documents CPython's own regression-test helpers ("for internal use by
#: Python only"), yet names like ``test.support.sortdict`` or ``os_helper.create_empty_file`` were
#: retrieved for learners' "sort a dict" or "create a file" questions.
SKIP_PAGES = ("library/test.html",)
_BLOCK = {
    "p", "div", "li", "dt", "dd", "ul", "ol", "dl", "table", "tr", "blockquote", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "section", "caption", "thead", "tbody", "aside",
}
_FENCE = "```"
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def _is_api(tag: Any) -> bool:
    return tag.name == "dl" and "py" in (tag.get("class") or [])


def _render(el: Any, out: list[str], skip_nested: bool) -> None:
    """Append the text of ``el``'s children to ``out``: blocks separated by blank lines,
    code kept verbatim inside fences, nested sections/API entries left to their own chunks."""
    from bs4 import Comment, NavigableString

    for child in el.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            out.append(str(child))
            continue
        name = child.name
        classes = child.get("class") or []
        if "headerlink" in classes:
            continue
        if skip_nested and (name == "section" or _is_api(child) or name in _HEADINGS):
            # subsections and API entries are chunks of their own; headings are in the title
            continue
        if name == "pre":
            out.append(f"\n\n{_FENCE}\n{child.get_text().rstrip()}\n{_FENCE}\n\n")
        elif name in ("td", "th"):
            out.append(" | ")
            _render(child, out, skip_nested)
        elif name in _BLOCK:
            out.append("\n\n- " if name == "li" else "\n\n")
            _render(child, out, skip_nested)
            out.append("\n\n")
        else:
            _render(child, out, skip_nested)


def normalise(raw: str) -> str:
    """Collapse HTML source whitespace outside code fences; keep code byte for byte."""
    parts = re.split(r"(\n```\n.*?\n```\n)", raw, flags=re.S)
    out = []
    for i, part in enumerate(parts):
        if i % 2:  # a fenced code block
            out.append("\n\n" + part.strip("\n") + "\n\n")
            continue
        part = part.replace("\xa0", " ")
        paras = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", part)]
        out.append("\n\n".join(p for p in paras if p and p != "-"))
    text = "\n\n".join(p.strip("\n") for p in out if p.strip())
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def element_text(el: Any, skip_nested: bool = True) -> str:
    """The normalised text of one HTML element."""
    out: list[str] = []
    _render(el, out, skip_nested)
    return normalise("".join(out))


def _heading(section: Any) -> str:
    h = section.find(re.compile(r"^h[1-6]$"), recursive=False)
    if h is None:
        return ""
    text = element_text(h, skip_nested=False)
    return re.sub(r"^[\d.]+\s+", "", text)  # drop "7.2. " section numbers


def page_chunks(page: str, html: str, max_chars: int = MAX_CHARS,
                aliases: dict[str, str] | None = None) -> list[Chunk]:
    """All chunks of one HTML page (``page`` is its path relative to the docs root).

    If ``aliases`` is given, it is filled with ``page#id -> chunk id`` for every other HTML id
    inside a chunk's region (``<span id="tut-files">``, extra signatures), so a link to any
    anchor of the docs can be resolved to the chunk that holds it."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    main = soup.find("div", attrs={"role": "main"}) or soup.body
    if main is None:
        return []
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}

    def emit(anchor: str, title: str, text: str, owners: tuple[Any, ...] = ()) -> None:
        first = len(chunks)
        for piece in balance_fences(split_text(text, max_chars)):  # a long example spans chunks
            base = f"{page}#{anchor}" if anchor else page
            n = seen.get(base, 0)
            seen[base] = n + 1
            chunks.append(Chunk(
                id=base if n == 0 else f"{base}~{n}", source="pydocs", page=page,
                anchor=anchor, title=title, text=piece,
            ))
        if aliases is not None and owners and len(chunks) > first:
            target = chunks[first].id
            for owner in owners:
                for el in [owner, *owner.find_all(id=True)]:
                    el_id = el.get("id")
                    if el_id and (el is owner or _owner(el) in owners):
                        aliases.setdefault(f"{page}#{el_id}", target)

    def walk(el: Any, path: list[str], anchor: str) -> None:
        for tag in el.find_all(["section", "dl"]):
            # only handle direct structural children here; deeper ones recurse below
            if _owner(tag) is not el:
                continue
            if tag.name == "section":
                title = _heading(tag)
                sub_path = path + [title] if title else path
                sub_anchor = tag.get("id") or anchor
                own = element_text(tag)
                if own:
                    emit(sub_anchor, " > ".join(sub_path), own, (tag,))
                walk(tag, sub_path, sub_anchor)
            elif _is_api(tag):
                dt = tag.find("dt", recursive=False)
                dd = tag.find("dd", recursive=False)
                api_id = (dt.get("id") if dt is not None else None) or anchor
                sigs = [element_text(d, skip_nested=False) for d in tag.find_all("dt", recursive=False)]
                body = element_text(dd) if dd is not None else ""
                name = api_id if dt is not None and dt.get("id") else (sigs[0] if sigs else "")
                sub_path = path + [name] if name else path
                emit(api_id, " > ".join(sub_path), "\n\n".join(s for s in sigs + [body] if s),
                     (tag,) if dd is None else (tag, dd))
                if dd is not None:
                    walk(dd, sub_path, api_id)
            elif "glossary" in (tag.get("class") or []):
                for dt in tag.find_all("dt", recursive=False):
                    dd = dt.find_next_sibling("dd")
                    term = element_text(dt, skip_nested=False)
                    body = element_text(dd) if dd is not None else ""
                    emit(dt.get("id") or anchor, " > ".join(path + [term]), f"{term}\n\n{body}",
                         (dt,) if dd is None else (dt, dd))

    def _owner(tag: Any) -> Any:
        # the nearest enclosing section / API entry / dd-of-API: what "owns" this tag
        for parent in tag.parents:
            if parent is main or parent.name == "section" or _is_api(parent):
                return parent
            if parent.name == "dd" and parent.parent is not None and _is_api(parent.parent):
                return parent
        return None

    walk(main, [], "")
    return chunks


def build_corpus(html_root: Path) -> tuple[list[Chunk], dict[str, str]]:
    """Chunk the learner-relevant pages under ``html_root`` (sorted, so output is stable);
    also return the anchor alias map (see ``page_chunks``)."""
    pages = [p for folder in FOLDERS for p in sorted((html_root / folder).rglob("*.html"))
             if p.relative_to(html_root).as_posix() not in SKIP_PAGES]
    pages += [html_root / name for name in ROOT_PAGES]
    chunks: list[Chunk] = []
    aliases: dict[str, str] = {}
    for path in pages:
        rel = path.relative_to(html_root).as_posix()
        chunks.extend(page_chunks(rel, path.read_text(encoding="utf-8"), aliases=aliases))
    ids = {c.id for c in chunks}
    return chunks, {a: t for a, t in sorted(aliases.items()) if a not in ids}


def write_corpus(chunks: list[Chunk], aliases: dict[str, str], out_dir: Path) -> str:
    """Write ``chunks.jsonl`` and ``anchors.json`` (alias -> chunk id); return the corpus sha256."""
    out_dir.mkdir(parents=True, exist_ok=True)
    # Defaults (learner visibility, no locator) are left out: every docs chunk has them, and without
    # them a rebuild's diff shows only the text that changed.
    data = "".join(json.dumps(c.model_dump(exclude_defaults=True), ensure_ascii=False) + "\n" for c in chunks)
    (out_dir / "chunks.jsonl").write_text(data, encoding="utf-8")
    (out_dir / "anchors.json").write_text(json.dumps(aliases, indent=0) + "\n", encoding="utf-8")
    return hashlib.sha256(data.encode()).hexdigest()


if __name__ == "__main__":  # pragma: no cover - a build script
    root, out = Path(sys.argv[1]), Path(sys.argv[2])
    corpus, alias_map = build_corpus(root)
    digest = write_corpus(corpus, alias_map, out)
    print(f"{len(corpus)} chunks, {len(alias_map)} anchor aliases, sha256 {digest}")
