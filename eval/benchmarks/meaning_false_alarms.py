"""Benchmark (not a test): how often do the meaning checks flag a sentence that is true?

    .venv/bin/python eval/benchmarks/meaning_false_alarms.py [--n 600]

True sentences: prose sentences of the tutorial and HOWTO pages (the docs agree with themselves).
Each is checked, as a drafted sentence would be, against the passages the real retriever returns
for it with its own page left out (``reflect/meaning.mismatch``); every flag is a false alarm (or a
place where two docs pages really disagree: read them). Prints the rate and each flagged sentence.
Results in ``eval/benchmarks/results/meaning_false_alarms.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

from molly.config import Settings
from molly.factory import build_retriever
from molly.reflect.meaning import mismatch
from molly.retrieval.store import load_corpus

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=600)
    args = ap.parse_args()
    settings = Settings()
    chunks = load_corpus(settings.kb_dir)[0]
    sentences = []
    for c in chunks:
        if c.page.startswith(("tutorial/", "howto/")):
            prose = re.sub(r"```.*?```", " ", c.text, flags=re.S)
            sentences += [(c.page, s.strip()) for s in re.split(r"(?<=[.!?])\s+|\n+", prose)
                          if 8 <= len(s.split()) <= 40 and not s.strip().startswith((">>>", "..."))]
    random.Random(0).shuffle(sentences)
    sample = sentences[: args.n]
    retriever = build_retriever(settings, with_courses=False)
    flagged = []
    for page, sentence in sample:
        passages = retriever.retrieve([sentence], exclude=(page,))
        if reason := mismatch(sentence, passages):
            flagged.append({"page": page, "sentence": sentence, "reason": reason,
                            "passages": [p.chunk.id for p in passages]})
            print(f"FLAG {page}: {sentence[:140]!r} -- {reason}")
    result = {"sentences": len(sample), "flagged": len(flagged), "rate": round(len(flagged) / len(sample), 4),
              "flags": flagged}
    print(json.dumps({k: v for k, v in result.items() if k != "flags"}))
    (ROOT / "eval/benchmarks/results/meaning_false_alarms.json").write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
