"""A blind sheet for an A/B of answers: the same questions answered by two versions, shuffled.

    .venv/bin/python eval/grades/ab_sheet.py FOLDER A B            # writes FOLDER/grade_sheet.* and grade_key.jsonl
    .venv/bin/python eval/grades/ab_sheet.py FOLDER A B GRADES     # counts a grader's grades per version

``FOLDER`` holds the questions (``questions.jsonl``, or one file per dataset; fixed before any
answer was read) and ``run_A``/``run_B``, each a ``molly eval FOLDER/<questions>.jsonl --config
molly --no-judge --out FOLDER/run_X`` report.
The A/Bs so far:

- ``intent_ab`` (``classifier``, ``llm``): every 9th FAQ dev item and every 3rd held-out item of
  ``intent_written.jsonl``; ``run_llm`` with ``MOLLY_INTENT_CLASSIFIER=0``.
- ``review_ab`` (``before``, ``after``): the 10 held-out code-review messages of
  ``intent_written.jsonl``; before at 5c7a696 (no linter, no echo removal), after at 3ac4c32.
- ``lookfirst_ab`` (``before``, ``after``): the 22 refactory held-out debugging answers that
  changed between ``bugs_heldout_hints_v5`` (2da646d) and ``_v6`` (9f8660f, headers last in
  localisation, the reason per branch); graded by a helper blind to the key: before 11 good / 7
  flawed / 4 wrong, after 10 / 8 / 4, false claims 0 -> 1 (the first wording of the spectrum's
  reason, since replaced by run counts).
- ``lookfirst_ab2`` (``before``, ``after``): the same 22 items, ``_v5`` against ``_v8`` (17ae1a6:
  run counts as the reason, docstrings last), another helper, another shuffle (AB_SEED=20261209):
  before 10 good / 8 flawed / 4 wrong, after 10 / 12 / 0; false claims 0 and 0; located (the
  grader's reading) 11 and 10.
- ``reflect_ab`` (``before``, ``after``): every 6th FAQ dev and every 10th CoNaLa dev item
  (``faq_sample.jsonl``, ``conala_sample.jsonl``); before at 7117e6f (word rules only), after with
  executed claims and meaning checks (the commit is in each run's report).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from molly.evaluation.grading import KEY, fold_grades, read_grades, write_sheet


def main() -> None:
    folder, versions = Path(sys.argv[1]), sys.argv[2:4]
    if len(sys.argv) > 4:
        print(json.dumps(fold_grades(read_grades(Path(sys.argv[4])), folder / KEY), indent=1))
        return
    rows = [{**json.loads(line), "config": version} for version in versions
            for line in (folder / f"run_{version}" / "rows.jsonl").read_text(encoding="utf-8").splitlines()]
    # The questions of each dataset the runs answered (FOLDER/<dataset>.jsonl).
    questions = {(name, r["id"]): r["question"] for name in {r["dataset"] for r in rows}
                 for r in map(json.loads, (folder / f"{name}.jsonl").read_text(encoding="utf-8").splitlines())}
    # AB_SEED: another shuffle for a second sheet over the same questions (reflect_ab3: 20261208).
    print(write_sheet(rows, questions, folder, seed=int(os.environ.get("AB_SEED", "20261207"))), "items")


if __name__ == "__main__":
    main()
