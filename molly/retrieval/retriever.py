"""Retrieval policy: several queries, dense (+ BM25) ranking, a score floor, a prompt-token budget.

Not here: how vectors are stored (``store.py``) or made (``embedder.py``).
"""

from __future__ import annotations

from typing import Literal, Protocol

import numpy as np

from molly.perceive.tracebacks import read_traceback
from molly.retrieval.embedder import Embedder
from molly.retrieval.inventory import Inventory
from molly.retrieval.lexical import KEYWORD_GAP, RRF_K, rrf
from molly.retrieval.passages import DOCS, fit_budget
from molly.retrieval.store import VectorStore
from molly.schemas import Chunk, Passage


class CourseViews(Protocol):
    """Where course material comes from: a store per course holding what learners may see."""

    def view(self, course: str, audience: Literal["learner", "instructor"]) -> VectorStore:
        """The course's store for ``audience`` ('learner' never holds instructor-only chunks)."""
        ...

MAX_PINNED = 2  # docs entries a traceback may pin: its exception and the first call that resolves


class Retriever(Protocol):
    """Finds the passages that ground an answer."""

    def retrieve(self, queries: list[str], exclude: tuple[str, ...] = (), course: str | None = None) -> list[Passage]:
        """Passages for the queries (the first is the main one), best first, numbered from 1,
        from the Python docs plus ``course``'s learner material; pages whose path starts with a
        prefix in ``exclude`` are never returned."""
        ...


class DenseRetriever:
    """Several queries scored together, a floor, a cap per page, then a token budget.

    Each candidate (from any query's nearest neighbours) is scored by its weighted mean cosine
    over all the queries, the first (the learner's own question) counting double: a passage
    must fit the question and the perceived knowledge points, not just one narrow facet.
    At most ``per_page`` passages come from one page, so one API page cannot crowd out the rest.

    With ``hybrid``, each store's BM25 ranking for the queries (``lexical.py``) adds its top
    chunks to the pool and the order becomes the reciprocal rank fusion of the dense ranking and
    the keyword ranking; every passage still has to clear the cosine floor, and a keyword-only hit
    must also come within ``keyword_gap`` of the best dense hit's cosine.

    When the question carries a traceback or an exception line and an ``inventory`` is given,
    the docs entries it names (the exception, then the functions called on the failing line) are
    pinned first, at most ``MAX_PINNED``, before the dense results (``inventory.py``).

    With a ``course``, the course's learner store is searched beside the docs and its passages
    get ``course_boost`` added (the instructor's own words fit the class better than the
    reference manual). Isolation is enforced here, twice: only the learner view of that one
    course is searched, and any chunk from another source or marked instructor-only is dropped.
    """

    def __init__(self, store: VectorStore, embedder: Embedder, *, top_k: int = 4, candidate_k: int = 12,
                 score_floor: float = 0.3, token_budget: int = 600, max_passage_tokens: int | None = None,
                 per_page: int = 2,
                 courses: CourseViews | None = None, course_boost: float = 0.05,
                 inventory: Inventory | None = None, aliases: dict[str, str] | None = None,
                 hybrid: bool = False, keyword_depth: int = 10, keyword_weight: float = 0.5,
                 rrf_k: int = RRF_K, keyword_gap: float = KEYWORD_GAP) -> None:
        if top_k <= 0:
            raise ValueError(f"top_k must be > 0, got {top_k}")
        self.store, self.embedder, self.courses = store, embedder, courses
        self.top_k, self.candidate_k = top_k, max(candidate_k, top_k)
        self.score_floor, self.token_budget, self.per_page = score_floor, token_budget, per_page
        self.max_passage_tokens = max_passage_tokens
        self.course_boost = course_boost
        self.inventory, self.aliases = inventory, aliases or {}
        self.hybrid, self.keyword_depth, self.keyword_weight, self.rrf_k = hybrid, keyword_depth, keyword_weight, rrf_k
        self.keyword_gap = keyword_gap

    def search(self, queries: list[str], exclude: tuple[str, ...] = (), pool: int = 0,
               course: str | None = None) -> list[tuple[Chunk, float]]:
        """Candidates above the floor with their combined cosine, best first (no page cap).
        ``pool`` widens the nearest-neighbour pool per query (default ``candidate_k``)."""
        queries = list(dict.fromkeys(q.strip() for q in queries if q and q.strip()))
        if not queries:
            return []
        vectors = self.embedder.embed(queries)
        # Over-fetch when excluding, so the excluded pages do not eat the candidate pool.
        k = max(pool, self.candidate_k) * (3 if exclude else 1)
        stores = [(self.store, 0.0)]
        if course is not None:
            if self.courses is None:
                raise ValueError("this retriever has no course materials")
            stores.append((self.courses.view(course, "learner"), self.course_boost))
        weights = np.array([2.0] + [1.0] * (len(queries) - 1), dtype=np.float32)
        scored: list[tuple[Chunk, float]] = []
        keyword_rankings: list[list[str]] = []
        for store, boost in stores:
            def keep(c: Chunk) -> bool:
                return not c.page.startswith(exclude) and _allowed(c, course)

            candidates = {c.id: c for hits in store.search(vectors, k) for c, _ in hits if keep(c)}
            dense_ids = set(candidates)
            if self.hybrid:
                # Keyword hits join the pool with their own cosine, so the floor judges them too.
                keyword = store.lexical.top(" ".join(queries), self.keyword_depth, keep)
                keyword_rankings.append([c.id for c in keyword])
                candidates.update((c.id, c) for c in keyword)
            ids = list(candidates)
            scores = store.similarity(vectors, ids) @ weights / weights.sum() + boost
            pairs = list(zip(ids, scores.tolist(), strict=True))
            best = max((s for i, s in pairs if i in dense_ids), default=None)
            if best is not None:
                pairs = [(i, s) for i, s in pairs if i in dense_ids or s >= best - self.keyword_gap]
            scored += [(candidates[i], s) for i, s in pairs]
        scored.sort(key=lambda x: (-x[1], x[0].id))
        scored = [(c, s) for c, s in scored if s >= self.score_floor]
        if self.hybrid:
            fused = rrf([[c.id for c, _ in scored], *keyword_rankings],
                        [1.0] + [self.keyword_weight] * len(keyword_rankings), self.rrf_k)
            scored.sort(key=lambda x: (-fused[x[0].id], x[0].id))
        pinned = self.pinned(queries, exclude)
        if pinned:
            sims = self.store.similarity(vectors, pinned) @ weights / weights.sum()
            return [(self.store.get(i), float(s)) for i, s in zip(pinned, sims.tolist(), strict=True)] + [
                (c, s) for c, s in scored if c.id not in pinned]
        return scored

    def pinned(self, queries: list[str], exclude: tuple[str, ...] = ()) -> list[str]:
        """Ids of the docs chunks named by the first traceback among ``queries`` (see ``inventory.py``)."""
        if self.inventory is None:
            return []
        facts = next((f for f in map(read_traceback, queries) if f is not None), None)
        if facts is None:
            return []
        ids = []
        for url in self.inventory.anchors(facts):
            chunk_id = url if self.store.has(url) else self.aliases.get(url)
            if chunk_id and self.store.has(chunk_id) and not chunk_id.startswith(exclude) and chunk_id not in ids:
                ids.append(chunk_id)
        return ids[:MAX_PINNED]

    def rank(self, queries: list[str], k: int, exclude: tuple[str, ...] = (),
             course: str | None = None) -> list[tuple[Chunk, float]]:
        """The top ``k`` after the floor and the per-page cap: the ranking ``retrieve`` draws from
        (evaluation scores hit@k and MRR on it)."""
        chosen: list[tuple[Chunk, float]] = []
        per_page: dict[tuple[str, str], int] = {}
        for chunk, score in self.search(queries, exclude, pool=3 * k, course=course):
            page = (chunk.source, chunk.page)
            if per_page.get(page, 0) < self.per_page:
                per_page[page] = per_page.get(page, 0) + 1
                chosen.append((chunk, score))
            if len(chosen) == k:
                break
        return chosen

    def retrieve(self, queries: list[str], exclude: tuple[str, ...] = (), course: str | None = None) -> list[Passage]:
        return fit_budget(self.rank(queries, self.top_k, exclude, course), self.token_budget,
                          max_passage_tokens=self.max_passage_tokens, focus=" ".join(queries))


def _allowed(chunk: Chunk, course: str | None) -> bool:
    """What a learner may be shown: the docs, and learner material of their own course."""
    return chunk.visibility == "learner" and chunk.source in (DOCS, course)
