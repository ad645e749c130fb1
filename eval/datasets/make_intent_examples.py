"""Build ``molly/perceive/intents.jsonl``, the intent classifier's shipped examples.

    python eval/datasets/make_intent_examples.py

From the labelled learner messages here: all of ``intent_dev.jsonl`` (its rules were written while
reading it, so it is never held out) and the ``tune`` rows (but Refactory's) of ``intent_labels.jsonl`` (real messages)
and ``intent_written.jsonl`` (written for the project). Their ``heldout`` rows, split by a hash of
the id before any label was read, never enter the package: ``eval/benchmarks/intent_classifier.py``
measures on them.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parents[1] / "molly" / "perceive" / "intents.jsonl"


def rows(name: str) -> list[dict[str, str]]:
    return [json.loads(line) for line in (HERE / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    out = [{"id": r["id"], "text": r["question"], "label": r["intent"],
            "source": "CS1QA dev (labels: Molly)" if r["id"].startswith("cs1qa") else "written for Molly"}
           for r in rows("intent_dev.jsonl")]
    for name in ("intent_labels.jsonl", "intent_written.jsonl"):
        # Refactory's programs (LGPL-3.0) stay out of the package; they are measured on, not shipped.
        out += [{"id": r["id"], "text": r["question"], "label": r["intent"], "source": r["source"]}
                for r in rows(name) if r["split"] == "tune" and r["source"] != "Refactory"]
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), encoding="utf-8")
    print(f"{len(out)} examples -> {OUT}")


if __name__ == "__main__":
    main()
