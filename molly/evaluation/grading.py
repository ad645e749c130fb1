"""Grades by reading: a blind sheet of an evaluation's answers for a person, and their grades
folded back into the report.

``write_sheet`` shuffles every answered row of a run (all configurations together) under neutral
item numbers, so the grader cannot tell which configuration wrote an answer; which one did is in
a separate key file. The grader gives each item ``good``, ``flawed`` or ``wrong`` and a one-line
reason (rubric: ``eval/grades/README.md``), either in the sheet's own ``grade``/``reason`` fields
or in a file of ``{"item", "grade", "reason"}`` lines; ``fold_grades`` counts them per
configuration. The LLM judge's figures stay in the report beside them, labelled as the judge's.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

from molly.errors import MollyError

GRADES = ("good", "flawed", "wrong")
SHEET, KEY, READABLE = "grade_sheet.jsonl", "grade_key.jsonl", "grade_sheet.md"


def write_sheet(rows: list[dict[str, Any]], questions: dict[tuple[str, str], str], out_dir: Path,
                seed: int = 0) -> int:
    """Write the blind sheet (JSON lines and a Markdown copy to read) and its key for every row
    with an answer; returns how many items. ``questions``: (dataset, id) -> question text."""
    answered = [r for r in rows if "answer" in r]
    order = list(range(len(answered)))
    random.Random(seed).shuffle(order)
    sheet, key, md = [], [], ["# Grade sheet", "", "Grade each item good / flawed / wrong with a one-line reason "
                              "(rubric: eval/grades/README.md).", ""]
    for n, i in enumerate(order, 1):
        r, item = answered[i], f"G{n:03d}"
        question = questions.get((r["dataset"], r["id"]), "")
        sheet.append({"item": item, "question": question, "answer": r["answer"], "citations": r.get("cited", []),
                      "checks": r.get("checks", []), "grade": "", "reason": ""})
        key.append({"item": item, "config": r["config"], "dataset": r["dataset"], "id": r["id"]})
        md += [f"## {item}", "", "**Question**", "", question, "", "**Answer**", "", r["answer"], "",
               "**Citations**: " + (", ".join(r.get("cited", [])) or "none"), "",
               "**Checks**: " + ("; ".join(r.get("checks", [])) or "none"), "", "Grade: ___  Reason: ___", ""]
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / SHEET).write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in sheet), encoding="utf-8")
    (out_dir / KEY).write_text("".join(json.dumps(k) + "\n" for k in key), encoding="utf-8")
    (out_dir / READABLE).write_text("\n".join(md), encoding="utf-8")
    return len(sheet)


def read_grades(path: Path) -> dict[str, tuple[str, str]]:
    """item -> (grade, reason) from a grades file or a filled-in sheet; ungraded items are skipped,
    an unknown grade is an error naming its line."""
    out: dict[str, tuple[str, str]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            item, grade = str(row["item"]), str(row.get("grade", "")).strip().lower()
        except (ValueError, KeyError, TypeError) as e:
            raise MollyError(f"{path.name} line {n} is not a grade", detail=str(e)) from None
        if not grade:
            continue
        if grade not in GRADES:
            raise MollyError(f"{path.name} line {n}: grade {grade!r} is not one of {', '.join(GRADES)}")
        out[item] = (grade, str(row.get("reason", "")))
    return out


def fold_grades(grades: dict[str, tuple[str, str]], key_path: Path) -> dict[str, dict[str, float]]:
    """Per configuration: n graded, counts and shares of good / flawed / wrong."""
    if not key_path.is_file():
        raise MollyError("No grade key in this report folder: write the sheet first (--grade-sheet).",
                         detail=str(key_path))
    key = {k["item"]: k for k in map(json.loads, key_path.read_text(encoding="utf-8").splitlines()) if k}
    unknown = sorted(set(grades) - set(key))
    if unknown:
        raise MollyError(f"Grades for items not on this sheet: {', '.join(unknown[:5])}")
    counts: dict[str, Counter[str]] = {}
    for item, (grade, _) in grades.items():
        counts.setdefault(key[item]["config"], Counter())[grade] += 1
    out: dict[str, dict[str, float]] = {}
    for config, c in sorted(counts.items()):
        n = sum(c.values())
        out[config] = {"graded_n": n, **{g: c[g] for g in GRADES}, **{f"{g}_rate": c[g] / n for g in GRADES}}
    return out
