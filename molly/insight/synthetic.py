"""A synthetic load for the insight view's tests and benchmark: a course's question log filled
with real learner messages (the labelled messages that ship in ``perceive/intents.jsonl``, from
CS1QA, CoNaLa and the Python FAQ), spread over weeks, with ratings, badges, a few declined
requests and debugging notes drawn at rates like a class's.

Not for production data: every value but the question text is drawn at random.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from importlib import resources
from typing import Literal

from molly.courses.db import CourseDB
from molly.schemas import Answer, BugNote, Citation, Claim, Intent, IntentKind

WEEK_S = 7 * 24 * 3600.0
FUNCTIONS = ("largest", "average", "count_vowels", "remove_duplicates", "is_leap", "top_k", "search")
VERDICTS: list[Literal["supported", "unchecked"]] = ["supported", "unchecked"]
BUG_KINDS = ("the comparison", "where the loop, slice or index stops or starts", "the starting value",
             "raises IndexError", "raises TypeError", "gives a wrong result", "never finishes")


def messages() -> list[tuple[str, str]]:
    """(text, intent kind) of the labelled learner messages that ship with Molly."""
    text = resources.files("molly.perceive").joinpath("intents.jsonl").read_text(encoding="utf-8")
    return [(r["text"], r["label"]) for r in map(json.loads, text.splitlines()) if r.get("text")]


def seed(db: CourseDB, course: str, n: int, *, start: float, weeks: int = 12, learners: int = 200,
         cite: Callable[[str], list[Citation]] | None = None, rng_seed: int = 0) -> list[int]:
    """Log ``n`` questions in ``course`` asked over ``weeks`` weeks from ``start`` (Unix time);
    ``cite(question)`` gives each answer's citations. Returns the question ids."""
    rng = random.Random(rng_seed)
    pool = messages()
    db.ensure_course(course)
    ids = []
    for _ in range(n):
        text, kind = rng.choice(pool)
        declined = rng.choices(["", "harmful", "jailbreak", "extraction"], [0.97, 0.015, 0.01, 0.005])[0]
        withheld = not declined and rng.random() < 0.05
        bug = (BugNote(function=rng.choice(FUNCTIONS), failing=rng.randint(1, 3), kind=rng.choice(BUG_KINDS),
                       fixed=rng.random() < 0.4) if kind in ("error", "code_review") and rng.random() < 0.5 else None)
        # Two sentences, each matched to the docs or judged by the model: the badge then reads
        # "Checked" (both matched), "What I checked" or nothing, as real answers do.
        claims = [] if declined or withheld else [
            Claim(text=f"sentence {i}", verdict=v, by="words" if v == "supported" else "")
            for i, v in enumerate(rng.choices(VERDICTS, [0.75, 0.25], k=2))]
        if kind == "off_topic":
            claims = []
        answer = Answer(text="(synthetic)", intent=Intent(kind=IntentKind.OFF_TOPIC if declined else IntentKind(kind)),
                        citations=[] if declined else (cite(text) if cite else []), withheld=withheld,
                        declined=declined, bug=bug, claims=claims)
        qid = db.log_question(course, text, answer, learner=f"student{rng.randrange(learners):03d}",
                              asked_at=start + rng.random() * weeks * WEEK_S)
        rating = rng.choices([None, 1, -1], [0.6, 0.3, 0.1])[0]
        if rating is not None:
            db.feedback(qid, rating, "too long" if rating == -1 and rng.random() < 0.3 else "")
        ids.append(qid)
    return ids
