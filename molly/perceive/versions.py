"""The learner's Python version, and what the passages say changed since it.

The docs are 3.11's. When a learner says they use another version ("I'm on Python 3.8"), the
passages' "New in version 3.9." and "Changed in version 3.10: …" notes that their version does
not have yet are surfaced, so the answer does not hand them a feature they cannot run.
"""

from __future__ import annotations

import re

from molly.schemas import Passage

DOCS_VERSION = (3, 11)
_STATED = re.compile(r"(?i)\b(?:python|py)\s*v?(3)\.(\d{1,2})\b")
_NOTE = re.compile(r"(New in version|Changed in version|Deprecated since version) (3)\.(\d{1,2})(?:\.\d+)?"
                   r"(?::\s*([^\n]{0,160}))?")


def stated_version(question: str) -> tuple[int, int] | None:
    """The Python 3.x version the learner names ("python 3.8", "Py3.10"), if any."""
    m = _STATED.search(question)
    return (int(m.group(1)), int(m.group(2))) if m else None


def version_notes(passages: list[Passage], version: tuple[int, int]) -> list[str]:
    """Notes from ``passages`` about versions newer than ``version``, each with its passage number."""
    notes = []
    for p in passages:
        for m in _NOTE.finditer(p.chunk.text):
            since = (int(m.group(2)), int(m.group(3)))
            if version < since <= DOCS_VERSION:
                what = m.group(1).split()[0].lower()  # new / changed / deprecated
                name = p.chunk.title.rsplit(" > ", 1)[-1]
                detail = f": {m.group(4).rstrip('.')}" if m.group(4) else ""
                notes.append(f"{name} — {what} in Python {since[0]}.{since[1]}{detail} [{p.ref}]")
    return list(dict.fromkeys(notes))[:4]
