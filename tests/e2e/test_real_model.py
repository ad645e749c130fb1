"""One e2e run with the real embedded model (llama.cpp, packaged GGUF), the shipped docs index
and the packaged MiniLM: a question typed in Chromium gets a checked, cited answer, and a pasted
buggy function gets a verified fix and an answer naming the right line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from molly.config import Settings
from molly.factory import build_desk, build_tutor
from molly.ui import launch
from tests.conftest import free_port
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_chat import ask


@pytest.mark.slow
def test_real_model_answers_in_the_browser(new_page: Any, tmp_path: Path) -> None:
    settings = Settings(port=free_port(), courses_db=tmp_path / "courses.sqlite")
    tutor = build_tutor(settings)
    demo = launch(tutor, settings, desk=build_desk(settings, tutor.courses), block=False)
    try:
        page = new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"http://127.0.0.1:{settings.port}/")
        ask(page, "How do I read a file line by line?")
        page.wait_for_function("document.querySelector('#chat').innerText.includes('Drafting')", timeout=120_000)
        # The checks line closes every finished answer, checked, partly checked or withheld.
        page.wait_for_function("document.querySelector('#chat').innerText.includes('Checks:')", timeout=240_000)
        chat = page.locator("#chat")
        text = chat.inner_text()
        assert "Unchecked draft" not in text
        assert chat.locator("a[href^='https://docs.python.org/3.11/']").count() >= 1, text
        page.screenshot(path=ARTIFACTS / "08-real-model-answer.png", full_page=True)
        # A pasted buggy function with its examples: Molly runs it, finds the fix, and the hint names the line.
        ask(page, "My code:\n```python\ndef total(n):\n    s = 0\n    for i in range(1, n):\n        s += i\n"
                  "    return s\n```\ntotal(3) -> 6\ntotal(1) -> 1\ntotal(4) -> 10\nWhy doesn't it work?")
        page.wait_for_function("document.querySelector('#chat').innerText.split('Checks:').length > 2",
                               timeout=240_000)
        reply = chat.inner_text().split("Why doesn't it work?")[-1]
        assert "fix verified" in reply and "learner code ran" in reply, reply
        assert "line 3" in reply.lower() or "range(1, n)" in reply, reply
        page.screenshot(path=ARTIFACTS / "09-real-model-debugging-hint.png", full_page=True)
    finally:
        demo.close()
