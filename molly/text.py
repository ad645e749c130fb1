"""Text measures shared across stages: stop-word lists (claims, passage focus) and a token estimate
(passage budget, prompt size). A leaf: imports nothing from molly."""

from __future__ import annotations

import math

# A hand list; not measured against a maintained one (docs/heuristics-audit.md).
STOPWORDS = frozenset("a an the of to in on for and or is are be by with as it its this that which if at from "
                      "can will may than then into also any all".split())
"""Words that carry no content of their own: a claim or passage is compared by its other words."""

QUESTION_WORDS = frozenset("how do does i my me what why when where you your".split())
"""The words a learner's question is phrased with, which no passage answers: left out with the stop words."""

CHARS_PER_TOKEN = 3.5  # Qwen's tokenizer on English docs text; code is a little denser


def estimate_tokens(text: str) -> int:
    """A cheap, slightly pessimistic token count for budgeting prompts."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)
