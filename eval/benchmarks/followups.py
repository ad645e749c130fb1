"""How well a simple rule tells a follow-up from a new question (the issue "Checks that mean what
they say", item 4: history only for follow-ups). The rule lives here, not in ``molly/``: measured,
it is not good enough to drop a conversation's history on (a missed follow-up loses its context).

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

import re  # noqa: E402

# Points at the tutor's previous answer or the conversation itself.
_BACK = re.compile(
    r"(?i)\b(?:your|you(?:r)?'?re?) (?:code|answer|example|explanation|solution|suggestion|snippet|version|method|way|"
    r"function|loop|program)\b|\b(?:you|u) (?:said|showed|wrote|mentioned|gave|suggested|used|meant)\b"
    r"|\b(?:above|earlier|previous(?:ly)?|last (?:one|answer|example)|the (?:first|second|third|last) (?:line|one|example|"
    r"part|step))\b|\bthe (?:one|code|example|line|function|loop|method|way) (?:you|that you|from before)\b"
    r"|\b(?:that|this|the) (?:example|explanation|answer|solution|snippet|suggestion)\b")
# Opens as a continuation of what was said.
_CONTINUES = re.compile(
    r"(?i)^\W*(?:and|but|also|so|ok(?:ay)?|k|thanks?|thank you|thx|what about|how about|what if|why not|then|same|"
    r"instead|still|huh|hmm+|wait|really|sorry|i (?:still )?don'?t (?:get|understand)|more|another|again|"
    r"does (?:it|this|that)|is (?:it|this|that)|can (?:it|this|that)|would (?:it|this|that)|could you explain)\b")
_PRONOUN = re.compile(r"(?i)\b(?:it|that|this|these|those|them|they|there|one|ones)\b")
# Something the message itself shows, which a pronoun may point at: code, a quoted value, an error.
_ANCHOR = re.compile(r"```|`[^`]+`|\[[^\]]*\]|\{[^}]*\}|['\"][^'\"]+['\"]|\b[A-Z]\w*(?:Error|Exception|Warning)\b"
                     r"|\w+\([^)]*\)|^\s*(?:def|class|for|while|if|import|print)\b", re.M)
SHORT = 12  # words: a longer message usually names what it is about


def refers_back(message: str, previous: str = "") -> bool:
    """True when ``message`` needs the previous turn to be understood (see module docstring)."""
    text = message.strip()
    if _BACK.search(text):
        return True
    words = len(re.findall(r"\w+", text))
    if _CONTINUES.search(text) and not (_ANCHOR.search(text) and words > SHORT):
        return True
    return words <= SHORT and bool(_PRONOUN.search(text)) and not _ANCHOR.search(text)


def split_of(item_id: str) -> str:
    return "heldout" if int(hashlib.sha256(item_id.encode()).hexdigest(), 16) % 3 == 0 else "tune"


def previous(item: dict) -> str:
    return f"{item['previous_question']}\n{item['previous_answer']}"


def scores(items: list[dict]) -> dict[str, float]:
    said = [refers_back(i["message"], previous(i)) for i in items]
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
            if refers_back(i["message"], previous(i)) != (i["label"] == "followup"):
                print(f"  {i['label']:>8}: {i['message'][:140]!r}")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
