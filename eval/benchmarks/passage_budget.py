"""Benchmark (not a test): how the passage budget and the per-passage cut change what the draft reads.

For every dev question with gold URLs (FAQ, CoNaLa, CS1QA dev splits), it retrieves the passages
the draft would get under each (budget, per-passage cut) setting and prints, side by side: how
often a gold page is among them, passages per question, and estimated prompt tokens. No LLM.

Usage: ``python eval/benchmarks/passage_budget.py [--out eval/benchmarks/results/passage_budget.json]``
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from molly.config import Settings
from molly.evaluation.datasets import load_dataset
from molly.factory import build_retriever
from molly.retrieval.passages import passage_cost

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ("faq_dev.jsonl", "conala_dev.jsonl", "cs1qa_dev.jsonl")
SETTINGS = [(600, None), (400, None), (400, 130), (350, 130), (350, 110), (300, 110), (300, 90)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "eval/benchmarks/results/passage_budget.json")
    args = parser.parse_args()
    retriever = build_retriever(Settings(), with_courses=False)
    items = [i for name in DATASETS for i in load_dataset(ROOT / "eval/datasets" / name)[0] if i.gold_urls]
    rows = []
    for budget, cut in SETTINGS:
        retriever.token_budget, retriever.max_passage_tokens = budget, cut
        hits = passages = tokens = 0
        for item in items:
            used = retriever.retrieve([item.question], tuple(item.exclude_sources))
            gold = {u.split("#", 1)[0] for u in item.gold_urls}
            hits += any(p.chunk.page in gold for p in used)
            passages += len(used)
            tokens += sum(passage_cost(p.chunk) for p in used)
        n = len(items)
        rows.append({"budget": budget, "passage_cut": cut, "gold_page_in_passages": round(hits / n, 3),
                     "passages_per_question": round(passages / n, 2), "passage_tokens_mean": round(tokens / n)})
        print(f"budget {budget:4d} cut {cut or '-':>4} | gold page in passages {hits / n:.3f} | "
              f"passages {passages / n:.2f} | ~{tokens / n:.0f} tokens   (n={n})", flush=True)
    args.out.write_text(json.dumps({"questions": len(items), "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
