"""BM25 keyword ranking over chunks (bm25s), and reciprocal rank fusion with dense rankings.

Dense embeddings miss exact names (``removeprefix``, ``TypeError``, ``__slots__``) that a learner
types and the docs title carries; BM25 matches them. The index is built in memory from the
chunks' titles and texts (~1 s for the docs' 14k chunks on one core), so nothing new is stored
on disk. The only place bm25s is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from molly.schemas import Chunk

RRF_K = 10  # Cormack et al. (2009) use 60; 10 won on CoNaLa train (eval/benchmarks/hybrid_tune.py)
# A keyword-only hit whose cosine is this far below the best dense hit's is left out: "How do I read
# a file line by line?" got argparse's convert_arg_line_to_args (cosine 0.40 vs 0.70) as a passage
# on its words alone. 0.1-0.3 were level on CoNaLa train (page hit@5 0.562-0.570 of 400); 0.25, taken
# first, still let in pickle's TextReader example (0.433 vs 0.679), which the model then showed as
# the way to read a file. 0.2 drops it and changes 3 of 238 dev questions' top 4, no gold page lost.
KEYWORD_GAP = 0.2
# Not measured: hybrid_tune.py never varies it (docs/heuristics-audit.md).
TITLE_REPEAT = 3


def _bm25s():
    import logging

    import bm25s

    # bm25s sets its own logger to DEBUG, so "Building index from tokens" would reach the console.
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def _tokens(texts: list[str]) -> list[list[str]]:
    bm25s = _bm25s()

    return bm25s.tokenize(texts, stopwords="en", return_ids=False, show_progress=False)


class LexicalIndex:
    """BM25 over a fixed list of chunks; ``top`` returns the best chunks for a query."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        bm25s = _bm25s()
        self.chunks = list(chunks)
        self._bm25 = bm25s.BM25()
        if self.chunks:
            # The title repeated: titles hold the API names a learner types (the count is not measured).
            self._bm25.index(_tokens([f"{c.title}\n" * TITLE_REPEAT + c.text for c in self.chunks]), show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk (0 where no query word occurs)."""
        if not self.chunks:
            return np.zeros(0, dtype=np.float32)
        words = _tokens([query])[0]
        known = [w for w in words if w in self._bm25.vocab_dict]
        if not known:
            return np.zeros(len(self.chunks), dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def top(self, query: str, k: int, keep: Callable[[Chunk], bool] = lambda c: True) -> list[Chunk]:
        """Up to ``k`` chunks with a positive score that ``keep`` accepts, best first."""
        scores = self.scores(query)
        out: list[Chunk] = []
        for i in np.argsort(-scores, kind="stable"):
            if scores[i] <= 0 or len(out) == k:
                break
            if keep(self.chunks[i]):
                out.append(self.chunks[i])
        return out


def rrf(rankings: Sequence[Sequence[str]], weights: Sequence[float] | None = None, k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion: each id scores the sum of ``weight / (k + rank)`` over the
    rankings it appears in (ranks from 1; weights default to 1)."""
    fused: dict[str, float] = {}
    for i, ranking in enumerate(rankings):
        w = 1.0 if weights is None else weights[i]
        for rank, key in enumerate(ranking, 1):
            fused[key] = fused.get(key, 0.0) + w / (k + rank)
    return fused
