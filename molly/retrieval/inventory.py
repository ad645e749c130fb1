"""The docs' object inventory (Sphinx ``objects.inv``, ~15,600 names → URLs) and what a pasted
traceback names in it: the exception, and the functions or methods on the failing line.

Traceback-aware retrieval (``DenseRetriever``) pins the passages found this way before dense
search: "IndexError" or "append" in a traceback says exactly which docs entry explains it,
better than the words around it. Not here: dense search.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from molly.intent import exception_of

# Methods learners' tracebacks most often come from, tried in this order for an unqualified name.
_RECEIVERS = ("str", "list", "dict", "set", "tuple", "int", "float", "bytes", "object")
_CALL = re.compile(r"(?:\b([A-Za-z_]\w*)\s*\.\s*)?\b([A-Za-z_]\w*)\s*\(")
_QUOTED = re.compile(r"'([A-Za-z_]\w*)'")
_QUALIFIED = re.compile(r"\b([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\(\)")
# Names the inventory has no entry for, but the docs explain in one place.
_EXTRA = {**dict.fromkeys(("append", "extend", "insert", "pop", "remove", "clear", "reverse"),
                          "library/stdtypes.html#mutable-sequence-types"),
          "NoneType": "library/constants.html#None"}
_CODE_LINE = re.compile(r'^\s*File "[^"]*", line \d+.*\n(?P<code>[^\n]+)', re.M)


@dataclass(frozen=True)
class TracebackFacts:
    """What a traceback (or a bare ``SomeError: message`` line) says."""

    exception: str
    message: str
    failing_line: str
    names: tuple[str, ...]  # called on the failing line, or named with () in the message
    attributes: tuple[str, ...]  # quoted in the message: looked up only as built-in types' members


def read_traceback(text: str) -> TracebackFacts | None:
    """The exception, its message, the last code line shown and the names called on it (plus
    names quoted in the message, e.g. ``has no attribute 'append'``); None without an exception."""
    exc = exception_of(text)
    if exc is None:
        return None
    name, message = exc
    lines = [m.group("code").strip() for m in _CODE_LINE.finditer(text)]
    failing = lines[-1] if lines else ""
    names = _QUALIFIED.findall(message) + [m.group(2) for m in _CALL.finditer(failing)]
    return TracebackFacts(name, message, failing, tuple(dict.fromkeys(names)),
                          tuple(dict.fromkeys(_QUOTED.findall(message))))


class Inventory:
    """Name → docs URL (``page.html#anchor``) for Python objects, from ``objects.inv``."""

    def __init__(self, entries: dict[str, tuple[str, str]]) -> None:
        self.entries = entries  # name -> (role, "page.html#anchor")

    @classmethod
    def load(cls, path: Path) -> Inventory:
        """Parse a Sphinx version-2 inventory (a 4-line header, then zlib-compressed lines)."""
        data = path.read_bytes()
        header, _, body = data.partition(b"zlib.\n")
        if not header.startswith(b"# Sphinx inventory version 2"):
            raise ValueError(f"{path} is not a Sphinx version 2 inventory")
        entries: dict[str, tuple[str, str]] = {}
        line = re.compile(r"^(.+?)\s+(py:\w+)\s+-?\d+\s+(\S+)\s+.*$")
        for text in zlib.decompress(body).decode("utf-8").splitlines():
            m = line.match(text)
            if m:
                name, role, uri = m.groups()
                entries.setdefault(name, (role, uri.replace("$", name) if uri.endswith("$") else uri))
        return cls(entries)

    def url(self, name: str, members_only: bool = False) -> str | None:
        """The URL of ``name``; an unqualified method name is tried on the common built-in types
        (only those with ``members_only``: a quoted ``'time'`` is a key, not the time module)."""
        short = name.rsplit(".", 1)[-1]
        for candidate in ((() if members_only else (name,)) + tuple(f"{t}.{short}" for t in _RECEIVERS)):
            if candidate in self.entries:
                return self.entries[candidate][1]
        return _EXTRA.get(short)

    def exception_url(self, name: str) -> str | None:
        """The URL of an exception class, also when the traceback names it by its module path
        (``json.decoder.JSONDecodeError`` is documented as ``json.JSONDecodeError``)."""
        short = name.rsplit(".", 1)[-1]
        for candidate in (name, short):
            if candidate in self.entries:
                return self.entries[candidate][1]
        matches = sorted(k for k, (role, _) in self.entries.items() if role == "py:exception" and
                         k.endswith("." + short) and k.split(".")[0] == name.split(".")[0])
        return self.entries[matches[0]][1] if matches else None

    def anchors(self, facts: TracebackFacts) -> list[str]:
        """The docs URLs a traceback points at: its exception first, then the names called, then
        built-in members named in the message."""
        urls = ([self.exception_url(facts.exception)] + [self.url(n) for n in facts.names if n not in _NOT_API]
                + [self.url(a, members_only=True) for a in facts.attributes])
        return list(dict.fromkeys(u for u in urls if u))


# Names on a failing line that are almost never what the error is about.
_NOT_API = {"print", "self", "cls", "super", "main"}


def load_aliases(kb_dir: Path) -> dict[str, str]:
    """``anchors.json`` (anchor → the chunk that holds it) beside the corpus; empty if absent."""
    path = kb_dir / "anchors.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
