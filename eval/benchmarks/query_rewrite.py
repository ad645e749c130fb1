"""Does the intent call's search query help retrieval? The raw question vs the queries the agent
builds from the LLM's intent (question + rewritten query + knowledge points), on the same items.

    .venv/bin/python eval/benchmarks/query_rewrite.py [--limit N]

Issue 28 item 1: keep the LLM's query rewrite only if it measurably improves retrieval on the dev
sets. Runs the embedded intent model once per question (FAQ dev with gold links, CoNaLa dev),
then scores both query sets with the same retriever in one run. Prints anchor/page hit@5 and
MRR@10 side by side and writes the per-question queries to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from molly.config import Settings
from molly.evaluation.datasets import load_dataset
from molly.evaluation.metrics import aggregate, retrieval_scores
from molly.factory import build_retriever, build_tutor
from molly.llm import UsageCounter
from molly.perceive.intent import perceive
from molly.retrieval.queries import query_texts
from molly.retrieval.store import load_aliases

ROOT = Path(__file__).resolve().parents[2]
KEYS = ("anchor_hit@5", "anchor_mrr@10", "page_hit@5", "page_mrr@10")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0, help="items per dataset (0: all)")
    ap.add_argument("--out", type=Path, default=ROOT / "eval" / "benchmarks" / "results" / "query_rewrite.json")
    args = ap.parse_args()
    settings = Settings()
    retriever = build_retriever(settings, with_courses=False)
    tutor = build_tutor(settings, retriever=retriever)
    aliases = load_aliases(settings.kb_dir)
    report: dict[str, object] = {}
    for name in ("faq_dev", "conala_dev"):
        items = [i for i in load_dataset(ROOT / "eval" / "datasets" / f"{name}.jsonl")[0] if i.gold_urls]
        items = items[: args.limit] if args.limit else items
        raw_rows, rewritten_rows, per_item, seconds = [], [], [], []
        for item in items:
            counter, start = UsageCounter(), time.perf_counter()
            intent = perceive(item.question, tutor.intent_llm, counter)
            seconds.append(time.perf_counter() - start)
            exclude = tuple(item.exclude_sources)
            queries = query_texts(item.question, intent)
            raw = [c for c, _ in retriever.rank([item.question], 10, exclude)]
            rewritten = [c for c, _ in retriever.rank(queries, 10, exclude)]
            raw_rows.append(retrieval_scores(raw, item.gold_urls, aliases))
            rewritten_rows.append(retrieval_scores(rewritten, item.gold_urls, aliases))
            per_item.append({"id": item.id, "source": intent.source, "queries": queries,
                             "raw_anchor_hit@5": raw_rows[-1]["anchor_hit@5"],
                             "rewritten_anchor_hit@5": rewritten_rows[-1]["anchor_hit@5"]})
        raw_m, new_m = aggregate(raw_rows), aggregate(rewritten_rows)
        summary = {"items": len(items), "llm_intent": sum(r["source"] == "llm" for r in per_item),
                   "raw": {k: round(raw_m[k], 3) for k in KEYS},
                   "rewritten": {k: round(new_m[k], 3) for k in KEYS},
                   "intent_seconds_median": round(sorted(seconds)[len(seconds) // 2], 2)}
        print(name, json.dumps(summary), flush=True)
        report[name] = {**summary, "rows": per_item}
    args.out.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
