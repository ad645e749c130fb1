"""Convert the shared QA sets (../shared/data) into Molly's evaluation format, keeping attribution.

Usage: ``python eval/datasets/convert.py [SHARED_DATA_DIR]`` (default ``../shared/data``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def write(name: str, rows: list[dict[str, object]]) -> None:
    seen: dict[object, int] = {}
    for row in rows:  # CoNaLa repeats an id for different phrasings of one request: keep both
        n = seen[row["id"]] = seen.get(row["id"], 0) + 1
        if n > 1:
            row["id"] = f"{row['id']}-{n}"
    path = HERE / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{path.name}: {len(rows)} items")


def main(src: Path) -> None:
    faq = [json.loads(line) for line in (src / "python-faq" / "faq_dev.jsonl").open(encoding="utf-8")]
    write("faq_dev.jsonl", [
        {"id": r["id"], "question": r["question"], "reference_answer": r["answer"], "gold_urls": r["doc_links"],
         "exclude_sources": ["faq/"]}
        for r in faq])
    conala = [json.loads(line) for line in (src / "conala" / "conala_train_dev.jsonl").open(encoding="utf-8")]
    for split in ("train", "dev"):
        write(f"conala_{split}.jsonl", [
            {"id": f"conala-{r['id']}", "question": r["nl"], "gold_urls": r["pydocs311_urls"]}
            for r in conala if r["split"] == split and r["pydocs311_urls"]])
    cs1qa = [json.loads(line) for line in (src / "cs1qa" / "q_dev.jsonl").open(encoding="utf-8")]
    write("cs1qa_dev.jsonl", [{"id": f"cs1qa-{r['id']}", "question": r["text"]} for r in cs1qa if r["text"].strip()])


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[2] / "shared" / "data")
