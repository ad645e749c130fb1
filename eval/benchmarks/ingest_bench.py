"""Benchmark (not a test): course ingestion throughput vs raw embedding of the same chunks.

Builds a course of Markdown pages from the shipped Python docs corpus (real prose and code,
one file per docs page), then, alternating the order over several rounds in one process:

* **ingest**: ``Ingestor.run`` into a fresh course database (parse in the sandboxed worker,
  clean, chunk, embed in batches, commit each batch);
* **raw**: the packaged MiniLM embedding exactly the texts that ingestion embedded, in one call.

It prints chunks/s for both and their ratio (target >= 0.9), and writes them as JSON.

Usage: ``python eval/benchmarks/ingest_bench.py [--pages 80] [--rounds 3] [--out FILE]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from molly.config import Settings
from molly.courses.db import CourseDB
from molly.factory import build_embedder, build_ingestor
from molly.retrieval.store import load_corpus


def write_course(folder: Path, pages: int) -> int:
    """One Markdown file per docs page (its chunks under their titles); returns the file count."""
    chunks, _ = load_corpus(Settings().kb_dir)
    by_page: dict[str, list] = defaultdict(list)
    for c in chunks:
        by_page[c.page].append(c)
    # Tutorial and library pages of ordinary size (not the few giant ones), in a fixed order.
    chosen = sorted((p for p in by_page if 3 <= len(by_page[p]) <= 12), key=lambda p: (p.split("/")[0], p))[:pages]
    for page in chosen:
        body = "\n\n".join(f"## {c.title.split(' > ')[-1]}\n\n{c.text}" for c in by_page[page])
        (folder / (page.replace("/", "_").replace(".html", ".md"))).write_text(f"# {page}\n\n{body}\n", encoding="utf-8")
    return len(chosen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=80)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("eval/benchmarks/results/ingest.json"))
    args = parser.parse_args()

    settings = Settings()
    embedder = build_embedder(settings)
    embedder.warm_up()
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        course.mkdir()
        files = write_course(course, args.pages)
        ingest_s, raw_s, n_chunks = [], [], 0
        texts: list[str] = []
        for r in range(args.rounds):
            for kind in (("ingest", "raw") if r % 2 == 0 else ("raw", "ingest")):
                if kind == "ingest":
                    db = CourseDB(Path(tmp) / f"db{r}.sqlite", embedder)
                    t0 = time.perf_counter()
                    report = build_ingestor(settings, db).run("bench", [course])
                    ingest_s.append(time.perf_counter() - t0)
                    n_chunks = report.chunks_added
                    assert report.count("added") == files, report.summary()
                    texts = [c.embedding_text() for c in db.view("bench", "instructor").chunks]
                else:
                    if not texts:  # the first round must ingest first to know the texts
                        continue
                    t0 = time.perf_counter()
                    embedder.embed(texts)
                    raw_s.append(time.perf_counter() - t0)
        if len(raw_s) < args.rounds:  # round 0 ran ingest first; one more raw pass to pair it
            t0 = time.perf_counter()
            embedder.embed(texts)
            raw_s.append(time.perf_counter() - t0)
    ingest_rate = n_chunks / statistics.median(ingest_s)
    raw_rate = len(texts) / statistics.median(raw_s)
    result = {
        "files": files, "chunks": n_chunks, "rounds": args.rounds,
        "ingest_seconds": [round(x, 2) for x in ingest_s], "raw_embed_seconds": [round(x, 2) for x in raw_s],
        "ingest_chunks_per_s": round(ingest_rate, 1), "raw_embed_chunks_per_s": round(raw_rate, 1),
        "ratio": round(ingest_rate / raw_rate, 3), "target_ratio": 0.9,
    }
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
