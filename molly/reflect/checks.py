"""Reflection's fixed checks and the LLM verdict's reader.

Deterministic checks: every cited ``[n]`` names a passage that was retrieved; every Python code
block parses. ``numbered_sentences`` lists the draft's sentences for the verdict call, and
``parse_verdict`` reads its reply; ``drop_failures`` removes what still fails the fixed checks, so
it is never shown. Not here: claims against passages (``claims.py``), running code (``codecheck.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from molly.document import CITE, cited_refs, edit_fences, fences, python_blocks, python_fences, segments, syntax_error
from molly.schemas import Check, Passage

CODE_REMOVED = "(A code example was removed here because it is not valid Python.)"


def deterministic_checks(text: str, passages: list[Passage]) -> list[Check]:
    """Citation and code checks; pure and fast."""
    refs = {p.ref for p in passages}
    cited = cited_refs(text)
    unknown = [n for n in cited if n not in refs]
    checks = [Check(name="citations_retrieved", passed=not unknown,
                    detail=f"cites unknown passage(s) {unknown}" if unknown else f"{len(cited)} cited, all retrieved")]
    if passages:
        checks.append(Check(name="cites_sources", passed=bool(cited),
                            detail="cites the passages" if cited else "makes no citation"))
    bad = [(i + 1, err) for i, (_, code) in enumerate(python_blocks(text)) if (err := syntax_error(code))]
    n_blocks = len(python_blocks(text))
    checks.append(Check(name="code_parses", passed=not bad,
                        detail="; ".join(f"block {i}: {e}" for i, e in bad) if bad else f"{n_blocks} block(s) parse"))
    return checks


def problems_text(checks: list[Check]) -> str:
    """Failed deterministic checks, phrased for the reflection prompt."""
    failed = [c for c in checks if not c.passed]
    if not failed:
        return ""
    return "Automatic checks found problems: " + "; ".join(f"{c.name}: {c.detail}" for c in failed) + "."


def numbered_sentences(text: str, head_words: int = 10, only: set[int] | None = None) -> str:
    """The prose sentences of an answer, numbered from 1, for the reflection prompt. Only the first
    ``head_words`` words of each are listed: the model has the whole answer just above, and on a
    CPU every repeated token costs prompt time. ``only`` keeps just those numbers."""
    lines = []
    for i, sentence in enumerate((p.strip() for is_s, p in segments(text) if is_s), 1):
        if only is not None and i not in only:
            continue
        words = sentence.split()
        lines.append(f"({i}) {' '.join(words[:head_words])}{' …' if len(words) > head_words else ''}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Verdict:
    """The LLM's judgement of its own draft: which sentences it found unsupported."""

    clear: bool
    unsupported: tuple[int, ...]

    @property
    def supported(self) -> bool:
        return self.clear and not self.unsupported


def parse_verdict(reply: str, n_sentences: int) -> Verdict:
    """Read ``NONE`` or a list of sentence numbers; anything else is an unclear verdict."""
    text = reply.strip().strip("*`. ")
    if re.fullmatch(r"(?i)none\b.*", text, flags=re.S) or re.match(r"(?i)none\b", text):
        return Verdict(True, ())
    nums = [int(n) for n in re.findall(r"\d+", text.split("\n")[0])]
    valid = tuple(sorted({n for n in nums if 1 <= n <= n_sentences}))
    if nums and valid:
        return Verdict(True, valid)
    return Verdict(False, ())


def drop_failures(text: str, passages: list[Passage]) -> str:
    """Remove what still fails: citations of unknown passages, code that does not parse."""
    refs = {p.ref for p in passages}
    python = {f.start for f in python_fences(text)}
    text = edit_fences(text, lambda f: CODE_REMOVED if f.start in python and syntax_error(f.code) else None)

    def keep_known(m: re.Match[str]) -> str:
        nums = [n.strip() for n in m.group(1).split(",") if int(n) in refs]
        return f"[{', '.join(nums)}]" if nums else ""

    def cleaned(gap: str) -> str:  # prose between blocks, its inline code kept as is
        parts = re.split(r"(`[^`\n]*`)", gap)
        # a removed citation must not leave "word ." behind
        return "".join(p if i % 2 else re.sub(r"[ \t]+([.,;:!?])", r"\1", CITE.sub(keep_known, p))
                       for i, p in enumerate(parts))

    out, pos = [], 0
    for f in fences(text):
        out += [cleaned(text[pos : f.start]), f.whole(text)]
        pos = f.end
    return ("".join(out) + cleaned(text[pos:])).strip()
