"""Word lists shared by the modules that compare texts by their words (claims, passage focus)."""

from __future__ import annotations

STOPWORDS = frozenset("a an the of to in on for and or is are be by with as it its this that which if at from "
                      "can will may than then into also any all".split())
"""Words that carry no content of their own: a claim or passage is compared by its other words."""

QUESTION_WORDS = frozenset("how do does i my me what why when where you your".split())
"""The words a learner's question is phrased with, which no passage answers: left out with the stop words."""
