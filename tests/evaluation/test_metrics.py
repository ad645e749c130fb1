"""Retrieval metrics on hand-computed cases."""

from __future__ import annotations

import pytest

from molly.evaluation.metrics import aggregate, first_hit_rank, gold_chunk_ids, retrieval_scores
from molly.schemas import Chunk


def chunk(cid: str) -> Chunk:
    page, _, anchor = cid.partition("#")
    return Chunk(id=cid, source="pydocs", page=page, anchor=anchor.split("~")[0], title="t", text="x")


RANKED = [chunk("a.html#x"), chunk("b.html#y~1"), chunk("b.html#z"), chunk("c.html#w")]


def test_first_hit_rank() -> None:
    assert first_hit_rank(["a", "b", "c"], {"c", "b"}) == 2
    assert first_hit_rank(["a"], {"z"}) is None


def test_anchor_and_page_levels() -> None:
    s = retrieval_scores(RANKED, ["b.html#z"], {})
    assert s["anchor_hit@1"] == 0.0 and s["anchor_hit@5"] == 1.0 and s["anchor_mrr@10"] == pytest.approx(1 / 3)
    assert s["page_hit@1"] == 0.0 and s["page_mrr@10"] == pytest.approx(1 / 2)  # b.html first seen at rank 2


def test_split_chunks_and_aliases_resolve_to_their_chunk() -> None:
    assert retrieval_scores(RANKED, ["b.html#y"], {})["anchor_mrr@10"] == pytest.approx(1 / 2)  # "~1" part
    aliases = {"a.html#tut-alias": "a.html#x"}
    assert gold_chunk_ids(["a.html#tut-alias"], aliases) == {"a.html#x"}
    assert retrieval_scores(RANKED, ["a.html#tut-alias"], aliases)["anchor_hit@1"] == 1.0


def test_miss_and_rank_beyond_ten() -> None:
    ranked = [chunk(f"p{i}.html#a") for i in range(12)]
    s = retrieval_scores(ranked, ["p10.html#a"], {})
    assert s["anchor_hit@10"] == 0.0 and s["anchor_mrr@10"] == 0.0


def test_aggregate_counts_only_rows_with_the_metric() -> None:
    agg = aggregate([{"m": 1.0, "x": 2.0}, {"m": 0.0}])
    assert agg == {"m": 0.5, "m_n": 2.0, "x": 2.0, "x_n": 1.0}
