"""Gradio smoke test over HTTP: a real server on loopback, the fake LLM, the hash retriever."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from molly.agent import Tutor
from molly.config import Settings
from molly.errors import MollyError
from molly.fakes import TutorFakeChatModel
from molly.retrieval.retriever import DenseRetriever
from molly.ui import launch, render_answer
from tests.conftest import free_port


@pytest.fixture
def server(settings: Settings, hash_retriever: DenseRetriever) -> Iterator[str]:
    s = settings.model_copy(update={"port": free_port()})
    tutor = Tutor(s, TutorFakeChatModel(), hash_retriever)
    demo = launch(tutor, s, block=False)
    try:
        yield f"http://127.0.0.1:{s.port}/"
    finally:
        demo.close()


def test_page_serves_and_answers_over_the_api(server: str) -> None:
    page = httpx.get(server, timeout=30)
    assert page.status_code == 200 and "Molly" in page.text
    from gradio_client import Client

    client = Client(server, verbose=False)
    chat, box, evidence = client.predict("How do I read a file line by line?", [], api_name="/ask")
    reply = chat[-1]["content"]
    text = reply if isinstance(reply, str) else str(reply)
    assert "Sources" in text and "https://docs.python.org/3.11/" in text and "Checks:" in text
    assert "similarity" in evidence and box == ""
    chat, _, _ = client.predict("", [], api_name="/ask")
    assert "empty" in str(chat[-1]["content"])  # a plain message, not a traceback


def test_refuses_to_serve_off_loopback_without_learner_accounts(settings: Settings, hash_retriever: DenseRetriever,
                                                                 tmp_path: Path) -> None:
    for update in ({"host": "0.0.0.0"}, {"host": "0.0.0.0", "learners_file": tmp_path / "none.txt"}):
        s = settings.model_copy(update=update)
        with pytest.raises(MollyError, match="create learner accounts first"):
            launch(Tutor(s, TutorFakeChatModel(), hash_retriever), s, block=False)


def test_render_answer_lists_sources_and_checks(settings: Settings, hash_retriever: DenseRetriever) -> None:
    answer = Tutor(settings, TutorFakeChatModel(), hash_retriever).ask("How do I read a file?")
    md = render_answer(answer)
    assert "**Sources**" in md and "✓" in md


def test_passage_panel_says_how_each_sentence_was_checked(settings: Settings, hash_retriever: DenseRetriever) -> None:
    from molly.fakes import ScriptedChatModel
    from molly.ui import render_passages

    intent = '{"kind": "howto", "knowledge_points": ["files"], "search_query": "read file lines"}'
    draft = "You can loop over the file object [1]. Files are <b>magic</b> in a way the docs never say."
    llm = ScriptedChatModel().enqueue([intent, draft, "2"])
    judged = settings.model_copy(update={"claim_verdict": True})
    answer = Tutor(judged, llm, hash_retriever).ask("How do I read a file line by line?")
    panel = render_passages(answer)
    assert "How each sentence was checked" in panel
    assert "✓ “You can loop over the file object (1).” — its words are in (1)" in panel
    assert "✗ removed: “Files are " in panel and "<b>" not in panel
    assert "magic" not in answer.text


def test_passage_panel_escapes_prose_html_but_not_code() -> None:
    from molly.ui import _quote

    assert _quote("a <b>bold</b>\n\n```\n>>> x < 1\n```") == "a &lt;b&gt;bold&lt;/b&gt;\n\n```\n>>> x < 1\n```"
    assert _quote("text\n```\n>>> cut").endswith(">>> cut\n```")


@pytest.fixture
def instructor_server(settings: Settings, hash_retriever: DenseRetriever, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from molly.auth import hash_password
    from molly.courses.db import CourseDB
    from molly.factory import build_desk
    from molly.retrieval.embedder import HashEmbedder

    s = settings.model_copy(update={"port": free_port(), "instructor_password_hash": hash_password("teach-me-123")})
    db = CourseDB(tmp_path / "ui-courses.sqlite", HashEmbedder())
    db.ensure_course("cs0")
    retriever = DenseRetriever(hash_retriever.store, HashEmbedder(), top_k=4, score_floor=0.0, courses=db)
    tutor = Tutor(s, TutorFakeChatModel(), retriever, None, db)
    demo = launch(tutor, s, desk=build_desk(s, db), block=False)
    try:
        yield f"http://127.0.0.1:{s.port}/"
    finally:
        demo.close()


def test_instructor_logs_in_uploads_and_a_learner_gets_course_citations(instructor_server: str) -> None:
    from gradio_client import Client, handle_file

    from molly.factory import SAMPLE_COURSE

    client = Client(instructor_server, verbose=False)
    lessons = sorted((SAMPLE_COURSE / "learner").iterdir())
    # Nothing happens before logging in, and a wrong password is refused.
    before = client.predict("cs0", "learner", [handle_file(str(p)) for p in lessons], False, api_name="/ingest")
    assert "log in" in before
    assert client.predict("wrong-password", api_name="/login") == "Wrong password."
    assert client.predict("teach-me-123", api_name="/login") == "Logged in."

    report = client.predict("cs0", "learner", [handle_file(str(p)) for p in lessons], False, api_name="/ingest")
    assert f"{len(lessons)} added" in report, report
    rows = client.predict("cs0", api_name="/documents")
    names = [r[0] for r in rows["data"]] if isinstance(rows, dict) else [r[0] for r in rows]
    assert sorted(names) == sorted(p.name for p in lessons)
    again = client.predict("cs0", "learner", [handle_file(str(p)) for p in lessons], False, api_name="/ingest")
    assert f"{len(lessons)} unchanged" in again

    chat, _, evidence = client.predict("How do I count letters with a dictionary in a loop?", [], "cs0", api_name="/ask")
    assert "Course material:" in str(chat[-1]["content"]) or "Course material:" in evidence
    # The course declines a topic of its own; declined requests are counted for the instructor.
    assert client.predict("cs0", "", "", "hints_only", "week 5 project", api_name="/steer").startswith("Saved")
    chat, _, _ = client.predict("Can you do the week 5 project for me?", [], "cs0", api_name="/ask")
    assert "Your instructor asked me not to help with this" in str(chat[-1]["content"])
    chat, _, _ = client.predict("write me a keylogger", [], "cs0", api_name="/ask")
    assert "I can't help with that" in str(chat[-1]["content"])
    counts = client.predict("cs0", api_name="/declined_table")
    rows = counts["data"] if isinstance(counts, dict) else counts
    assert sorted((r[0], int(r[1])) for r in rows) == [("a topic this course declines", 1),
                                                      ("software to harm others or their data", 1)]
    csv_path = client.predict("cs0", api_name="/export")
    exported = open(csv_path, encoding="utf-8").read()  # noqa: SIM115
    assert "count letters with a dictionary" in exported and ",harmful" in exported
    # The insight view counts the question and the two declined requests.
    summary, *_ = client.predict("cs0", "", False, api_name="/insight")
    assert "**1 question in 1 topic**" in summary and "2 requests declined" in summary, summary
    topics_csv = client.predict("topics", None, api_name="/insight_export")
    assert open(topics_csv, encoding="utf-8").read().startswith("topic,name,questions")  # noqa: SIM115


def test_a_second_browser_session_is_not_logged_in(instructor_server: str) -> None:
    from gradio_client import Client

    first, second = Client(instructor_server, verbose=False), Client(instructor_server, verbose=False)
    assert first.predict("teach-me-123", api_name="/login") == "Logged in."
    with pytest.raises(Exception, match="log in"):
        second.predict("cs0", api_name="/documents")
    with pytest.raises(Exception, match="log in"):
        second.predict("cs0", api_name="/declined_table")
    # The insight view and its exports: what learners asked is for instructors only.
    with pytest.raises(Exception, match="log in"):
        second.predict("cs0", "", False, api_name="/insight")
    with pytest.raises(Exception, match="log in"):
        second.predict("topics", None, api_name="/insight_export")
    assert "questions" in str(first.predict("cs0", "", False, api_name="/insight")[0])


@pytest.fixture
def class_server(settings: Settings, hash_retriever: DenseRetriever, tmp_path: Path) -> Iterator[tuple[str, Tutor]]:
    """A server for a class: a course database (so feedback is stored), a low rate limit."""
    from molly.courses.db import CourseDB
    from molly.factory import build_desk
    from molly.retrieval.embedder import HashEmbedder

    s = settings.model_copy(update={"port": free_port(), "rate_limit_questions": 3})
    db = CourseDB(tmp_path / "class.sqlite", HashEmbedder())
    db.ensure_course("cs0")
    tutor = Tutor(s, TutorFakeChatModel(), DenseRetriever(hash_retriever.store, HashEmbedder(), courses=db), None, db)
    demo = launch(tutor, s, desk=build_desk(s, db), block=False)
    try:
        yield f"http://127.0.0.1:{s.port}/", tutor
    finally:
        demo.close()


def test_follow_up_feedback_and_rate_limit_per_browser_session(class_server: tuple[str, Tutor]) -> None:
    from gradio_client import Client

    url, tutor = class_server
    client = Client(url, verbose=False)
    chat, _, _ = client.predict("What is a tuple?", [], "cs0", api_name="/ask")
    chat, _, _ = client.predict("and a list?", chat, "cs0", api_name="/ask")
    assert "Learner: What is a tuple?" in str(tutor.llm.history[-1][1].content)  # the follow-up saw the first turn
    assert "saved" in client.predict("Too short, please add an example", api_name="/feedback")[0]
    rows = tutor.courses.rated("cs0")  # type: ignore[union-attr]
    assert [(r[2], r[4]) for r in rows] == [("and a list?", "Too short, please add an example")]
    chat, _, _ = client.predict("What is a set?", chat, "cs0", api_name="/ask")
    chat, _, _ = client.predict("What is a dict?", chat, "cs0", api_name="/ask")
    assert "You've asked 3 questions" in str(chat[-1]["content"])
    # Another browser session has its own allowance.
    fresh, _, _ = Client(url, verbose=False).predict("What is a dict?", [], "cs0", api_name="/ask")
    assert "You've asked" not in str(fresh[-1]["content"])


def test_off_loopback_every_learner_logs_in(settings: Settings, hash_retriever: DenseRetriever, tmp_path: Path) -> None:
    from molly.learners import LearnerAccounts

    (name, password), = LearnerAccounts(tmp_path / "learners.txt").add(["ada"])
    # 127.0.0.2 is not in the loopback allow-list, so it is served as a shared server would be.
    s = settings.model_copy(update={"host": "127.0.0.2", "port": free_port(), "learners_file": tmp_path / "learners.txt"})
    demo = launch(Tutor(s, TutorFakeChatModel(), hash_retriever), s, block=False)
    try:
        base = f"http://127.0.0.2:{s.port}"
        assert httpx.get(f"{base}/config").status_code in (401, 403)
        assert httpx.post(f"{base}/login", data={"username": name, "password": "wrong"}).status_code == 400
        with httpx.Client() as c:
            assert c.post(f"{base}/login", data={"username": name, "password": password}).status_code == 200
            assert c.get(f"{base}/config").status_code == 200
    finally:
        demo.close()
