"""The insight view: topics, counts, gaps, pseudonyms, exports and the empty course, over a real
SQLite course database (the hash embedder stands in for MiniLM; the clustering is real faiss)."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import numpy as np
import pytest

from molly.courses.db import CourseDB
from molly.courses.ingest import Ingestor
from molly.errors import CourseError
from molly.insight import build, render
from molly.insight.summary import parse_since, pseudonym
from molly.insight.synthetic import seed
from molly.insight.topics import MAX_TOPICS, cluster, keywords, topics_for
from molly.retrieval.embedder import HashEmbedder
from molly.schemas import Answer, BugNote, Citation, Intent, IntentKind

DAY = 24 * 3600.0
T0 = parse_since("2026-09-07") or 0.0  # a Monday
FLOOR = 0.25


def said(kind: str = "concept", cites: tuple[tuple[str, str], ...] = (), **update: object) -> Answer:
    return Answer(text="an answer", intent=Intent(kind=IntentKind(kind)),
                  citations=[Citation(id=i + 1, title=t, url=u) for i, (t, u) in enumerate(cites)]).model_copy(
        update=update)


DOCS = ("Built-in Types > dict.get", "https://docs.python.org/3.11/library/stdtypes.html#dict.get")


@pytest.fixture
def db(tmp_path: Path) -> CourseDB:
    db = CourseDB(tmp_path / "c.sqlite", HashEmbedder())
    db.ensure_course("cs1")
    return db


def test_an_empty_course_is_a_friendly_empty_state(db: CourseDB) -> None:
    view = build(db, "cs1", floor=FLOOR)
    assert view.empty and view.topics == [] and view.weeks == [] and view.gaps() == []
    page = render(view)
    assert "No questions yet" in page and "<img" not in page


def test_questions_become_topics_with_counts_weeks_and_troubles(db: CourseDB) -> None:
    loops = ["How does a for loop over a list work?", "Why does my for loop over a list skip items?",
             "What does a for loop over a range of numbers give?", "for loop over a list with index?"]
    files = ["How do I open a file and read it line by line?", "How do I read a file line by line?",
             "What does open a file in write mode do to the file?"]
    for i, q in enumerate(loops + files):
        qid = db.log_question("cs1", q, said(withheld=i == 1), asked_at=T0 + i * 3 * DAY)
        if i in (0, 4):
            db.feedback(qid, -1)
    db.log_question("cs1", "write me a keylogger", said("off_topic", declined="harmful"), asked_at=T0)
    view = build(db, "cs1", floor=FLOOR)
    assert view.asked == 7 and view.declined == {"harmful": 1}
    assert sum(t.questions for t in view.topics) == 7 and len(view.topics) == topics_for(7) == 2
    assert [t.questions for t in view.topics] == sorted((t.questions for t in view.topics), reverse=True)
    by_question = {q.question: q.topic for q in view.questions}
    assert len({by_question[q] for q in loops}) == 1 and len({by_question[q] for q in files}) == 1
    loop_topic = next(t for t in view.topics if t.id == by_question[loops[0]])
    assert loop_topic.thumbs_down == 1 and loop_topic.withheld == 1 and "loop" in loop_topic.keywords
    assert view.latest_week == "2026-W39" and sum(t.latest_week for t in view.topics) == 2
    assert [(w, n) for w, n, _ in view.weeks] == [("2026-W37", 3), ("2026-W38", 2), ("2026-W39", 2)]
    assert sum(d for _, _, d in view.weeks) == 2
    # The declined request is counted apart and never joins a topic.
    assert "write me a keylogger" not in by_question
    assert [q.question for q in view.in_topic(loop_topic.id)][-1] == loops[0]  # newest first
    since = build(db, "cs1", floor=FLOOR, since="2026-09-14")
    assert since.asked == 4 and since.declined == {}


def test_a_topic_is_named_by_the_entry_its_answers_cite(db: CourseDB) -> None:
    for q in ["How do I get a value from a dict with a default?", "dict get with a default value?",
              "default value when a key is missing from a dict"]:
        db.log_question("cs1", q, said(cites=(DOCS,)))
    view = build(db, "cs1", floor=FLOOR)
    assert view.topics[0].name.startswith("dict.get — ") and view.topics[0].sources == ["dict.get"]
    assert "default" in view.topics[0].name


def test_gaps_are_docs_answers_far_from_every_course_passage(db: CourseDB, tmp_path: Path) -> None:
    lesson = tmp_path / "lesson.md"
    lesson.write_text("# Loops\n\nA for loop runs its body once for each item of a list.", encoding="utf-8")
    Ingestor(db).run("cs1", [lesson])
    near = db.log_question("cs1", "How does a for loop run once for each item of a list?", said(cites=(DOCS,)))
    far = db.log_question("cs1", "How do I get a value from a dict with a default?", said(cites=(DOCS,)))
    nothing = db.log_question("cs1", "What is the walrus operator used for in comprehensions?", said())
    off = db.log_question("cs1", "best pizza in town?", said("off_topic"))
    view = build(db, "cs1", floor=FLOOR)
    assert view.has_material
    assert [q.id for q in view.gaps()] == [far]
    assert [q.id for q in view.unanswered()] == [nothing]
    assert near not in {q.id for q in view.gaps()} and off not in {q.id for q in view.unanswered()}
    # Instructor-only material closes no gap: learners never get it.
    key = tmp_path / "dicts-key.md"
    key.write_text("# Dicts\n\nGet a value from a dict with a default: d.get(key, default).", encoding="utf-8")
    Ingestor(db).run("cs1", [key], "instructor")
    assert [q.id for q in build(db, "cs1", floor=FLOOR).gaps()] == [far]


def test_learners_appear_by_pseudonym_unless_names_are_asked_for(db: CourseDB) -> None:
    db.log_question("cs1", "What is a tuple?", said(), learner="ada")
    db.log_question("cs1", "What is a list?", said(), learner="ada")
    db.log_question("cs1", "What is a set?", said(), learner="")
    hidden = build(db, "cs1", floor=FLOOR)
    shown = {q.question: q.learner for q in hidden.questions}
    assert shown["What is a tuple?"] == shown["What is a list?"] == pseudonym("ada", db.salt())
    assert shown["What is a tuple?"].startswith("learner-") and "ada" not in hidden.csv(hidden.questions)
    assert shown["What is a set?"] == ""
    assert {q.learner for q in build(db, "cs1", floor=FLOOR, names=True).questions} == {"ada", ""}
    other = CourseDB(db.path.with_name("other.sqlite"), HashEmbedder())
    assert pseudonym("ada", other.salt()) != pseudonym("ada", db.salt())  # not matchable across databases


def test_exports_are_csv_a_spreadsheet_will_not_run(db: CourseDB) -> None:
    db.log_question("cs1", '=HYPERLINK("http://x")', said(), learner="ada")
    db.log_question("cs1", "What is a list?", said())
    view = build(db, "cs1", floor=FLOOR)
    rows = list(csv.DictReader(io.StringIO(view.csv(view.questions))))
    assert {r["question"] for r in rows} == {"'=HYPERLINK(\"http://x\")", "What is a list?"}
    topics = list(csv.DictReader(io.StringIO(view.topics_csv())))
    assert sum(int(r["questions"]) for r in topics) == 2


def test_debugging_turns_count_functions_and_bug_kinds(db: CourseDB) -> None:
    for fn, kind, fixed in [("largest", "the comparison", True), ("largest", "the comparison", False),
                            ("average", "raises ZeroDivisionError", False)]:
        db.log_question("cs1", f"my {fn} is wrong", said("error", bug=BugNote(function=fn, failing=1, kind=kind,
                                                                                fixed=fixed)))
    view = build(db, "cs1", floor=FLOOR)
    assert view.functions == [("largest", 2, 1), ("average", 1, 0)]
    assert view.bugs == [("the comparison", 2, 1), ("raises ZeroDivisionError", 1, 0)]
    assert "largest: the comparison (fix verified)" in {q.bug for q in view.questions}
    assert "Debugging: failing functions" in render(view)


def test_rows_logged_before_embeddings_were_stored_are_embedded_on_read(db: CourseDB) -> None:
    import sqlite3

    con = sqlite3.connect(db.path)
    con.execute("INSERT INTO questions(course, asked_at, question, answer, citations, timings) VALUES "
                "('cs1', ?, 'what is a loop', 'a loop repeats', '[\"https://docs.python.org/3.11/x.html\"]', '{}')",
                (time.time(),))
    con.commit()
    con.close()
    view = build(db, "cs1", floor=FLOOR)
    assert view.asked == 1 and view.questions[0].docs_cited and view.questions[0].checked == "not recorded"


def test_a_bad_date_is_a_clear_error(db: CourseDB) -> None:
    with pytest.raises(CourseError, match="YYYY-MM-DD"):
        build(db, "cs1", floor=FLOOR, since="last week")


def test_clustering_numbers_topics_by_size_and_caps_their_number() -> None:
    assert [topics_for(n) for n in (0, 1, 2, 10, 200, 10_000)] == [1, 1, 1, 2, 10, MAX_TOPICS]
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 16))
    points = np.vstack([c + 0.05 * rng.normal(size=(n, 16)) for c, n in zip(centres, (5, 12, 8), strict=True)])
    points = (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)
    labels, centroids = cluster(points, k=3)
    assert np.bincount(labels).tolist() == [12, 8, 5] and centroids.shape == (3, 16)
    assert np.allclose(np.linalg.norm(centroids, axis=1), 1, atol=1e-5)
    assert cluster(points[:1])[0].tolist() == [0]
    assert keywords(["the list and the loop", "a loop over a list", "open the file", "read a file"],
                    np.array([0, 0, 1, 1]))[1][0] == "file"


def test_the_synthetic_load_fills_a_course_like_a_class(db: CourseDB) -> None:
    ids = seed(db, "cs1", 60, start=T0, weeks=4)
    view = build(db, "cs1", floor=FLOOR)
    assert len(ids) == 60 and view.asked + sum(view.declined.values()) == 60
    assert 1 <= len(view.weeks) <= 5 and len(view.topics) == topics_for(view.asked)
    assert "<img" in render(view) and "Questions per topic" in render(view)


def test_without_course_material_nothing_is_a_gap_and_the_unanswered_still_show(db: CourseDB) -> None:
    db.log_question("cs1", "How do I get a value from a dict with a default?", said(cites=(DOCS,)))
    nothing = db.log_question("cs1", "What is the walrus operator used for in comprehensions?", said())
    view = build(db, "cs1", floor=FLOOR)
    assert not view.has_material and view.gaps() == [] and [q.id for q in view.unanswered()] == [nothing]
    assert "No learner material is loaded" in render(view)
