"""How well perception decides the intent kind without an LLM: rules, then the classifier.

    .venv/bin/python eval/benchmarks/intent_classifier.py [--heldout] [--errors] [--out FILE]

Tuning figure: 5-fold cross-validation over the shipped examples (``molly/perceive/intents.jsonl``).
``--heldout``: the ``heldout`` rows of ``eval/datasets/intent_labels.jsonl`` (real messages) and
``intent_written.jsonl`` (written for the project), split by id hash before labelling and never in
the package; rows whose text is also a tuning example's are left out (and counted). ``--errors``
prints the tuning rows cross-validation gets wrong (never the held-out ones).
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import time
from pathlib import Path

from molly.classify import read_examples
from molly.perceive.intent import rule_intent
from molly.perceive.kinds import EXAMPLES, IntentClassifier, prose
from molly.retrieval.embedder import MemoEmbedder, MiniLMEmbedder
from molly.schemas import IntentKind

ROOT = Path(__file__).resolve().parents[2]
HELD = (ROOT / "eval/datasets/intent_labels.jsonl", ROOT / "eval/datasets/intent_written.jsonl")


def decide(classifier: IntentClassifier, text: str) -> tuple[str, str]:
    """(kind, by what): the rules first, as ``perceive`` does, else the classifier."""
    ruled = rule_intent(text)
    if ruled is not None:
        return ruled.kind.value, "rule"
    return classifier.kind(text)[0].value, "classifier"


def summary(gold: list[str], got: list[str]) -> dict[str, object]:
    """Accuracy, and per kind: n, recall, precision."""
    per: dict[str, dict[str, float]] = {}
    for kind in IntentKind:
        k = kind.value
        n = sum(g == k for g in gold)
        said = sum(x == k for x in got)
        hit = sum(g == x == k for g, x in zip(gold, got, strict=True))
        per[k] = {"n": n, "recall": round(hit / n, 3) if n else None, "precision": round(hit / said, 3) if said else None}
    acc = sum(g == x for g, x in zip(gold, got, strict=True)) / len(gold)
    return {"n": len(gold), "accuracy": round(acc, 3), "per_kind": per}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--heldout", action="store_true")
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    embedder = MemoEmbedder(MiniLMEmbedder())
    examples = read_examples([EXAMPLES])
    embedder.embed([prose(e["text"]) for e in examples])
    report: dict[str, object] = {"examples": len(examples)}

    folds, got = 5, [""] * len(examples)
    for f in range(folds):
        train = [e for k, e in enumerate(examples) if k % folds != f]
        classifier = IntentClassifier(embedder, examples=train)
        for k in range(f, len(examples), folds):
            got[k] = decide(classifier, examples[k]["text"])[0]
    report["tune_cv"] = summary([e["label"] for e in examples], got)
    print("tune CV", json.dumps(report["tune_cv"]), flush=True)
    if args.errors:
        for e, g in zip(examples, got, strict=True):
            if g != e["label"]:
                print(f"  {e['label']:>16} -> {g:<16} {e['text'][:140]!r}")

    classifier = IntentClassifier(MiniLMEmbedder())
    classifier.warm_up()
    if args.heldout:
        seen = {e["text"].strip().lower() for e in examples}
        rows = [r for p in HELD for r in read_examples([p]) if r["split"] == "heldout"]
        kept = [r for r in rows if r["question"].strip().lower() not in seen]
        decided, times = [], []
        for r in kept:
            start = time.perf_counter()
            decided.append(decide(classifier, r["question"]))
            times.append(time.perf_counter() - start)
        held = summary([r["intent"] for r in kept], [d[0] for d in decided])
        by_source = collections.defaultdict(list)
        for r, d in zip(kept, decided, strict=True):
            by_source[r["source"]].append(r["intent"] == d[0])
        held.update({"left_out_as_duplicates": len(rows) - len(kept),
                     "by_rule": sum(d[1] == "rule" for d in decided),
                     "accuracy_by_source": {s: [round(sum(v) / len(v), 3), len(v)] for s, v in by_source.items()},
                     "ms_per_decision_median": round(1000 * statistics.median(times), 1)})
        report["heldout"] = held
        print("held-out", json.dumps(held), flush=True)
    if args.out:
        args.out.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
