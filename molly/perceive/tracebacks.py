"""Reading a traceback, or a bare ``SomeError: message`` line, a learner pasted: the exception,
its message, the failing code line and the names it calls. Pure text work, no imports of molly.

Used by intent (a traceback is an ``error`` by rule) and by traceback-aware retrieval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_EXC_LINE = re.compile(r"^\s*((?:[A-Za-z_][\w.]*\.)?[A-Z]\w*(?:Error|Exception|Warning|Interrupt|Exit|Iteration))"
                       r"(?::\s*(.*))?\s*$", re.M)
_CALL = re.compile(r"(?:\b([A-Za-z_]\w*)\s*\.\s*)?\b([A-Za-z_]\w*)\s*\(")
_QUOTED = re.compile(r"'([A-Za-z_]\w*)'")
_QUALIFIED = re.compile(r"\b([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\(\)")
_CODE_LINE = re.compile(r'^\s*File "[^"]*", line \d+.*\n(?P<code>[^\n]+)', re.M)


def exception_of(text: str) -> tuple[str, str] | None:
    """The last ``ExcType: message`` line of a traceback-like text, if there is one."""
    matches = list(_EXC_LINE.finditer(text))
    if not matches:
        return None
    m = matches[-1]
    return m.group(1), (m.group(2) or "").strip()


@dataclass(frozen=True)
class TracebackFacts:
    """What a traceback (or a bare ``SomeError: message`` line) says."""

    exception: str
    message: str
    failing_line: str
    names: tuple[str, ...]  # called on the failing line ("math.sqrt", "nums.append"), or named with () in the message
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
    # "math.sqrt(" keeps its receiver (a module's function is found by its full name); for a
    # variable's method ("nums.append(") the inventory lookup falls back to the bare name.
    called = [f"{m.group(1)}.{m.group(2)}" if m.group(1) else m.group(2) for m in _CALL.finditer(failing)]
    names = _QUALIFIED.findall(message) + called
    return TracebackFacts(name, message, failing, tuple(dict.fromkeys(names)),
                          tuple(dict.fromkeys(_QUOTED.findall(message))))


