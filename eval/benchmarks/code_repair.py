"""Benchmark (not a test): how many of the model's code blocks fail to parse, and how many
``molly/coderepair.py`` mends.

    .venv/bin/python eval/benchmarks/code_repair.py [--make N]

Reads the stored answers of plain RAG and the bare model on FAQ dev (``eval/results/faq_dev_*``,
the answers the repair rules were written from) and held-out drafts: plain-RAG answers to the
first N CoNaLa dev questions (``--make N`` writes them with the embedded model, ~40 s each on 2
cores, to ``eval/benchmarks/results/conala_dev_drafts.jsonl``). Prints blocks, unparsable blocks,
mended ones, and what was left.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

from molly.document import python_blocks, syntax_error
from molly.reflect.coderepair import repair_block

ROOT = Path(__file__).resolve().parents[2]
DRAFTS = ROOT / "eval/benchmarks/results/conala_dev_drafts.jsonl"
FAQ_ROWS = ["faq_dev_judged", "faq_dev_40", "faq_dev_rag_passages"]


def make_drafts(n: int) -> None:
    """Plain-RAG answers (the draft prompt, no reflection) to the first ``n`` CoNaLa dev questions."""
    from molly.config import Settings
    from molly.factory import build_tutor

    tutor = build_tutor(Settings())
    rows = [json.loads(line) for line in (ROOT / "eval/datasets/conala_dev.jsonl").read_text().splitlines()][:n]
    with DRAFTS.open("w", encoding="utf-8") as out:
        for row in rows:
            answer = tutor.plain_rag(row["question"])
            out.write(json.dumps({"id": row["id"], "question": row["question"], "answer": answer.text}) + "\n")


def faq_answers() -> Iterator[str]:
    for name in FAQ_ROWS:
        for line in (ROOT / "eval/results" / name / "rows.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["config"] in ("rag", "llm-only"):  # molly's stored answers were already checked
                yield row["answer"]


def count(answers: Iterator[str]) -> dict[str, object]:
    blocks = broken = mended = 0
    left: list[str] = []
    for answer in answers:
        for _, code in python_blocks(answer):
            blocks += 1
            if error := syntax_error(code):
                broken += 1
                if repair_block(code):
                    mended += 1
                else:
                    left.append(f"{error}: {code.strip().splitlines()[0][:60]}")
    return {"blocks": blocks, "unparsable": broken, "mended": mended, "left": left}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--make", type=int, default=0, help="first write plain-RAG drafts for N CoNaLa dev questions")
    args = parser.parse_args()
    if args.make:
        make_drafts(args.make)
    drafts = (json.loads(line)["answer"] for line in DRAFTS.read_text(encoding="utf-8").splitlines())
    print(json.dumps({"faq_dev (rules written from these)": count(faq_answers()),
                      "conala_dev drafts (held out)": count(drafts)}, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
