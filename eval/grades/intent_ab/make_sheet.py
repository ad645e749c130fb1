"""The blind sheet for the intent A/B: the same 27 questions answered with the intent classifier
(``run_classifier``) and with the LLM's intent call (``run_llm``, MOLLY_INTENT_CLASSIFIER=0).

    .venv/bin/molly eval eval/grades/intent_ab/questions.jsonl --config molly --no-judge --out eval/grades/intent_ab/run_classifier
    MOLLY_INTENT_CLASSIFIER=0 .venv/bin/molly eval ... --out eval/grades/intent_ab/run_llm
    .venv/bin/python eval/grades/intent_ab/make_sheet.py            # writes grade_sheet.* and grade_key.jsonl here
    .venv/bin/python eval/grades/intent_ab/make_sheet.py grades.jsonl   # counts a grader's grades per version

The questions were fixed before any answer was read: every 9th FAQ dev item and every 3rd held-out
item of ``intent_written.jsonl``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from molly.evaluation.grading import KEY, fold_grades, read_grades, write_sheet

HERE = Path(__file__).resolve().parent


def main() -> None:
    if len(sys.argv) > 1:
        print(json.dumps(fold_grades(read_grades(Path(sys.argv[1])), HERE / KEY), indent=1))
        return
    questions = {("questions", r["id"]): r["question"]
                 for r in map(json.loads, (HERE / "questions.jsonl").read_text(encoding="utf-8").splitlines())}
    rows = []
    for version in ("classifier", "llm"):
        for line in (HERE / f"run_{version}" / "rows.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            rows.append({**row, "config": version})
    print(write_sheet(rows, questions, HERE, seed=20261207), "items")


if __name__ == "__main__":
    main()
