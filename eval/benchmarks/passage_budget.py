"""Benchmark (not a test): how the passage budget and the per-passage cut change what the draft reads.

For every dev question (FAQ, CoNaLa, CS1QA dev splits), it retrieves the passages the draft would
get under each (budget, per-passage cut, focused cut) setting and prints, side by side: how often
a gold page is among them and how often the passages name a gold entry (``str.split``: the word
``split``; questions with gold URLs), the share of the reference answer's words that the passages
contain (FAQ questions), passages per question, and estimated prompt tokens.
"Focused" keeps the paragraphs with most of the question's words (``retrieval/excerpt.py``)
instead of each passage's opening. No LLM.

Usage: ``python eval/benchmarks/passage_budget.py [--out eval/benchmarks/results/passage_budget.json]``
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from molly.config import Settings
from molly.evaluation.datasets import load_dataset
from molly.factory import build_retriever
from molly.retrieval.excerpt import focus_words
from molly.retrieval.retriever import passage_cost

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ("faq_dev.jsonl", "conala_dev.jsonl", "cs1qa_dev.jsonl")
SETTINGS = [(600, None, False), (400, 130, False), (350, 110, False), (350, 110, True), (350, 130, True),
            (300, 110, True)]


def _words(text: str) -> set[str]:
    return set(focus_words([text]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "eval/benchmarks/results/passage_budget.json")
    args = parser.parse_args()
    retriever = build_retriever(Settings(), with_courses=False)
    items = [i for name in DATASETS for i in load_dataset(ROOT / "eval/datasets" / name)[0]]
    refs = [_words(i.reference_answer or "") for i in items]
    rows = []
    for budget, cut, focus in SETTINGS:
        retriever.token_budget, retriever.max_passage_tokens, retriever.focus_cut = budget, cut, focus
        hits = named = gold_n = passages = tokens = 0
        recall: list[float] = []
        for item, ref in zip(items, refs, strict=True):
            used = retriever.retrieve([item.question], tuple(item.exclude_sources))
            shown = _words(" ".join(f"{p.chunk.label}\n{p.chunk.text}" for p in used))
            if item.gold_urls:
                gold_n += 1
                hits += any(p.chunk.page in {u.split("#", 1)[0] for u in item.gold_urls} for p in used)
                named += any(_words(u.rsplit("#", 1)[-1].rsplit(".", 1)[-1]) <= shown for u in item.gold_urls if "#" in u)
            if ref:
                recall.append(len(ref & shown) / len(ref))
            passages += len(used)
            tokens += sum(passage_cost(p.chunk) for p in used)
        n = len(items)
        row = {"budget": budget, "passage_cut": cut, "focused": focus, "gold_page_in_passages": round(hits / gold_n, 3),
               "gold_name_in_passages": round(named / gold_n, 3),
               "reference_words_in_passages": round(sum(recall) / len(recall), 3),
               "passages_per_question": round(passages / n, 2), "passage_tokens_mean": round(tokens / n)}
        rows.append(row)
        print(f"budget {budget:4d} cut {cut or '-':>4} focused {focus!s:5} | gold page {row['gold_page_in_passages']:.3f} "
              f"name {row['gold_name_in_passages']:.3f} (n={gold_n}) | reference words {row['reference_words_in_passages']:.3f} (n={len(recall)}) | "
              f"passages {passages / n:.2f} | ~{tokens / n:.0f} tokens", flush=True)
    args.out.write_text(json.dumps({"questions": len(items), "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
