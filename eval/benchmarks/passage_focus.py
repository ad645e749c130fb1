"""Benchmark (not a test): docs passages cut at their opening vs cut around the question.

For every dev question (FAQ, CoNaLa, CS1QA dev splits) it fits the same ranked passages into the
draft's budget twice, side by side: cut at each passage's opening, and cut with the question as
focus (``passages._focused``: skip an opening example whose lead-in is elsewhere, or show the
sentence that holds the question's words). It prints how many questions' passages change, the
estimated prompt tokens of passages both ways, and, where a reference answer exists (FAQ), the
share of the reference's content words that the passages hold: a proxy for "the answer is in
front of the model", counted per question as up, down or equal. No LLM.

Usage: ``python eval/benchmarks/passage_focus.py [--out eval/benchmarks/results/passage_focus.json]``
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from molly.config import Settings
from molly.evaluation.datasets import load_dataset
from molly.factory import build_retriever
from molly.reflect.claims import content_words
from molly.retrieval.passages import fit_budget, passage_cost

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ("faq_dev.jsonl", "conala_dev.jsonl", "cs1qa_dev.jsonl")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "eval/benchmarks/results/passage_focus.json")
    args = parser.parse_args()
    settings = Settings()
    retriever = build_retriever(settings, with_courses=False)
    rows = []
    for name in DATASETS:
        items = load_dataset(ROOT / "eval/datasets" / name)[0]
        changed = up = down = 0
        tokens = {"opening": 0, "focused": 0}
        share = {"opening": 0.0, "focused": 0.0}
        for item in items:
            ranked = retriever.rank([item.question], settings.top_k, tuple(item.exclude_sources))
            cut = {way: fit_budget(ranked, settings.passage_token_budget,
                                   max_passage_tokens=settings.passage_max_tokens,
                                   focus=item.question if way == "focused" else "")
                   for way in ("opening", "focused")}
            texts = {way: "\n".join(p.chunk.text for p in ps) for way, ps in cut.items()}
            changed += texts["opening"] != texts["focused"]
            for way, ps in cut.items():
                tokens[way] += sum(passage_cost(p.chunk) for p in ps)
            if item.reference_answer:
                reference = content_words(item.reference_answer)
                got = {way: len(reference & content_words(t)) / max(len(reference), 1) for way, t in texts.items()}
                for way in got:
                    share[way] += got[way]
                up += got["focused"] > got["opening"] + 1e-9
                down += got["opening"] > got["focused"] + 1e-9
        n = len(items)
        row = {"dataset": name, "questions": n, "passages_changed": changed,
               "passage_tokens_mean": {w: round(t / n, 1) for w, t in tokens.items()}}
        if any(i.reference_answer for i in items):
            row |= {"reference_words_in_passages": {w: round(s / n, 4) for w, s in share.items()},
                    "questions_up": up, "questions_down": down}
        rows.append(row)
        print(json.dumps(row), flush=True)
    args.out.write_text(json.dumps({"rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
