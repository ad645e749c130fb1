"""Grades by reading: a blind sheet of a run's answers, and a person's grades folded into its report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from molly.agent import Tutor
from molly.config import Settings
from molly.errors import MollyError
from molly.evaluation.grading import KEY, READABLE, SHEET, fold_grades, read_grades, write_sheet
from molly.evaluation.runner import EvalRun
from molly.fakes import TutorFakeChatModel
from molly.retrieval.retriever import DenseRetriever

ROWS = [{"config": c, "dataset": "d", "id": i, "answer": f"answer {c} {i}", "cited": ["library/x.html#y"],
         "checks": ["✓ code_ran: 1 block"]} for c in ("rag", "molly") for i in ("q1", "q2")]


def test_the_sheet_hides_which_configuration_wrote_each_answer(tmp_path: Path) -> None:
    n = write_sheet([*ROWS, {"config": "retrieval", "dataset": "d", "id": "q1"}], {("d", "q1"): "Q one?"}, tmp_path)
    sheet = [json.loads(x) for x in (tmp_path / SHEET).read_text().splitlines()]
    key = [json.loads(x) for x in (tmp_path / KEY).read_text().splitlines()]
    assert n == 4 and len(sheet) == 4  # the retrieval row has no answer to grade
    assert all("config" not in s and s["grade"] == "" for s in sheet)
    assert [s["item"] for s in sheet] == [k["item"] for k in key] == ["G001", "G002", "G003", "G004"]
    by_item = {k["item"]: k for k in key}
    assert all(s["answer"] == f"answer {by_item[s['item']]['config']} {by_item[s['item']]['id']}" for s in sheet)
    assert "Q one?" in (tmp_path / READABLE).read_text() and "config" not in (tmp_path / READABLE).read_text()


def test_grades_are_counted_per_configuration_and_bad_ones_are_named(tmp_path: Path) -> None:
    write_sheet(ROWS, {}, tmp_path)
    key = {k["item"]: k["config"] for k in map(json.loads, (tmp_path / KEY).read_text().splitlines())}
    grades = tmp_path / "grades.jsonl"
    lines = [{"item": item, "grade": "good" if config == "molly" else "wrong", "reason": "r"} for item, config in key.items()]
    lines[0] = {**lines[0], "grade": ""}  # not graded yet: skipped
    grades.write_text("".join(json.dumps(x) + "\n" for x in lines))
    folded = fold_grades(read_grades(grades), tmp_path / KEY)
    assert sum(int(v["graded_n"]) for v in folded.values()) == 3
    assert all(v["good_rate"] == 1.0 for c, v in folded.items() if c == "molly")
    assert all(v["wrong_rate"] == 1.0 for c, v in folded.items() if c == "rag")
    grades.write_text(json.dumps({"item": "G001", "grade": "great"}) + "\n")
    with pytest.raises(MollyError, match="line 1"):
        read_grades(grades)
    grades.write_text(json.dumps({"item": "G999", "grade": "good"}) + "\n")
    with pytest.raises(MollyError, match="not on this sheet"):
        fold_grades(read_grades(grades), tmp_path / KEY)


def test_a_run_writes_the_sheet_and_folds_the_grades_into_its_report(tmp_path: Path, settings: Settings,
                                                                     hash_retriever: DenseRetriever) -> None:
    data = tmp_path / "set.jsonl"
    data.write_text(json.dumps({"id": "q1", "question": "How do I open a file object?"}) + "\n")
    run = EvalRun(settings, hash_retriever, lambda: Tutor(settings, TutorFakeChatModel(), hash_retriever), {}, judge=False)
    out = tmp_path / "out"
    report = run.run([data], ["rag", "molly"], out, grade_sheet=True)
    assert report["meta"]["grade_sheet_items"] == 2 and "graded" not in report
    sheet = [json.loads(x) for x in (out / SHEET).read_text().splitlines()]
    assert all(s["question"] == "How do I open a file object?" and s["checks"] for s in sheet)
    filled = out / "filled.jsonl"
    filled.write_text("".join(json.dumps({**s, "grade": "flawed", "reason": "ok"}) + "\n" for s in sheet))
    again = EvalRun(settings, hash_retriever, lambda: Tutor(settings, TutorFakeChatModel(), hash_retriever), {}, judge=False)
    report = again.run([data], ["rag", "molly"], out, grades=filled)  # resumed: no answer is made again
    assert report["graded"]["molly"]["flawed"] == 1 and report["graded"]["rag"]["graded_n"] == 1
    assert "graded by reading" in (out / "report.md").read_text()
