"""`molly eval`'s report.html in real headless Chromium with the network cut: it must open
offline and show its plots (the evaluation issue's "opens offline and shows the plots")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from molly.agent import Tutor
from molly.config import Settings
from molly.evaluation.runner import EvalRun
from molly.fakes import TutorFakeChatModel
from molly.retrieval.retriever import DenseRetriever
from tests.e2e.conftest import ARTIFACTS
from tests.evaluation.test_runner import dataset


def test_report_html_opens_offline_with_its_plots(tmp_path: Path, settings: Settings,
                                                  hash_retriever: DenseRetriever, browser: Any) -> None:
    run = EvalRun(settings, hash_retriever, lambda: Tutor(settings, TutorFakeChatModel(), hash_retriever), {})
    run.run([dataset(tmp_path)], ["llm-only", "rag", "molly"], tmp_path / "out")
    page = browser.new_page()
    fetched: list[str] = []

    def block(route: Any) -> None:  # anything but the file itself would need a network
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            fetched.append(route.request.url)
            route.abort()

    page.route("**/*", block)
    page.goto((tmp_path / "out" / "report.html").as_uri())
    sizes = page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    assert fetched == []
    assert len(sizes) == 3 and all(done and w > 200 and h > 100 for done, w, h in sizes)  # three real plots
    text = page.inner_text("body")
    assert "llm-only" in text and "molly" in text and "faithfulness" in text
    page.close()
