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

# Qwen's tokenizer on 2,000 shipped docs chunks: 4.44 chars/token (prose 4.71, code 3.46;
# eval/benchmarks/chars_per_token.py), so estimates run ~25 % high; the budgets were tuned in these units.
CHARS_PER_TOKEN = 3.5


def estimate_tokens(text: str) -> int:
    """A cheap, slightly pessimistic token count for budgeting prompts."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)
