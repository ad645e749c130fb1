"""Benchmark (not a test): does reflection catch planted faults, and leave clean answers alone?

    .venv/bin/python eval/benchmarks/seeded_faults.py [--limit N] [--rules-only]
    .venv/bin/python eval/benchmarks/seeded_faults.py --set semantic_faults --split tune [--rules-only]

Runs every answer of ``eval/datasets/seeded_answers.jsonl`` (120 faulty, 120 clean) through the
same reflection and code check a draft gets, with the embedded model as the judge (``--rules-only``:
an LLM that finds nothing unsupported, to see what the rules alone catch), and prints catch rates
per fault kind and false alarms on clean answers. Rows are appended as they finish, so an
interrupted run resumes. Results in ``eval/benchmarks/results/seeded_faults[_rules].json``.
``--set semantic_faults`` scores the independent set of meaning-level faults instead
(``eval/datasets/semantic_faults.jsonl``, written without reading the checks), one ``--split`` at a time.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from molly.config import Settings
from molly.evaluation.rowlog import RowLog
from molly.evaluation.seeded import check_item, load_seeded, summarize
from molly.factory import build_chat_model, build_embedder
from molly.fakes import ScriptedChatModel
from molly.retrieval.store import load_corpus
from molly.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--rules-only", action="store_true")
    ap.add_argument("--set", default="seeded_answers", help="a file of eval/datasets without .jsonl")
    ap.add_argument("--split", default=None, help="only the rows of this split (tune, heldout)")
    args = ap.parse_args()
    settings = Settings()
    base = "seeded_faults" if args.set == "seeded_answers" else args.set
    name = "_".join(filter(None, [base, args.split, "rules" if args.rules_only else ""]))
    out = ROOT / "eval" / "benchmarks" / "results" / f"{name}.json"
    rows_path = out.with_suffix(".rows.jsonl")
    chunks = {c.id: c for c in load_corpus(settings.kb_dir)[0]}
    items = [i for i in load_seeded(ROOT / "eval" / "datasets" / f"{args.set}.jsonl")
             if args.split is None or i.get("split") == args.split][: args.limit]
    llm = ScriptedChatModel(default="NONE") if args.rules_only else build_chat_model(settings)
    embedder, sandbox = build_embedder(settings), Sandbox()
    log = RowLog(rows_path, key=lambda r: r["id"])
    start = time.perf_counter()
    with log:
        for n, item in enumerate(items, 1):
            if item["id"] not in log.done:
                t = time.perf_counter()
                row = check_item(item, chunks, llm, embedder, sandbox)
                row["seconds"] = round(time.perf_counter() - t, 2)
                log.add(row)
                print(f"[{n}/{len(items)}] {row['fault']:17s} flagged={row['flagged']!s:5s} by={row['by']} "
                      f"{row['seconds']} s", flush=True)
    done = log.done
    rows = [done[i["id"]] for i in items]
    summary = {"judge": "none (rules only)" if args.rules_only else "embedded qwen2.5-coder-1.5b-instruct q4_k_m",
               **summarize(rows), "seconds": round(time.perf_counter() - start, 1)}
    print(json.dumps(summary, indent=2))
    out.write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
