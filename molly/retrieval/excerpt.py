"""Cut a passage to a size, keeping the part the question is about.

A docs chunk cut to its opening loses what comes later: "How do I read a file line by line?"
retrieves the tutorial's second chunk on file methods, whose first 110 tokens are ``f.readline()``
examples and whose next sentence ("For reading lines from a file, you can loop over the file
object") is the answer. So the cut keeps the opening unless a later run of paragraphs holds more
of the question's words. Not here: how many tokens a passage may have (``retriever.fit_budget``).
"""

from __future__ import annotations

import re

_FENCED = re.compile(r"(```.*?(?:```|\Z))", re.S)
_WORD = re.compile(r"[a-z_][a-z0-9_]*")
_STOP = frozenset("""a an and are as at be but by can do does for from how i if in into is it its my of on
or so than that the then there this to was what when where which who why will with you your not no
use using used get make way python
# words of a learner's framing, not of the topic ("explain the task 1 code", "why does this problem occur")
code program problem issue error example explain task help please could would should want need know sure
like work works thing something happen happens occur occurs different same function question write""".split())
ELLIPSIS = "…"
_SIGNATURE = re.compile(r"[\w.]+\(.{0,90}\)(?: -> .{1,40})?\Z")  # "str.split(sep=None, maxsplit=-1)"


def stem(word: str) -> str:
    """A crude English stem, enough to match "reading lines" with "read ... line": the plural
    first, then -ing or -ed ("strings" and "string" both give "str")."""
    if word.endswith(("sses", "ches", "shes", "xes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def focus_words(texts: list[str]) -> frozenset[str]:
    """The stems of the content words of ``texts`` (the question and its search queries)."""
    return frozenset(stem(w) for t in texts for w in _WORD.findall(t.lower()) if w not in _STOP and len(w) > 1)


def _blocks(text: str) -> list[str]:
    """Paragraphs, with each fenced code block kept whole even if it has blank lines."""
    out: list[str] = []
    for k, part in enumerate(_FENCED.split(text)):
        out += [part.strip()] if k % 2 else [p.strip() for p in re.split(r"\n\s*\n", part) if p.strip()]
    return out


def _stems(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text.lower())}


def truncate(text: str, max_chars: int) -> str:
    """The opening of ``text`` up to ``max_chars``, cut at a paragraph, line or sentence end."""
    if max_chars <= 0:
        return ""
    if len(text) <= max_chars:
        return text
    for sep in ("\n\n", "\n", ". "):
        cut = text.rfind(sep, 0, max_chars)
        if cut > max_chars // 3:
            return text[:cut].rstrip() + (f" {ELLIPSIS}" if sep != "\n\n" else f"\n\n{ELLIPSIS}")
    return text[:max_chars].rstrip() + f" {ELLIPSIS}"


def excerpt(text: str, max_chars: int, focus: frozenset[str] = frozenset()) -> str:
    """``text`` cut to ``max_chars``: its opening, or, when a later run of whole paragraphs (code
    blocks kept whole) holds strictly more of the ``focus`` words, that run between ellipses. A
    short first line (an entry's signature) stays on top of the run."""
    if len(text) <= max_chars or not focus:
        return truncate(text, max_chars)
    blocks = _blocks(text)
    head = blocks[:1] if blocks and _SIGNATURE.match(blocks[0]) else []
    room = max_chars - sum(len(b) + 2 for b in head) - 2 * (len(ELLIPSIS) + 2)  # ellipses, blank lines
    best, best_score = None, len(focus & _stems(truncate(text, max_chars)))
    for i in range(1, len(blocks)):
        j, size = i, -2
        while j < len(blocks) and size + 2 + len(blocks[j]) <= room:
            size += 2 + len(blocks[j])
            j += 1
        if i < j < len(blocks) and blocks[j - 1].endswith(":"):
            j -= 1  # "For example:" without its example says nothing
        if j == i or all(b.startswith("```") for b in blocks[i:j]):
            continue  # too long to show whole, or code with no words around it
        score = len(focus & _stems("\n".join(blocks[i:j])))
        if score > best_score:
            best, best_score = (i, j), score
    if best is None:
        return truncate(text, max_chars)
    i, j = best
    return "\n\n".join([*head, ELLIPSIS, *blocks[i:j], *([ELLIPSIS] if j < len(blocks) else [])])
