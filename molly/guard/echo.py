"""Degenerate drafts: the prompt's scaffolding echoed back and the request narrated.

The 1.5B model sometimes answers by copying its prompt: the question line, the "[2] Page > Section"
headers of the passages, "Documentation passages:", or "The learner is asking for …" (the
guidance's voice, not the tutor's), or advises the tutor ("To help the learner look at this line,
you could ask them ..."). None of it helps a learner: those lines go, and what is said of the
learner is said to them ("the learner's code" -> "your code", "the learner should" -> "you should"). Figures: in 54 answers read blind (eval/grades/intent_ab)
it fired on 5, all graded wrong; in 446 earlier stored answers, narration 7 times, always narration.
A draft that copies whole passages sentence by sentence is not caught here (not measured).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from molly.document import only_leads_in, segments, tidy_prose
from molly.schemas import Passage

# What the learner should do, said of them: said to them instead ("the learner should" -> "you should").
_ADVICE = r"(?:should|could|can|must|may|might|will|would|needs to|wants to|has to)"
# Narration of the request in the third person ("The learner is asking for ..."); the tutor speaks
# to the learner.
_NARRATION = re.compile(rf"^\W*(?:The|This) (?:learner|student|user)\b(?!'s)(?! {_ADVICE}\b)", re.I)
# Advice to the tutor about the learner, in the guidance's voice ("To help the learner look at this
# line, you could ask them to ..."). Written from 301 stored answers (half of 635 by hash); on the
# other half it removed 9 sentences, all such advice, and turned 4 "the learner should" into "you should".
_TO_TUTOR = re.compile(r"(?i)\bhelp the (?:learner|student)\b|\bMolly (?:could|can|should|would) ask\b")
_POSSESSIVE = re.compile(r"\b[Tt]he (?:learner|student)'s\b")
_ADVISED = re.compile(rf"\b[Tt]he (?:learner|student) (?={_ADVICE}\b)")
# Said of the learner, then said to them: the verb agrees with "you", and in that sentence "their
# code" and "they should" are the learner too.
_AGREE = ((re.compile(r"\b([Yy]ou) (need|want|ha)s to\b"), lambda m: f"{m.group(1)} {'have' if m.group(2) == 'ha' else m.group(2)} to"),
          (re.compile(r"\btheir (?=code|program|function|script|loop|list|variables?\b)"), lambda m: "your "),
          (re.compile(rf"\bthey (?={_ADVICE}\b)"), lambda m: "you "))


def _norm(text: str) -> str:
    return " ".join(re.sub(r"\[\d+\]|[*`_]", " ", text).lower().split())


def scaffolding(question: str, passages: list[Passage]) -> set[str]:
    """The prompt's own lines a draft may echo: passage headers, the passages heading, the question's
    first line (when it says something: four words or more)."""
    lines = {_norm(f"[{p.ref}] {p.chunk.label}") for p in passages} | {_norm(p.chunk.label) for p in passages}
    lines.add("documentation passages:")
    first = question.strip().splitlines()[0] if question.strip() else ""
    if len(first.split()) >= 4:
        lines.add(_norm(first))
    return lines


def _to_learner(sentence: str) -> str:
    """"The learner's code" as said to the learner: "Your code" (capitalised where it was)."""
    def said(word: str) -> Callable[[re.Match[str]], str]:
        return lambda m: word.capitalize() if m.group(0)[0].isupper() else word

    sentence = _POSSESSIVE.sub(said("your"), sentence)
    advised = _ADVISED.sub(said("you "), sentence)
    if advised == sentence:
        return sentence
    parts = re.split(r"(`[^`\n]*`)", advised)  # inline code is never reworded
    for agree, form in _AGREE:
        parts = [p if i % 2 else agree.sub(form, p) for i, p in enumerate(parts)]
    return "".join(parts)


def strip_echo(text: str, question: str, passages: list[Passage]) -> tuple[str, int]:
    """The draft without echoed scaffolding lines and narrating sentences, in the learner's voice;
    and how many pieces were removed."""
    echo, out, removed = scaffolding(question, passages), [], 0
    for is_sentence, piece in segments(text):
        if is_sentence and (_norm(piece) in echo or _NARRATION.search(piece) or _TO_TUTOR.search(piece)):
            removed += 1
            continue
        if is_sentence:
            piece = _to_learner(piece)
        out.append(piece)
    # A lead-in left last introduces nothing ("… consider the following question:" after its
    # question was removed; a held-out debugging answer ended so).
    while out and not out[-1].strip():
        out.pop()
    if out and only_leads_in(out[-1]) and not out[-1].lstrip().startswith("```"):
        out.pop()
        removed += 1
    return tidy_prose("".join(out)), removed
