"""Retrieval metrics against gold docs anchors, per question and aggregated.

A retrieved chunk hits a gold ``page.html#anchor`` at anchor level when it is the chunk that
holds that anchor (its own anchor, or an alias from ``anchors.json`` such as a ``<span id>``
inside it); at page level when it is on the gold page. Ranks are 1-based; ``mrr@k`` counts the
first hit within the top k. Not here: running the pipeline, LLM-judged metrics.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from molly.schemas import Chunk

KS = (1, 5, 10)


def base_id(chunk_id: str) -> str:
    """The chunk id without its ``~n`` part suffix."""
    return chunk_id.split("~", 1)[0]


def gold_chunk_ids(gold_urls: Sequence[str], aliases: dict[str, str]) -> set[str]:
    """The chunk ids that hold the gold anchors."""
    return {base_id(aliases.get(url, url)) for url in gold_urls}


def first_hit_rank(retrieved: Sequence[str], gold: set[str]) -> int | None:
    """1-based rank of the first retrieved key in ``gold``, or None."""
    for rank, key in enumerate(retrieved, 1):
        if key in gold:
            return rank
    return None


def retrieval_scores(ranked: Sequence[Chunk], gold_urls: Sequence[str], aliases: dict[str, str]) -> dict[str, float]:
    """hit@1/5/10 and mrr@10 at anchor and page level for one question."""
    anchor_rank = first_hit_rank([base_id(c.id) for c in ranked], gold_chunk_ids(gold_urls, aliases))
    page_rank = first_hit_rank([c.page for c in ranked], {u.split("#", 1)[0] for u in gold_urls})
    scores: dict[str, float] = {}
    for level, rank in (("anchor", anchor_rank), ("page", page_rank)):
        for k in KS:
            scores[f"{level}_hit@{k}"] = float(rank is not None and rank <= k)
        scores[f"{level}_mrr@10"] = 1.0 / rank if rank is not None and rank <= 10 else 0.0
    return scores


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..1) of ``values``; 0.0 when empty."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def aggregate(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    """Mean of each metric over the rows that have it, plus ``<metric>_n`` counts."""
    names = sorted({k for r in rows for k in r})
    out: dict[str, float] = {}
    for name in names:
        values = [r[name] for r in rows if name in r]
        out[name] = statistics.fmean(values) if values else 0.0
        out[f"{name}_n"] = float(len(values))
    return out
