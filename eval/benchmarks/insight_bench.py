"""Benchmark (not a test): the insight view for a course with 0, 10 and 10,000 stored questions,
side by side: the time to build it (read, cluster, name topics, find gaps), to render the HTML
report, and to answer the Insight tab's "Show insight" through a real Gradio server (login, build,
tables and plots as JSON), and the peak memory of the process that did it.

Each course is seeded with the synthetic load (``molly/insight/synthetic.py``: real learner
messages, random ratings and badges), embedded with the shipped MiniLM, each answer citing the
docs entry nearest its question (the real docs index), and the sample course's lessons as its
material. Each size is measured in a fresh process, so the peak memory is that size's own.

    .venv/bin/python eval/benchmarks/insight_bench.py [--sizes 0,10,10000] [--out eval/benchmarks/results/insight.json]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def seeded(path: Path, n: int) -> float:
    """Fill a course database at ``path`` with ``n`` questions; returns the seconds it took."""
    from molly.config import Settings
    from molly.courses.db import CourseDB
    from molly.courses.ingest import Ingestor
    from molly.factory import SAMPLE_COURSE, build_embedder, build_store
    from molly.insight.summary import parse_since
    from molly.insight.synthetic import seed
    from molly.retrieval.embedder import MemoEmbedder
    from molly.schemas import Citation

    t0 = time.perf_counter()
    settings = Settings()
    embedder = MemoEmbedder(build_embedder(settings))  # a repeated message is embedded once
    store = build_store(settings, embedder)
    db = CourseDB(path, embedder)
    Ingestor(db).run("cs1", [SAMPLE_COURSE / "learner"])

    def cite(question: str) -> list[Citation]:
        (chunk, _), = store.search(embedder.embed([question]), 1)[0][:1]
        return [Citation(id=1, title=chunk.where, url=chunk.url)]

    seed(db, "cs1", n, start=parse_since("2026-09-07") or 0.0, weeks=14, cite=cite)
    return time.perf_counter() - t0


def measure(path: Path) -> dict[str, float]:
    """Build and render the view once (in this process); times and peak memory."""
    from molly.config import Settings
    from molly.courses.db import CourseDB
    from molly.factory import build_embedder
    from molly.insight import build, render

    settings = Settings()
    db = CourseDB(path, build_embedder(settings))
    db.view("cs1", "learner")  # the course's index, as a running server holds it
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    view = build(db, "cs1", floor=settings.score_floor - settings.course_boost)
    t1 = time.perf_counter()
    page = render(view)
    t2 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"questions": view.asked + sum(view.declined.values()), "topics": len(view.topics),
            "gaps": len(view.gaps()), "build_s": round(t1 - t0, 2), "render_s": round(t2 - t1, 2),
            "page_kb": round(len(page) / 1024), "peak_rss_mb": round(peak / 1024), "growth_mb": round((peak - before) / 1024),
            **browser_path(path)}


def browser_path(path: Path) -> dict[str, float]:
    """The Insight tab's own call through a real Gradio server on loopback: an instructor's
    "Show insight" (login, build, tables and plots sent as JSON), timed by a client."""
    import json as _json

    from gradio_client import Client

    from molly.agent import Tutor
    from molly.config import Settings
    from molly.courses.db import CourseDB
    from molly.factory import build_desk, build_embedder
    from molly.fakes import ScriptedChatModel
    from molly.ui import build_ui

    settings = Settings(courses_db=path, llm_backend="fake", sample_course=False)
    db = CourseDB(path, build_embedder(settings))
    demo = build_ui(Tutor(settings, ScriptedChatModel(default=lambda m: ""), None, None, db), build_desk(settings, db))
    demo.queue()
    _, url, _ = demo.launch(server_name="127.0.0.1", prevent_thread_lock=True, quiet=True)
    try:
        client = Client(url, verbose=False)
        client.predict("", api_name="/login")
        t0 = time.perf_counter()
        out = client.predict("cs1", "", False, api_name="/insight")
        return {"tab_s": round(time.perf_counter() - t0, 2), "tab_kb": round(len(_json.dumps(out, default=str)) / 1024)}
    finally:
        demo.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="0,10,10000")
    ap.add_argument("--out")
    ap.add_argument("--seed", nargs=2, metavar=("DB", "N"), help=argparse.SUPPRESS)
    ap.add_argument("--measure", metavar="DB", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.seed:
        print(json.dumps({"seed_s": round(seeded(Path(args.seed[0]), int(args.seed[1])), 1)}))
        return
    if args.measure:
        print(json.dumps(measure(Path(args.measure))))
        return

    def child(*argv: str) -> dict[str, float]:
        out = subprocess.run([sys.executable, __file__, *argv], check=True, capture_output=True, text=True).stdout
        return json.loads(out.splitlines()[-1])

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in map(int, args.sizes.split(",")):
            path = Path(tmp) / f"c{n}.sqlite"
            rows.append({"size": n, **child("--seed", str(path), str(n)), **child("--measure", str(path))})
    head = ["size", "questions", "topics", "gaps", "build_s", "render_s", "page_kb", "tab_s", "tab_kb", "peak_rss_mb",
            "growth_mb", "seed_s"]
    print("  ".join(f"{h:>11}" for h in head))
    for r in rows:
        print("  ".join(f"{r[h]!s:>11}" for h in head))
    if args.out:
        Path(args.out).write_text(json.dumps({"when": time.strftime("%Y-%m-%d %H:%M"), "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
