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
