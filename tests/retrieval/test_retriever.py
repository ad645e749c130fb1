"""Retrieval policy: score floor, several queries, token budget."""

from __future__ import annotations

from molly.retrieval.embedder import HashEmbedder
from molly.retrieval.retriever import DenseRetriever, estimate_tokens, fit_budget
from molly.retrieval.store import VectorStore
from tests.conftest import SMALL_CORPUS


def test_relevant_passage_ranks_first_and_is_numbered(hash_retriever: DenseRetriever) -> None:
    passages = hash_retriever.retrieve(["IndexError: list index out of range"])
    assert passages[0].chunk.id == "library/exceptions.html#IndexError"
    assert [p.ref for p in passages] == list(range(1, len(passages) + 1))


def test_score_floor_keeps_irrelevant_passages_out(hash_store: VectorStore) -> None:
    strict = DenseRetriever(hash_store, HashEmbedder(), top_k=3, score_floor=0.9)
    assert strict.retrieve(["zebra giraffe saxophone"]) == []
    assert strict.retrieve(["", "   "]) == []


def test_several_queries_merge_by_best_score(hash_retriever: DenseRetriever) -> None:
    one = {c.id for c, _ in hash_retriever.search(["tuples immutable"])}
    both = {c.id for c, _ in hash_retriever.search(["tuples immutable", "open file object"])}
    assert "library/functions.html#open" in both - one or "library/functions.html#open" in one


def test_budget_is_respected_and_last_passage_trimmed() -> None:
    long = SMALL_CORPUS[0].model_copy(update={"text": "A sentence about files. " * 200})
    ranked = [(SMALL_CORPUS[1], 0.9), (long, 0.8), (SMALL_CORPUS[2], 0.7)]
    passages = fit_budget(ranked, budget=200)
    used = sum(estimate_tokens(p.chunk.title) + estimate_tokens(p.chunk.text) + 8 for p in passages)
    assert used <= 200 + 2
    assert passages[1].chunk.text.endswith("…") and len(passages) == 2


def test_passages_cut_to_their_opening_let_more_of_them_share_the_budget() -> None:
    long = SMALL_CORPUS[0].model_copy(update={"text": "A sentence about files. " * 200})
    ranked = [(long, 0.9), (SMALL_CORPUS[1], 0.8), (SMALL_CORPUS[2], 0.7)]
    assert [p.chunk.id for p in fit_budget(ranked, budget=200)] == [long.id]  # the long one eats it all
    passages = fit_budget(ranked, budget=200, max_passage_tokens=60)
    assert [p.chunk.id for p in passages] == [long.id, SMALL_CORPUS[1].id, SMALL_CORPUS[2].id]
    assert passages[0].chunk.text.startswith("A sentence about files.") and passages[0].chunk.text.endswith("…")
    assert estimate_tokens(passages[0].chunk.title) + estimate_tokens(passages[0].chunk.text) + 8 <= 60 + 2
    assert passages[1].chunk == SMALL_CORPUS[1]  # short passages are left whole
