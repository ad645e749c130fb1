"""Gradio smoke test over HTTP: a real server on loopback, the fake LLM, the hash retriever."""

from __future__ import annotations

from collections.abc import Iterator

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


def test_refuses_to_bind_off_loopback(settings: Settings, hash_retriever: DenseRetriever) -> None:
    s = settings.model_copy(update={"host": "0.0.0.0"})
    with pytest.raises(MollyError, match="only serves on this computer"):
        launch(Tutor(s, TutorFakeChatModel(), hash_retriever), s, block=False)


def test_render_answer_lists_sources_and_checks(settings: Settings, hash_retriever: DenseRetriever) -> None:
    answer = Tutor(settings, TutorFakeChatModel(), hash_retriever).ask("How do I read a file?")
    md = render_answer(answer)
    assert "**Sources**" in md and "✓" in md


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
    assert "course material" in str(chat[-1]["content"]) or "course material" in evidence
    csv_path = client.predict("cs0", api_name="/export")
    assert "count letters with a dictionary" in open(csv_path, encoding="utf-8").read()  # noqa: SIM115


def test_a_second_browser_session_is_not_logged_in(instructor_server: str) -> None:
    from gradio_client import Client

    first, second = Client(instructor_server, verbose=False), Client(instructor_server, verbose=False)
    assert first.predict("teach-me-123", api_name="/login") == "Logged in."
    with pytest.raises(Exception, match="log in"):
        second.predict("cs0", api_name="/documents")
