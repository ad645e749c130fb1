"""The docs' object inventory (Sphinx ``objects.inv``, ~15,600 names → URLs) and what a pasted
traceback names in it: the exception, and the functions or methods on the failing line.

Traceback-aware retrieval (``DenseRetriever``) pins the passages found this way before dense
search: "IndexError" or "append" in a traceback says exactly which docs entry explains it,
better than the words around it. Not here: dense search.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from molly.perceive.tracebacks import TracebackFacts

# Methods learners' tracebacks most often come from, tried in this order for an unqualified name.
_RECEIVERS = ("str", "list", "dict", "set", "tuple", "int", "float", "bytes", "object")
# Names the inventory has no entry for, but the docs explain in one place.
_EXTRA = {**dict.fromkeys(("append", "extend", "insert", "pop", "remove", "clear", "reverse"),
                          "library/stdtypes.html#mutable-sequence-types"),
          **dict.fromkeys(("index", "count"), "library/stdtypes.html#common-sequence-operations"),
          "NoneType": "library/constants.html#None"}


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

    def url(self, name: str, members_only: bool = False, types: tuple[str, ...] = ()) -> str | None:
        """The URL of ``name``. An unqualified (or variable-qualified) method name is tried on the
        built-in ``types`` the error message names first, then on the common built-in types; with
        ``members_only`` (a name quoted in a message) only built-in types and their members count:
        a quoted ``'time'`` is a key, not the time module."""
        short = name.rsplit(".", 1)[-1]
        if name in _RECEIVERS or name == "NoneType":
            return self.entries.get(name, ("", _EXTRA.get(name)))[1]
        for candidate in ((() if members_only else (name,)) + tuple(f"{t}.{short}" for t in types)):
            if candidate in self.entries:
                return self.entries[candidate][1]
        if types and short in _EXTRA:
            return _EXTRA[short]
        for candidate in (f"{t}.{short}" for t in _RECEIVERS):
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
        types = tuple(t for t in _RECEIVERS if re.search(rf"\b{t}\b", facts.message))
        urls = ([self.exception_url(facts.exception)]
                + [self.url(n, types=types) for n in facts.names if n.rsplit(".", 1)[-1] not in _NOT_API]
                + [self.url(a, members_only=True, types=types) for a in facts.attributes])
        return list(dict.fromkeys(u for u in urls if u))


# Names on a failing line that are almost never what the error is about.
_NOT_API = {"print", "self", "cls", "super", "main"}

