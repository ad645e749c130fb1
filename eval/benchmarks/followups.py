"""How well a simple rule tells a follow-up from a new question (the issue "Checks that mean what
they say", item 4: history only for follow-ups). The rule lives in ``molly/perceive/followup.py``;
measured, it is not good enough to drop a conversation's history on (a missed follow-up loses its
context), so it only keeps an earlier answer's code out of the answer to a new question.

    .venv/bin/python eval/benchmarks/followups.py [--heldout] [--errors]

On ``eval/datasets/followups.jsonl`` (282 labelled previous-turn + message pairs), split by a hash
of the id: ``tune`` (the rules may be changed for it) and ``heldout`` (reported, never tuned on).
Prints accuracy, and for "followup": precision and recall; errors only for the tune part.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

from molly.perceive.followup import refers_back  # noqa: E402


def split_of(item_id: str) -> str:
    return "heldout" if int(hashlib.sha256(item_id.encode()).hexdigest(), 16) % 3 == 0 else "tune"


def scores(items: list[dict]) -> dict[str, float]:
    said = [refers_back(i["message"]) for i in items]
    gold = [i["label"] == "followup" for i in items]
    tp = sum(s and g for s, g in zip(said, gold, strict=True))
    return {"n": len(items), "accuracy": round(sum(s == g for s, g in zip(said, gold, strict=True)) / len(items), 3),
            "followup_precision": round(tp / max(1, sum(said)), 3), "followup_recall": round(tp / max(1, sum(gold)), 3)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--heldout", action="store_true")
    ap.add_argument("--errors", action="store_true")
    args = ap.parse_args()
    items = [json.loads(x) for x in (ROOT / "eval/datasets/followups.jsonl").read_text(encoding="utf-8").splitlines()]
    tune = [i for i in items if split_of(i["id"]) == "tune"]
    report = {"tune": scores(tune)}
    if args.heldout:
        report["heldout"] = scores([i for i in items if split_of(i["id"]) == "heldout"])
    if args.errors:
        for i in tune:
            if refers_back(i["message"]) != (i["label"] == "followup"):
                print(f"  {i['label']:>8}: {i['message'][:140]!r}")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
