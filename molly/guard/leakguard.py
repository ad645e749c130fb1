"""Keep the tutor's own instructions out of what learners see (SECURITY.md S1).

Every run of Molly puts a random canary into its system prompt (``prompting.CANARY``). Whatever
a learner's message talks the model into, an answer line that carries the canary (plain, reversed,
upper-case, base64 or hex) or any 12-word run of the system prompt is removed before it is shown.
This does not depend on recognising the attack, only on what comes out.
"""

from __future__ import annotations

import base64
import re

# 49d217b: 310 probes x 10 leak styles, 0 leaks; no line removed in 19 stored speed runs (false alarms).
WINDOW = 12
_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def canary_forms(canary: str) -> list[str]:
    """The canary as a model might write it out: as is, reversed, base64 and hex of it."""
    raw = canary.encode()
    return [f.lower() for f in (canary, canary[::-1], base64.b64encode(raw).decode().rstrip("="),
                                raw.hex())]


def redact(text: str, secret: str, canary: str, window: int = WINDOW) -> tuple[str, int]:
    """``text`` without the lines that leak ``secret`` (a ``window``-word run of it) or ``canary``;
    returns the text and how many lines were removed. Words are compared case- and
    punctuation-blind, across line breaks, so re-wrapping the prompt does not get it through."""
    lines = text.split("\n")
    bad: set[int] = set()
    # The canary is searched in the text squashed to its letters and digits, so spaces, dashes or
    # line breaks put between its characters do not hide it.
    chars = [(c, i) for i, line in enumerate(lines) for c in line.lower() if c.isascii() and c.isalnum()]
    squashed = "".join(c for c, _ in chars)
    for form in {re.sub(r"[^a-z0-9]", "", f) for f in canary_forms(canary)} if canary else ():
        start = squashed.find(form)
        while form and start >= 0:
            bad.update(i for _, i in chars[start:start + len(form)])
            start = squashed.find(form, start + 1)
    grams = _grams(_words(secret), window)
    if grams:
        tokens = [(w, i) for i, line in enumerate(lines) for w in _words(line)]
        for k in range(len(tokens) - window + 1):
            if tuple(w for w, _ in tokens[k:k + window]) in grams:
                bad.update(i for _, i in tokens[k:k + window])
    if not bad:
        return text, 0
    return "\n".join(line for i, line in enumerate(lines) if i not in bad), len(bad)


def leaks(text: str, secret: str, canary: str, window: int = WINDOW) -> bool:
    """True if ``text`` carries the canary or a ``window``-word run of ``secret``."""
    return redact(text, secret, canary, window)[1] > 0


def _grams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[k:k + n]) for k in range(len(words) - n + 1)}
