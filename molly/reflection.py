"""Check a draft before it is shown: deterministic checks, one LLM verdict, one revision.

Deterministic checks: every cited ``[n]`` names a passage that was retrieved; every Python code
block parses. The LLM verdict asks the drafting model, in the same conversation (so llama.cpp and
vLLM reuse the cached prefix), whether its claims are supported; if not, the same call returns a
revision. What still fails afterwards is dropped, never shown. Not here: running code (a sandbox
is a later stage), claim-by-claim entailment.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from molly.schemas import Check, Passage

_FENCE = re.compile(r"```([\w+-]*)[^\n]*\n(.*?)```", re.S)
_INLINE = re.compile(r"`[^`\n]*`")
_CITE = re.compile(r"(?<![\w\]\)'\"])\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")
_NOT_PYTHON = {"bash", "sh", "shell", "console", "text", "txt", "output", "pycon-output", "json", "ini", "toml", "none"}
CODE_REMOVED = "(A code example was removed here because it is not valid Python.)"


def prose(text: str) -> str:
    """The text with code blocks and inline code blanked out (citations live in prose)."""
    return _INLINE.sub(" ", _FENCE.sub(" ", text))


def cited_refs(text: str) -> list[int]:
    """Citation numbers in order of first appearance, outside code."""
    seen: list[int] = []
    for m in _CITE.finditer(prose(text)):
        for n in m.group(1).split(","):
            if int(n) not in seen:
                seen.append(int(n))
    return seen


def python_blocks(text: str) -> list[tuple[str, str]]:
    """(whole fenced block, code) for every block that claims or looks like Python."""
    blocks = []
    for m in _FENCE.finditer(text):
        lang = m.group(1).lower()
        if lang in _NOT_PYTHON:
            continue
        blocks.append((m.group(0), m.group(2)))
    return blocks


def repl_to_source(code: str) -> str:
    """Turn an interactive-session block into source: keep ``>>>``/``...`` lines, drop output."""
    lines = code.splitlines()
    if not any(line.startswith(">>>") for line in lines):
        return code
    return "\n".join(line[4:] for line in lines if line.startswith((">>> ", "... ")) or line in (">>>", "..."))


def syntax_error(code: str) -> str | None:
    """The syntax error of a code block, or None if it parses."""
    try:
        ast.parse(repl_to_source(code))
    except SyntaxError as e:
        return f"line {e.lineno}: {e.msg}"
    except ValueError as e:  # e.g. NUL bytes in the source
        return str(e)
    return None


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


@dataclass(frozen=True)
class Verdict:
    """The LLM's judgement of its own draft."""

    supported: bool
    reason: str
    revision: str | None


def parse_verdict(reply: str) -> Verdict:
    """Read ``SUPPORTED`` or ``UNSUPPORTED: reason`` + ``REVISED ANSWER:`` + text."""
    text = reply.strip()
    head = text.lstrip("*# ").upper()
    if head.startswith("SUPPORTED"):
        return Verdict(True, "", None)
    m = re.search(r"REVISED ANSWER:?\**\s*\n?(.*)", text, re.S | re.I)
    revision = m.group(1).strip() if m and m.group(1).strip() else None
    reason_m = re.search(r"UNSUPPORTED:?\**\s*(.*)", text, re.I)
    reason = reason_m.group(1).split("\n")[0].strip() if reason_m else text.split("\n")[0][:200]
    if not reason_m and not m:
        # Neither keyword: an unusable verdict counts as "not verified", with no revision.
        return Verdict(False, "the check gave no clear verdict", None)
    return Verdict(False, reason[:300], revision)


def drop_failures(text: str, passages: list[Passage]) -> str:
    """Remove what still fails: citations of unknown passages, code that does not parse."""
    refs = {p.ref for p in passages}
    for block, code in python_blocks(text):
        if syntax_error(code):
            text = text.replace(block, CODE_REMOVED)

    def keep_known(m: re.Match[str]) -> str:
        nums = [n.strip() for n in m.group(1).split(",") if int(n) in refs]
        return f"[{', '.join(nums)}]" if nums else ""

    parts = re.split(r"(```.*?```|`[^`\n]*`)", text, flags=re.S)
    return "".join(p if i % 2 else _CITE.sub(keep_known, p) for i, p in enumerate(parts)).strip()
