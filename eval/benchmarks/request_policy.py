"""How the request policy (molly/guard/policy.py) decides, on labelled and on real ordinary data.

    .venv/bin/python eval/benchmarks/request_policy.py [--errors] [--out FILE]

Reports, side by side:
- the shipped tuning set (molly/guard/requests.jsonl), 5-fold cross-validated (each fold's
  classifier never saw the message it decides);
- the held-out set (eval/datasets/requests_heldout4.jsonl, written by a fifth writer who never
  saw the rules or the tuning set): declined share per label, no errors listed;
- real learner and Stack Overflow questions, all ordinary (CoNaLa train/dev, CS1QA dev and train,
  FAQ dev, intent dev, refactory dev): the share declined, which should be 0;
- milliseconds per decision (rules + embedding + classifier).
``--errors`` lists the tuning set's and the ordinary corpora's wrong decisions (never the held-out's).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from molly.guard.policy import EXAMPLES, RequestPolicy, normalise, ruled  # noqa: E402
from molly.retrieval.embedder import MemoEmbedder, MiniLMEmbedder  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
ORDINARY = {
    "conala_dev": (ROOT / "eval/datasets/conala_dev.jsonl", "question"),
    "cs1qa_dev": (ROOT / "eval/datasets/cs1qa_dev.jsonl", "question"),
    "cs1qa_q_train": (DATA / "cs1qa/q_train.jsonl", "text"),
    "faq_dev": (ROOT / "eval/datasets/faq_dev.jsonl", "question"),
    "intent_dev": (ROOT / "eval/datasets/intent_dev.jsonl", "question"),
    "refactory_dev": (ROOT / "eval/datasets/refactory_dev.jsonl", "question"),
}


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def rates(items: list[dict], decided: list[str | None]) -> dict[str, dict[str, float]]:
    """Per label: how many, and the share declined."""
    out: dict[str, dict[str, float]] = {}
    for label in sorted({i["label"] for i in items}):
        idx = [k for k, i in enumerate(items) if i["label"] == label]
        out[label] = {"n": len(idx), "declined": round(sum(decided[k] is not None for k in idx) / len(idx), 3)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--heldout", action="store_true", help="also decide the held-out set (not while tuning)")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--floor", type=float, default=None, help="the classifier's ordinary floor (default: the shipped one)")
    args = ap.parse_args()
    embedder = MemoEmbedder(MiniLMEmbedder())
    report: dict[str, object] = {}
    floor = {"floor": args.floor} if args.floor is not None else {}

    tune, background = load(EXAMPLES[0]), EXAMPLES[1]
    folds = 5
    decided: list[str | None] = [None] * len(tune)
    tmp = ROOT / "eval/benchmarks/results/.policy_fold.jsonl"
    for f in range(folds):
        train = [e for k, e in enumerate(tune) if k % folds != f]
        tmp.write_text("".join(json.dumps(e) + "\n" for e in train), encoding="utf-8")
        policy = RequestPolicy(embedder, (tmp, background), **floor)
        for k in range(f, len(tune), folds):
            decided[k] = policy.category(tune[k]["text"])
    tmp.unlink()
    report["tune_cv"] = rates(tune, decided)
    if args.errors:
        for e, d in zip(tune, decided, strict=True):
            if (d is None) != (e["label"] == "ordinary"):
                print(f"  tune {e['label']:>10} -> {d} ({'rule' if ruled(normalise(e['text'])) else 'classifier'}): "
                      f"{e['text'][:150]!r}")

    policy = RequestPolicy(embedder, **floor)
    policy.warm_up()
    held = ROOT / "eval/datasets/requests_heldout4.jsonl"
    if args.heldout:
        items = load(held)
        report["heldout"] = rates(items, [policy.category(i["text"]) for i in items])

    times: list[float] = []
    real: dict[str, dict[str, float]] = {}
    for name, (path, field) in ORDINARY.items():
        if not path.exists():
            continue
        texts = [i[field] for i in load(path)]
        embedder.embed(texts)  # batch the embedding; the timed decisions below embed one message each
        bad = []
        for t in texts:
            bad.append(policy.category(t))
        real[name] = {"n": len(texts), "declined": round(sum(b is not None for b in bad) / len(texts), 4)}
        if args.errors:
            for t, b in zip(texts, bad, strict=True):
                if b is not None:
                    print(f"  {name} -> {b} ({'rule' if ruled(normalise(t)) else 'classifier'}): {t[:150]!r}")
    report["ordinary_corpora"] = real
    fresh = RequestPolicy(MiniLMEmbedder())
    fresh.warm_up()
    for e in [e for e in tune if e["label"] == "ordinary"][:60]:  # these reach the classifier
        s = time.perf_counter()
        fresh.category(e["text"] + " ")  # not the memo: a real embedding per message
        times.append((time.perf_counter() - s) * 1000)
    report["ms_per_decision"] = {"median": round(statistics.median(times), 1), "max": round(max(times), 1)}
    print(json.dumps(report, indent=1))
    if args.out:
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
