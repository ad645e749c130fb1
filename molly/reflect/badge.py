"""The badge: one line saying what was verified in an answer, and nothing it was not.

"✓ Checked" appears only when every shown sentence and every code block passed a check that could
have failed on meaning: a sentence matched to a docs sentence with no antonym, number, type,
value, exception or API name changed (``meaning.py``), or a stated result compared with a real run
(``stated.py``); every block ran. A sentence the 1.5B model judged, or that nothing checked,
keeps the word away, and the badge counts each kind.
"""

from __future__ import annotations

import re
from typing import Literal

from molly.reflect.codecheck import NOTHING_TO_RUN, OUTPUT_CORRECTED, OUTPUT_MATCHES
from molly.reflect.stated import STATED
from molly.sandbox import PYTHON_VERSION
from molly.schemas import Answer, Check

WITHHELD = "⚠ **Not checked** — I could not support an answer from the documentation."
_VERIFIED_ON = re.compile(r"verified on (\d+) of (\d+) examples")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def sentence_part(answer: Answer) -> tuple[str, bool]:
    """How the shown factual sentences were checked (by the docs' words and meaning, by a run, by
    the model, or not at all), and whether every one was checked on meaning."""
    claims = [c for c in answer.claims if c.shown and c.verdict != "not_a_claim"]
    if not claims:
        return "", True
    n = len(claims)
    docs = sum(c.verdict == "supported" and c.by == "words" for c in claims)
    ran = sum(c.verdict == "supported" and c.by == "run" for c in claims)
    model = sum(c.verdict == "supported" and c.by == "model" for c in claims)
    bits = [f"{docs} of {n} sentences match the cited docs"] if docs else []
    if ran:
        bits.append(f"{ran} of {n} state a result a run confirmed")
    if model:
        bits.append(f"{model} of {n} judged supported by the model")
    if (rest := n - docs - ran - model) and rest == n:
        bits.append(f"{_plural(n, 'sentence')} not checked" + ("" if answer.passages else ": no docs passage matched"))
    elif rest:
        bits.append(f"{rest} of {n} not checked")
    return ", ".join(bits), docs + ran == n


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


def stated_part(checks: list[Check]) -> str:
    """How many results stated in prose or output blocks were compared with a real run."""
    for c in checks:
        if c.name == STATED:
            return c.detail.replace(f" with a run on Python {PYTHON_VERSION}", " with a run")
    return ""


def badge(answer: Answer) -> str:
    """The badge line for ``answer`` ('' when nothing was checked, as for a declined request)."""
    if answer.withheld:
        return WITHHELD
    sentences, all_sentences = sentence_part(answer)
    code, all_ran = code_part(answer.checks)
    stated = stated_part(answer.checks)
    fix = fix_part(answer.checks)
    said = [p for p in (sentences, code, stated, fix) if p]
    if not said:
        return ""
    stated_ok = not stated or all(c.passed for c in answer.checks if c.name == STATED)
    checked = all_sentences and (code == "" or all_ran) and stated_ok and fix != "no verified fix"
    return f"{'✓ **Checked**' if checked else '**What I checked**'} — " + " · ".join(said)


Standing = Literal["declined", "withheld", "checked", "partly checked", "not checked"]


def standing(answer: Answer) -> Standing:
    """The badge in one word, for the instructor's insight view: 'checked' exactly when the badge
    says "Checked", 'partly checked' for "What I checked", 'not checked' when no badge was earned."""
    if answer.declined:
        return "declined"
    if answer.withheld:
        return "withheld"
    line = badge(answer)
    return "checked" if line.startswith("✓") else "partly checked" if line else "not checked"
