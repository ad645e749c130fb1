"""Tune hybrid retrieval (BM25 + dense, reciprocal rank fusion) on CoNaLa *train*, not on the dev sets.

    .venv/bin/python eval/benchmarks/hybrid_tune.py [--limit 400]

Prints anchor/page hit@5 and MRR@10 for dense alone, for each (keyword depth, keyword weight,
RRF k) variant and for each keyword gap, with retrieval latency, all in one run on the same questions. The chosen defaults
are then checked on FAQ dev and CoNaLa dev with ``molly eval --retrieval-only`` (README, Results).
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import time
from pathlib import Path

from molly.config import Settings
from molly.evaluation.datasets import load_dataset
from molly.evaluation.metrics import aggregate, percentile, retrieval_scores
from molly.factory import build_retriever
from molly.retrieval.store import load_aliases

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=400)
    ap.add_argument("--out", type=Path, default=ROOT / "eval" / "benchmarks" / "results" / "hybrid_tune.json")
    args = ap.parse_args()
    settings = Settings()
    retriever = build_retriever(settings, with_courses=False)
    aliases = load_aliases(settings.kb_dir)
    items = [i for i in load_dataset(ROOT / "eval" / "datasets" / "conala_train.jsonl")[0] if i.gold_urls][: args.limit]
    _ = retriever.store.lexical
    variants: list[tuple[str, dict[str, float | int | bool]]] = [("dense", {"hybrid": False})]
    for depth, weight, k in itertools.product((10, 20, 40), (0.5, 1.0), (10, 60)):
        variants.append((f"hybrid depth={depth} weight={weight} k={k}",
                         {"hybrid": True, "keyword_depth": depth, "keyword_weight": weight, "rrf_k": k}))
    # Then the chosen fusion with each cut for keyword-only hits far below the best dense cosine
    # (2.0: none). The variants above all use the shipped KEYWORD_GAP.
    for gap in (2.0, 0.3, 0.25, 0.2, 0.15, 0.1):
        variants.append((f"hybrid depth=10 weight=0.5 k=10 gap={gap}", {
            "hybrid": True, "keyword_depth": 10, "keyword_weight": 0.5, "rrf_k": 10, "keyword_gap": gap}))
    results = []
    for name, params in variants:
        for attr, value in params.items():
            setattr(retriever, attr, value)
        rows, latencies = [], []
        for item in items:
            start = time.perf_counter()
            ranked = [c for c, _ in retriever.rank([item.question], 10, tuple(item.exclude_sources))]
            latencies.append(time.perf_counter() - start)
            rows.append(retrieval_scores(ranked, item.gold_urls, aliases))
        m = aggregate(rows)
        result = {"variant": name, **{k: round(m[k], 3) for k in ("anchor_hit@5", "anchor_mrr@10", "page_hit@5", "page_mrr@10")},
                  "latency_p50_ms": round(1000 * statistics.median(latencies), 1),
                  "latency_p95_ms": round(1000 * percentile(latencies, 0.95), 1)}
        results.append(result)
        print(json.dumps(result), flush=True)
    args.out.write_text(json.dumps({"dataset": "conala_train", "questions": len(items), "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
