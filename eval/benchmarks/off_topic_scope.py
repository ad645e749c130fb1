"""Which first messages the tutor turns away as off-topic, with and without the docs' overrule.

    .venv/bin/python eval/benchmarks/off_topic_scope.py [--heldout] [--out FILE]

Runs ``Tutor.understand`` as a learner's first message meets it (rules, the off-topic rule with
retrieval, the intent classifier, then ``intent.in_scope``), with the real index and classifier and
no LLM: a vague message the tutor would ask the model about is counted apart ("asked the model"),
never as either kind. "before" is the same tutor with the overrule switched off.

Sets whose every message is about Python count false refusals; sets labelled off-topic count
refusals kept. Tuning sets (default): CoNaLa dev and FAQ dev questions, the written and real
off-topic examples of the ``tune`` split. ``--heldout``: CoNaLa train questions (not among the
classifier's examples), the ordinary near-miss questions of the request policy's third held-out set (``rq-h3-*``),
the ``heldout`` rows of the intent sets, and ``scope_heldout.jsonl`` (an independent writer).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import molly.agent
from molly.classify import read_examples
from molly.config import Settings
from molly.factory import build_tutor
from molly.fakes import ScriptedChatModel
from molly.guard.policy import EXAMPLES as POLICY_EXAMPLES
from molly.llm import UsageCounter
from molly.perceive.kinds import EXAMPLES
from molly.schemas import IntentKind

DATA = Path(__file__).resolve().parents[1] / "datasets"
# Every intent call is answered "concept"; such rows are counted apart anyway.
CONCEPT = '{"kind": "concept", "knowledge_points": [], "search_query": ""}'


def rows(name: str, split: str | None = None) -> list[dict[str, str]]:
    return [r for r in map(json.loads, (DATA / name).read_text(encoding="utf-8").splitlines())
            if split is None or r.get("split") == split]


def sets(heldout: bool) -> Iterator[tuple[str, bool, list[str]]]:
    """(name, messages are off-topic, texts)."""
    intent_sets = [*rows("intent_labels.jsonl", "heldout" if heldout else "tune"),
                   *rows("intent_written.jsonl", "heldout" if heldout else "tune")]
    if not heldout:
        yield "conala_dev", False, [r["question"] for r in rows("conala_dev.jsonl")]
        yield "faq_dev", False, [r["question"] for r in rows("faq_dev.jsonl")]
    else:
        shipped = {e["text"] for e in read_examples([EXAMPLES])}
        yield "conala_train", False, [r["question"] for r in rows("conala_train.jsonl") if r["question"] not in shipped]
        # The request policy's third held-out set, since moved into its tuning data (the intent
        # classifier never learns from it).
        policy_rows = map(json.loads, POLICY_EXAMPLES[0].read_text(encoding="utf-8").splitlines())
        yield "requests_heldout3 ordinary", False, [r["text"] for r in policy_rows
                                                    if r["id"].startswith("rq-h3-") and r["label"] == "ordinary"]
        yield "intent held-out, on-topic", False, [r["question"] for r in intent_sets if r["intent"] != "off_topic"]
        scope = rows("scope_heldout.jsonl")
        yield "scope_heldout python", False, [r["text"] for r in scope if r["label"] == "python"]
        yield "scope_heldout off_topic", True, [r["text"] for r in scope if r["label"] == "off_topic"]
    yield f"intent {'held-out' if heldout else 'tune'}, off-topic", True, [
        r["question"] for r in intent_sets if r["intent"] == "off_topic"]


def judge(tutor: molly.agent.Tutor, texts: list[str]) -> dict[str, object]:
    refused, asked, examples = 0, 0, []
    for text in texts:
        counter = UsageCounter()
        intent = tutor.understand(text, counter)
        if counter.calls:
            asked += 1
        elif intent.kind is IntentKind.OFF_TOPIC:
            refused += 1
            examples.append(text[:100])
    decided = len(texts) - asked
    return {"n": len(texts), "asked the model": asked, "refused": refused,
            "refused rate": round(refused / decided, 3) if decided else None, "refused examples": examples}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--heldout", action="store_true")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    tutor = build_tutor(Settings(), llm=ScriptedChatModel(default=CONCEPT))
    report: dict[str, object] = {}
    real_in_scope = molly.agent.in_scope
    for name, off_topic, texts in sets(args.heldout):
        molly.agent.in_scope = lambda question, best: False  # type: ignore[assignment]
        before = judge(tutor, texts)
        molly.agent.in_scope = real_in_scope
        after = judge(tutor, texts)
        report[name] = {"messages are off-topic": off_topic, "before": before, "after": after}
        print(f"{name:32} n={len(texts):5}  {'kept refused' if off_topic else 'refused (wrongly)'}: "
              f"before {before['refused']} ({before['refused rate']})  after {after['refused']} "
              f"({after['refused rate']})  asked the model {after['asked the model']}")
    if args.out:
        args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
