"""Dense retrieval policy: several queries, a score floor, a prompt-token budget.

Not here: how vectors are stored (``store.py``) or made (``embedder.py``).
"""

from __future__ import annotations

import math
from typing import Protocol

from molly.retrieval.embedder import Embedder
from molly.retrieval.store import VectorStore
from molly.schemas import Chunk, Passage

CHARS_PER_TOKEN = 3.5  # Qwen's tokenizer on English docs text; code is a little denser


def estimate_tokens(text: str) -> int:
    """A cheap, slightly pessimistic token count for budgeting prompts."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


class Retriever(Protocol):
    """Finds the passages that ground an answer."""

    def retrieve(self, queries: list[str]) -> list[Passage]:
        """Passages for the queries (the first is the main one), best first, numbered from 1."""
        ...


class DenseRetriever:
    """Max-cosine over several queries, floor, top-k, then fit the passages into a token budget."""

    def __init__(self, store: VectorStore, embedder: Embedder, *, top_k: int = 4, candidate_k: int = 12,
                 score_floor: float = 0.3, token_budget: int = 600) -> None:
        if top_k <= 0:
            raise ValueError(f"top_k must be > 0, got {top_k}")
        self.store, self.embedder = store, embedder
        self.top_k, self.candidate_k = top_k, max(candidate_k, top_k)
        self.score_floor, self.token_budget = score_floor, token_budget

    def search(self, queries: list[str]) -> list[tuple[Chunk, float]]:
        """Candidates above the floor, each with its best score over the queries, best first."""
        queries = [q.strip() for q in queries if q and q.strip()]
        if not queries:
            return []
        vectors = self.embedder.embed(queries)
        best: dict[str, tuple[Chunk, float]] = {}
        for hits in self.store.search(vectors, self.candidate_k):
            for chunk, score in hits:
                if score >= self.score_floor and score > best.get(chunk.id, (chunk, -2.0))[1]:
                    best[chunk.id] = (chunk, score)
        return sorted(best.values(), key=lambda cs: (-cs[1], cs[0].id))

    def retrieve(self, queries: list[str]) -> list[Passage]:
        return fit_budget(self.search(queries)[: self.top_k], self.token_budget)


def fit_budget(ranked: list[tuple[Chunk, float]], budget: int, min_tail_tokens: int = 60) -> list[Passage]:
    """Number the passages in rank order until ``budget`` tokens are spent; the last one may be
    cut at a paragraph (or line) boundary if at least ``min_tail_tokens`` of room remain."""
    passages: list[Passage] = []
    left = budget
    for chunk, score in ranked:
        cost = estimate_tokens(chunk.title) + estimate_tokens(chunk.text) + 8
        if cost > left:
            if left < min_tail_tokens:
                break
            text = _truncate(chunk.text, int((left - estimate_tokens(chunk.title) - 8) * CHARS_PER_TOKEN))
            if not text:
                break
            chunk = chunk.model_copy(update={"text": text})
            cost = left
        passages.append(Passage(ref=len(passages) + 1, chunk=chunk, score=score))
        left -= cost
        if left < min_tail_tokens:
            break
    return passages


def _truncate(text: str, max_chars: int) -> str:
    if max_chars <= 0:
        return ""
    if len(text) <= max_chars:
        return text
    for sep in ("\n\n", "\n", ". "):
        cut = text.rfind(sep, 0, max_chars)
        if cut > max_chars // 3:
            return text[:cut].rstrip() + (" …" if sep != "\n\n" else "\n\n…")
    return text[:max_chars].rstrip() + " …"
