"""End-to-end in a real headless Chromium (Debian's ``chromium``, driven by Playwright; no browser
download) against a real Gradio server on loopback. Screenshots go to ``test-artifacts/e2e/``."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from molly.agent import Tutor
from molly.config import Settings
from molly.courses.db import CourseDB
from molly.courses.ingest import Ingestor
from molly.factory import SAMPLE_COURSE, build_desk
from molly.fakes import ScriptedChatModel, tutor_reply
from molly.retrieval.embedder import HashEmbedder
from molly.retrieval.retriever import DenseRetriever
from molly.ui import launch
from tests.conftest import free_port

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    """Debian's Chromium; its absence is a failure (``make test`` installs it), never a skip."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Debian's chromium is not installed: `apt-get install chromium` (make test does this as root)")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def slow_fake(delay_s: float) -> ScriptedChatModel:
    """The tutor fake, ``delay_s`` per call, so that the stages can be seen in the page."""
    return ScriptedChatModel(default=lambda m: (time.sleep(delay_s), tutor_reply(m))[1])


@pytest.fixture
def class_app(tmp_path: Path, small_kb: Path, hash_store: Any) -> Iterator[tuple[str, Tutor]]:
    """The app as a class would use it: the docs, a course with one lesson and a notebook, the
    fake LLM at 0.6 s a call, a rate limit of 3 questions. The model's verdict call is on: its
    0.6 s is the window in which the browser shows the unchecked draft before the checked answer."""
    s = Settings(kb_dir=small_kb, cache_dir=tmp_path / "cache", llm_backend="fake", port=free_port(),
                 courses_db=tmp_path / "class.sqlite", rate_limit_questions=3, run_code=False, claim_verdict=True)
    db = CourseDB(s.courses_db, HashEmbedder())
    Ingestor(db).run("intro", [SAMPLE_COURSE / "learner"])
    retriever = DenseRetriever(hash_store, HashEmbedder(), top_k=4, score_floor=0.0, courses=db)
    tutor = Tutor(s, slow_fake(0.6), retriever, None, db)
    demo = launch(tutor, s, desk=build_desk(s, db), block=False)
    try:
        yield f"http://127.0.0.1:{s.port}/", tutor
    finally:
        demo.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    """Opens pages in the shared browser and closes them after the test (an open Gradio page
    keeps polling, which would cost the rest of the suite CPU)."""
    opened: list[Any] = []

    def make(**options: Any) -> Any:
        opened.append(browser.new_page(**options))
        return opened[-1]

    yield make
    for page in opened:
        page.close()
