"""The instructors' page actions, without a browser: login, guarded actions, progress, cancel."""

from __future__ import annotations

from pathlib import Path

import pytest

from molly.auth import hash_password, verify_password
from molly.config import Settings
from molly.courses.db import CourseDB
from molly.errors import CourseError
from molly.factory import build_desk
from molly.instructors import MAX_FAILED_LOGINS, InstructorDesk, Session
from molly.retrieval.embedder import HashEmbedder


@pytest.fixture
def desk(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> InstructorDesk:
    monkeypatch.setattr("molly.instructors.time.sleep", lambda s: None)  # the anti-guessing pause
    s = settings.model_copy(update={"instructor_password_hash": hash_password("teach-me-123")})
    return build_desk(s, CourseDB(tmp_path / "c.sqlite", HashEmbedder()))


def test_password_hashes_verify_and_reject() -> None:
    stored = hash_password("correct horse")
    assert stored.startswith("scrypt$") and "correct horse" not in stored
    assert verify_password("correct horse", stored) and not verify_password("wrong", stored)
    assert not verify_password("x", "") and not verify_password("x", "scrypt$garbage")
    with pytest.raises(ValueError):
        hash_password("short")


def test_actions_need_a_login_and_guessing_locks_out(desk: InstructorDesk) -> None:
    session = Session()
    with pytest.raises(CourseError, match="log in"):
        desk.documents(session, "cs0")
    for _ in range(MAX_FAILED_LOGINS - 1):
        assert desk.login(session, "nope") == "Wrong password."
    assert "locked" in desk.login(session, "nope")
    assert "Too many" in desk.login(session, "teach-me-123")  # even the right password, while locked
    other = Session()
    assert desk.login(other, "teach-me-123") == "Logged in." and desk.documents(other, "cs0") == []


def test_open_on_loopback_only_when_no_password_is_set(settings: Settings, tmp_path: Path) -> None:
    db = CourseDB(tmp_path / "c.sqlite", HashEmbedder())
    assert build_desk(settings, db).open_without_password
    off = settings.model_copy(update={"host": "0.0.0.0"})
    assert not build_desk(off, db).open_without_password


def test_ingest_streams_progress_then_the_report_and_can_be_cancelled(desk: InstructorDesk, tmp_path: Path) -> None:
    session = Session()
    desk.login(session, "teach-me-123")
    files = []
    for i in range(5):
        files.append(tmp_path / f"l{i}.md")
        files[-1].write_text(f"# Lesson {i}\n\nLoops, part {i}.", encoding="utf-8")
    lines = list(desk.ingest(session, "cs0", "learner", files))
    assert lines[-1].startswith("cs0: 5 added")
    assert [r[0] for r in desk.documents(session, "cs0")] == [f"l{i}.md" for i in range(5)]

    run = desk.ingest(session, "cs0", "learner", [*files[:1], tmp_path / "missing.md"])
    seen = [next(run)]
    assert desk.cancel(session) in ("Cancelling after the current file…", "Nothing is running.")
    seen += list(run)
    assert seen[-1].startswith("cs0:")  # cancelled or not, the run ends with its report
    with pytest.raises(CourseError):
        list(desk.ingest(session, "Bad Name", "learner", files))
    assert desk.delete(session, "cs0", "l0.md") == "Deleted l0.md."
    assert desk.save_steering(session, "cs0", "week 2", "lambda, try", "worked_examples").startswith("Saved")
    assert desk.steering(session, "cs0").avoid == ["lambda", "try"]
    assert desk.export(session, "cs0").read_text(encoding="utf-8").startswith("id,asked_at,question")


def test_insight_needs_a_login_and_exports_each_view(desk: InstructorDesk) -> None:
    import re

    from molly.insight.synthetic import seed
    from molly.instructors import INSIGHT_EXPORTS

    session = Session()
    with pytest.raises(CourseError, match="log in"):
        desk.insight(session, "cs0")
    with pytest.raises(CourseError, match="log in"):
        desk.insight_csv(session, None, "topics")
    desk.login(session, "teach-me-123")
    with pytest.raises(CourseError, match="no course called"):
        desk.insight(session, "nope")
    desk.db.ensure_course("cs0")
    assert desk.insight(session, "cs0").empty
    seed(desk.db, "cs0", 40, start=1.79e9, weeks=3)
    view = desk.insight(session, "cs0")
    first = view.topics[0]
    for which in INSIGHT_EXPORTS:
        text = desk.insight_csv(session, view, which, first.id).read_text(encoding="utf-8")
        assert text.count("\n") >= 1, which
    import csv

    with desk.insight_csv(session, view, "questions of the chosen topic", first.id).open(encoding="utf-8") as f:
        assert len(list(csv.reader(f))) == first.questions + 1
    assert not re.search(r"student\d{3}", desk.insight_csv(session, view, "all questions").read_text())  # pseudonyms
    assert re.search(r"student\d{3}", desk.insight_csv(session, desk.insight(session, "cs0", names=True),
                                                     "all questions").read_text())
    with pytest.raises(CourseError, match="Choose a topic"):
        desk.insight_csv(session, view, "questions of the chosen topic", None)
