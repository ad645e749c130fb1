"""The instructor's side in real headless Chromium: log in with a password, see the course's
documents without asking for them, delete one and re-ingest another by choosing it, then open Insight on a course with
a class's worth of seeded questions: topics with counts and a plot, one topic's questions, a CSV
export; and a course with no questions. Screenshots: ``test-artifacts/e2e/``."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from molly.agent import Tutor
from molly.auth import hash_password
from molly.config import Settings
from molly.courses.db import CourseDB
from molly.courses.ingest import Ingestor
from molly.factory import SAMPLE_COURSE, build_desk
from molly.fakes import ScriptedChatModel, tutor_reply
from molly.insight import build
from molly.insight.summary import parse_since
from molly.insight.synthetic import seed
from molly.retrieval.embedder import HashEmbedder
from molly.retrieval.retriever import DenseRetriever
from molly.ui import launch
from tests.conftest import free_port
from tests.e2e.conftest import ARTIFACTS

TIMEOUT_MS = 30_000
PASSWORD = "teach-me-123"


@pytest.fixture
def school_app(tmp_path: Path, small_kb: Path, hash_store: Any) -> Iterator[tuple[str, CourseDB, Settings]]:
    """A course with the sample lessons and 150 questions over 6 weeks, an empty course, and an
    instructor password (as on a school's server)."""
    s = Settings(kb_dir=small_kb, cache_dir=tmp_path / "cache", llm_backend="fake", port=free_port(),
                 courses_db=tmp_path / "school.sqlite", run_code=False,
                 instructor_password_hash=hash_password(PASSWORD))
    db = CourseDB(s.courses_db, HashEmbedder())
    Ingestor(db).run("intro", [SAMPLE_COURSE / "learner"])
    seed(db, "intro", 150, start=parse_since("2026-09-07") or 0.0, weeks=6)
    db.ensure_course("later")  # sorts after "intro", which the page opens on
    retriever = DenseRetriever(hash_store, HashEmbedder(), top_k=4, score_floor=0.0, courses=db)
    tutor = Tutor(s, ScriptedChatModel(default=tutor_reply), retriever, None, db)
    demo = launch(tutor, s, desk=build_desk(s, db), block=False)
    try:
        yield f"http://127.0.0.1:{s.port}/", db, s
    finally:
        demo.close()


def choose(page: Any, dropdown: str, option: str) -> None:
    """Pick ``option`` (its text, or the start of it) in a Gradio dropdown."""
    page.locator(f"{dropdown} input").click()
    page.locator("ul[role='listbox'] li", has_text=option).first.click()


def test_an_instructor_reviews_what_the_class_asked(new_page: Any, school_app: tuple[str, CourseDB, Settings]) -> None:
    from playwright.sync_api import expect

    url, db, settings = school_app
    page = new_page(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
    page.goto(url)
    page.get_by_role("tab", name="Instructors").click()
    page.locator("#password input").fill(PASSWORD)
    page.locator("#login").click()
    expect(page.locator("#login-status")).to_contain_text("Logged in.", timeout=TIMEOUT_MS)
    # The documents are listed without pressing anything.
    documents = page.locator("#documents")
    expect(documents).to_contain_text("01-variables-and-types.md", timeout=TIMEOUT_MS)
    lessons = sorted(p.name for p in (SAMPLE_COURSE / "learner").iterdir())
    page.screenshot(path=ARTIFACTS / "20-instructor-documents.png", full_page=True)
    # Delete one by choosing it from the list.
    choose(page, "#doc-pick", lessons[-1])
    page.locator("#delete").click()
    expect(documents).not_to_contain_text(lessons[-1], timeout=TIMEOUT_MS)
    expect(documents).to_contain_text(lessons[0])
    # Re-ingest another from its kept upload: no file to find again.
    choose(page, "#doc-pick", lessons[0])
    page.locator("#reingest").click()
    expect(page.locator("#report textarea")).to_have_value(re.compile(f"replaced .*{lessons[0]}"), timeout=TIMEOUT_MS)
    assert db.version_of("intro", f"learner/{lessons[0]}") == 2

    page.get_by_role("tab", name="Insight").click()
    page.locator("#show-insight").click()
    summary = page.locator("#insight-summary")
    expect(summary).to_contain_text("questions in", timeout=TIMEOUT_MS)
    expected = build(db, "intro", floor=settings.score_floor - settings.course_boost)
    expect(summary).to_contain_text(f"{expected.asked} questions in {len(expected.topics)} topics")
    topics = page.locator("#insight-topics")
    for t in expected.topics[:3]:
        expect(topics).to_contain_text(t.examples[0][:40])
    # The plots are drawn (Vega renders to a canvas or an SVG).
    plot = page.locator("#insight-topic-plot")
    expect(plot.locator("canvas, svg").first).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator("#insight-weeks").locator("canvas, svg").first).to_be_visible(timeout=TIMEOUT_MS)
    page.screenshot(path=ARTIFACTS / "21-insight-topics.png", full_page=True)

    # Drill into the second topic: its questions, learners by pseudonym only.
    second = expected.topics[1]
    choose(page, "#insight-pick", f"1: {second.name}")
    drill = page.locator("#insight-questions")
    expect(drill).to_contain_text(expected.in_topic(1)[0].question[:40], timeout=TIMEOUT_MS)
    expect(drill).to_contain_text("learner-")
    assert "student0" not in drill.inner_text()
    page.screenshot(path=ARTIFACTS / "22-insight-drill-down.png", full_page=True)

    # Export that topic as CSV and read the file the browser downloads.
    page.locator("#insight-which").get_by_text("questions of the chosen topic").click()
    page.locator("#insight-export").click()
    link = page.locator("#insight-csv a").first
    expect(link).to_be_visible(timeout=TIMEOUT_MS)
    with page.expect_download() as got:
        link.click()
    rows = list(csv.DictReader(io.StringIO(Path(got.value.path()).read_text(encoding="utf-8"))))
    assert len(rows) == second.questions and {r["topic"] for r in rows} == {second.name}
    page.screenshot(path=ARTIFACTS / "23-insight-export.png", full_page=True)

    # A course nobody asked about yet.
    name = page.locator("#course-name input, #course-name textarea").first
    name.fill("later")
    page.locator("#show-insight").click()
    expect(summary).to_contain_text("No questions yet", timeout=TIMEOUT_MS)
    page.screenshot(path=ARTIFACTS / "24-insight-empty.png", full_page=True)


def test_on_this_computer_the_documents_are_there_when_the_tab_opens(new_page: Any, class_app: tuple[str, Tutor]) -> None:
    """No password on loopback: opening the Instructors tab lists the course's documents at once."""
    from playwright.sync_api import expect

    url, _ = class_app
    page = new_page(viewport={"width": 1280, "height": 1000})
    page.goto(url)
    page.get_by_role("tab", name="Instructors").click()
    expect(page.locator("#documents")).to_contain_text("01-variables-and-types.md", timeout=TIMEOUT_MS)
    expect(page.locator("#login-status")).to_contain_text("Logged in.")
