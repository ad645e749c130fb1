"""The badge: one line saying what was verified in an answer, and nothing it was not.

"✓ Checked" appears only when every shown sentence and every code block passed a check that could
have failed on meaning. No sentence check does that yet: the rules compare words (on 64 answers
each with one meaning-level fault, such as True and False swapped, they caught 1), and the verdict
is the 1.5B model's reading. So sentences are counted by how they were checked, code by what
running it showed, and a learner's fix by the examples it was verified on.
"""

from __future__ import annotations

import re

from molly.reflect.codecheck import NOTHING_TO_RUN, OUTPUT_CORRECTED, OUTPUT_MATCHES
from molly.sandbox import PYTHON_VERSION
from molly.schemas import Answer, Check

WITHHELD = "⚠ **Not checked** — I could not support an answer from the documentation."
_VERIFIED_ON = re.compile(r"verified on (\d+) of (\d+) examples")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def sentence_part(answer: Answer) -> str:
    """How the shown factual sentences were checked: by their words, by the model, or not at all."""
    claims = [c for c in answer.claims if c.shown and c.verdict != "not_a_claim"]
    if not claims:
        return ""
    n = len(claims)
    if not answer.passages:
        return f"{_plural(n, 'sentence')} not checked: no docs passage matched"
    words = sum(c.verdict == "supported" and c.by == "words" for c in claims)
    model = sum(c.verdict == "supported" and c.by == "model" for c in claims)
    bits = [f"{words} of {n} sentences use the cited docs' words"] if words else []
    if model:
        bits.append(f"{model} of {n} judged supported by the model")
    if rest := n - words - model:
        bits.append(f"{rest} of {n} not checked")
    return ", ".join(bits)


def code_part(checks: list[Check]) -> tuple[str, bool]:
    """What running the answer's blocks showed, and whether every block ran as shown."""
    blocks = [c for c in checks if c.name.startswith("code_ran_")]
    if not blocks:
        return "", True
    empty = [c for c in blocks if c.detail == NOTHING_TO_RUN]
    removed = [c for c in blocks if not c.passed]
    ran = [c for c in blocks if c.passed and c.detail.startswith(("ran on", "raises"))
           or c.passed and c.detail.startswith("failed on") and c.detail.endswith("ran")]
    outputs = sum(OUTPUT_MATCHES in c.detail or OUTPUT_CORRECTED in c.detail for c in ran)
    real = len(blocks) - len(empty)
    bits = []
    if real:
        bits.append(f"{len(ran)} of {_plural(real, 'example')} ran on Python {PYTHON_VERSION}"
                    + (f", stated output checked in {outputs}" if outputs else ""))
    if removed:
        bits.append(f"{len(removed)} failed and removed")
    if empty:
        bits.append(f"{_plural(len(empty), 'block')} with nothing to run")
    return ", ".join(bits), bool(real) and len(ran) == real and not empty


def fix_part(checks: list[Check]) -> str:
    """The learner's code: a fix verified on all their examples, or none found."""
    for c in checks:
        if c.name == "fix_verified":
            m = _VERIFIED_ON.search(c.detail)
            return f"fix verified on {m.group(1)} of {m.group(2)} examples" if c.passed and m else "no verified fix"
    return ""


def badge(answer: Answer) -> str:
    """The badge line for ``answer`` ('' when nothing was checked, as for a declined request)."""
    if answer.withheld:
        return WITHHELD
    sentences = sentence_part(answer)
    code, all_ran = code_part(answer.checks)
    fix = fix_part(answer.checks)
    said = [p for p in (sentences, code, fix) if p]
    if not said:
        return ""
    # Every sentence would need a meaning-level check; for now only an answer with no factual
    # sentence, whose every block ran, and whose fix (if any) was verified, earns the word.
    checked = not sentences and (code == "" or all_ran) and fix != "no verified fix" and bool(code or fix)
    return f"{'✓ **Checked**' if checked else '**What I checked**'} — " + " · ".join(said)
