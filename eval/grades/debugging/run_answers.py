"""Answers of the tutor (embedded defaults, no course) to each question of a JSONL file, for grading by reading.

Usage: ``.venv/bin/python eval/grades/debugging/run_answers.py IN.jsonl OUT.jsonl``
"""

import json
import sys
import time

from molly.config import Settings
from molly.factory import build_tutor

items = [json.loads(line) for line in open(sys.argv[1])]
tutor = build_tutor(Settings())
tutor.warm_up()
with open(sys.argv[2], "w") as out:
    for it in items:
        t = time.time()
        a = tutor.ask(it["question"])
        out.write(json.dumps({"id": it["id"], "answer": a.text, "checks": [f"{'✓' if c.passed else '✗'} {c.name}: {c.detail}" for c in a.checks],
                              "seconds": round(time.time() - t, 1), "llm_calls": a.llm_calls}) + "\n")
        out.flush()
