"""The blind sheet for the code-review A/B: the 10 held-out code-review messages of
``intent_written.jsonl`` answered before (``run_before``, 5c7a696: no linter, no echo removal) and
after (``run_after``: pylint's findings lead, scaffolding echoes removed).

    .venv/bin/molly eval eval/grades/review_ab/questions.jsonl --config molly --no-judge --out eval/grades/review_ab/run_before
    (the same at the later commit) --out eval/grades/review_ab/run_after
    .venv/bin/python eval/grades/review_ab/make_sheet.py            # writes grade_sheet.* and grade_key.jsonl here
    .venv/bin/python eval/grades/review_ab/make_sheet.py grades.jsonl   # counts a grader's grades per version
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
    for version in ("before", "after"):
        for line in (HERE / f"run_{version}" / "rows.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            rows.append({**row, "config": version})
    print(write_sheet(rows, questions, HERE, seed=20261207), "items")


if __name__ == "__main__":
    main()
