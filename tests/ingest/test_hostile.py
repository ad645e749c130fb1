"""R3: hundreds of generated hostile files end as stored documents or typed, reasoned refusals;
nothing crashes, nothing is written outside, nothing already stored is lost."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from molly.courses.db import CourseDB
from molly.courses.ingest import Ingestor
from molly.ingest.formats import ParseError
from molly.ingest.sources import Limits
from molly.ingest.worker import ParseWorker
from molly.retrieval.embedder import HashEmbedder
from tests.files import hostile_files, make_pdf


def _tree(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*")}


def test_two_hundred_hostile_files(tmp_path: Path) -> None:
    upload = tmp_path / "upload"
    kinds = hostile_files(upload, seed=20261128, n=220)
    assert len(kinds) >= 200
    db = CourseDB(tmp_path / "db" / "courses.sqlite", HashEmbedder())
    ingestor = Ingestor(db, Limits(max_zip_entries=50))
    base = tmp_path / "base"
    base.mkdir()
    (base / "lesson.md").write_text("# Base lesson\n\nLists are mutable.\n")
    assert ingestor.run("c", [base]).count("added") == 1
    before = _tree(tmp_path)

    report = ingestor.run("c", [upload])

    statuses = Counter(r.status for r in report.results)
    assert set(statuses) <= {"added", "duplicate", "skipped", "failed"}, statuses
    # Every top-level file is accounted for (zip archives by their entries or the archive itself).
    named = {r.name.split("/")[1] for r in report.results}
    assert named == set(kinds)
    assert all(r.reason for r in report.results if r.status in ("skipped", "failed"))
    # Every kind of hostile input was refused somewhere, with a reason naming the problem.
    reasons = " | ".join(r.reason for r in report.results)
    for expected in ("damaged PDF", "encrypted PDF", "zip bomb", "unpacked", "unsafe path", "symbolic link",
                     "archive inside an archive", "entries; the limit", "not a readable zip", "NUL bytes",
                     "is empty", "nested too deeply", "no readable text", "not a valid notebook",
                     "not a supported format", "control characters", "50.0 MB; the limit is 20 MB"):
        assert expected in reasons, expected
    assert statuses["added"] > 0  # the harmless parts (utf-16, cp1252, zip members) are stored
    # Nothing written outside the database: the upload and base folders are untouched, no zip-slip file.
    after = _tree(tmp_path)
    assert {k: v for k, v in after.items() if not k.startswith("db")} == {
        k: v for k, v in before.items() if not k.startswith("db")}
    assert not any(p.name == "escaped.md" for p in tmp_path.parent.rglob("escaped.md"))
    # The base document is intact.
    assert [d.name for d in db.documents("c") if d.name.startswith("base/")] == ["base/lesson.md"]


def test_a_file_that_takes_too_long_is_stopped_and_the_worker_recovers() -> None:
    pdf = make_pdf([f"page {i} text" for i in range(300)])
    with ParseWorker(timeout_s=0.05) as worker:
        with pytest.raises(ParseError, match="took longer than"):
            worker.parse("slow.pdf", "pdf", pdf)
        worker.timeout_s = 30
        assert worker.parse("ok.md", "markdown", b"# OK\n\nfine").sections[0].text == "fine"


def test_the_worker_runs_with_limits_and_cannot_write_files(tmp_path: Path) -> None:
    with ParseWorker(memory_mb=300) as worker:
        worker.parse("a.md", "markdown", b"# a\n\nb")
        pid = worker._proc.pid  # type: ignore[union-attr]
        limits = Path(f"/proc/{pid}/limits").read_text()
        assert "Max address space" in limits and str(300 << 20) in limits
        assert any(line.startswith("Max file size") and " 0 " in line for line in limits.splitlines())
        assert os.getpgid(pid) == pid  # its own process group: a kill takes its children too
        assert os.readlink(f"/proc/{pid}/cwd") != os.getcwd()
    assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
