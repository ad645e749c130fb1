"""BM25 keyword ranking and its reciprocal rank fusion with the dense ranking."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from molly.retrieval.lexical import LexicalIndex, rrf
from molly.retrieval.retriever import DenseRetriever
from molly.retrieval.store import VectorStore, load_corpus
from tests.conftest import SMALL_CORPUS


class FlatEmbedder:
    """Every text gets the same vector, so every cosine is 1.0 and dense order falls back to ids:
    whatever moves a chunk up in hybrid mode is the keyword ranking."""

    name, dim = "flat-8", 8

    def embed(self, texts: list[str], progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        return np.full((len(texts), self.dim), 1 / np.sqrt(self.dim), dtype=np.float32)


@pytest.fixture
def flat_store(small_kb: Path) -> VectorStore:
    chunks, digest = load_corpus(small_kb)
    return VectorStore.build(chunks, digest, FlatEmbedder(), small_kb / "flat-index")


def test_rrf_sums_weighted_reciprocal_ranks() -> None:
    fused = rrf([["a", "b", "c"], ["c", "a"]], weights=[1.0, 0.5], k=10)
    assert fused["a"] == pytest.approx(1 / 11 + 0.5 / 12)
    assert fused["b"] == pytest.approx(1 / 12)
    assert fused["c"] == pytest.approx(1 / 13 + 0.5 / 11)
    assert rrf([]) == {}


def test_bm25_finds_exact_words_and_respects_the_filter() -> None:
    index = LexicalIndex(SMALL_CORPUS)
    assert [c.id for c in index.top("Are tuples immutable?", 2)][0] == "tutorial/datastructures.html#tuples-and-sequences"
    assert index.top("subscript out of range", 5, keep=lambda c: "exceptions" not in c.page) == []
    assert index.top("zebra saxophone", 5) == []  # no shared word: nothing, rather than noise
    assert index.scores("zebra").tolist() == [0.0] * len(SMALL_CORPUS)
    assert LexicalIndex([]).top("tuples", 3) == []


def test_hybrid_lifts_the_keyword_match_that_dense_ranking_missed(flat_store: VectorStore) -> None:
    dense = DenseRetriever(flat_store, FlatEmbedder(), top_k=4, score_floor=0.0)
    hybrid = DenseRetriever(flat_store, FlatEmbedder(), top_k=4, score_floor=0.0, hybrid=True)
    question = ["Are tuples immutable?"]
    assert dense.rank(question, 4)[0][0].id == "library/exceptions.html#IndexError"  # ties: id order
    top = hybrid.rank(question, 4)
    assert top[0][0].id == "tutorial/datastructures.html#tuples-and-sequences"
    assert top[0][1] == pytest.approx(1.0)  # the score shown stays the cosine


def test_hybrid_keeps_the_floor_and_the_exclusions(flat_store: VectorStore) -> None:
    above = DenseRetriever(flat_store, FlatEmbedder(), top_k=4, score_floor=1.01, hybrid=True)
    assert above.retrieve(["Are tuples immutable?"]) == []  # a keyword hit never skips the floor
    hybrid = DenseRetriever(flat_store, FlatEmbedder(), top_k=4, score_floor=0.0, hybrid=True)
    ranked = hybrid.rank(["Are tuples immutable?"], 4, exclude=("tutorial/",))
    assert ranked and all(not c.page.startswith("tutorial/") for c, _ in ranked)


def test_the_store_builds_its_keyword_index_once(flat_store: VectorStore) -> None:
    assert flat_store.lexical is flat_store.lexical
    assert flat_store.get("library/functions.html#open").anchor == "open"


class FileEmbedder:
    """Texts that mention a file share one vector, the rest another at cosine 0.5 to it."""

    name, dim = "file-2", 2

    def embed(self, texts: list[str], progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        other = np.array([0.5, np.sqrt(0.75)], dtype=np.float32)
        return np.stack([np.array([1.0, 0.0], dtype=np.float32) if "file" in t.lower() else other for t in texts])


def test_a_keyword_only_hit_far_below_the_best_dense_hit_is_left_out(small_kb: Path) -> None:
    chunks, digest = load_corpus(small_kb)
    store = VectorStore.build(chunks, digest, FileEmbedder(), small_kb / "file-index")
    question = ["Which file gives a subscript error?"]  # "subscript" is only in IndexError's text
    near = DenseRetriever(store, FileEmbedder(), top_k=2, candidate_k=2, score_floor=0.0, hybrid=True)
    found = {c.id for c, _ in near.search(question)}
    assert found == {"tutorial/inputoutput.html#methods-of-file-objects", "library/functions.html#open"}
    lenient = DenseRetriever(store, FileEmbedder(), top_k=2, candidate_k=2, score_floor=0.0, hybrid=True,
                             keyword_gap=0.6)  # 0.5 below the best: within this gap
    assert "library/exceptions.html#IndexError" in {c.id for c, _ in lenient.search(question)}
