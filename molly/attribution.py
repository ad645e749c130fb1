"""Post-hoc citation: attach ``[n]`` to prose sentences that name no source but clearly come from one.

Small models often answer correctly from the passages yet forget to cite. Each uncited sentence
is embedded and compared with the passages; if its best passage is similar enough, that
passage's number is appended. Citations the model wrote are never changed or removed here, and
a sentence that matches no passage stays uncited (reflection then judges it). Not here: judging
whether a cited passage supports its sentence.
"""

from __future__ import annotations

import re

import numpy as np

from molly.reflection import has_citation, segments
from molly.retrieval.embedder import Embedder
from molly.schemas import Passage

MIN_WORDS = 5


def attribute(text: str, passages: list[Passage], embedder: Embedder, threshold: float = 0.55) -> tuple[str, int]:
    """The text with citations added to uncited sentences, and how many were added."""
    if not passages:
        return text, 0
    segs = segments(text)
    todo = [i for i, (is_s, piece) in enumerate(segs)
            if is_s and not has_citation(piece) and len(piece.split()) >= MIN_WORDS and not piece.rstrip().endswith(":")]
    if not todo:
        return text, 0
    vecs = embedder.embed([segs[i][1] for i in todo] + [p.chunk.embedding_text() for p in passages])
    sims = vecs[: len(todo)] @ vecs[len(todo):].T
    added = 0
    for row, i in enumerate(todo):
        best = int(np.argmax(sims[row]))
        if sims[row, best] >= threshold:
            piece = segs[i][1]
            m = re.search(r"([.!?]?)(\s*)$", piece)
            end = m.start() if m else len(piece)
            segs[i] = (True, f"{piece[:end]} [{passages[best].ref}]{piece[end:]}")
            added += 1
    return "".join(p for _, p in segs), added
