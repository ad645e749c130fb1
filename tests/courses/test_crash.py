"""R1: kill -9 at random points while ingesting on top of a committed base: no base document
lost, no orphan vectors or rows, and running again converges to the full set."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from molly.courses.db import CourseDB
from molly.courses.ingest import Ingestor
from molly.retrieval.embedder import HashEmbedder

ROOT = Path(__file__).resolve().parents[2]


def _docs(folder: Path, n: int, tag: str) -> Path:
    folder.mkdir(parents=True)
    for i in range(n):
        paras = "\n\n".join(f"Paragraph {j} of {tag} document {i}: " + "words " * 40 for j in range(4))
        (folder / f"{tag}-{i:03d}.md").write_text(f"# {tag} {i}\n\n{paras}\n", encoding="utf-8")
    return folder


def _check(db_path: Path, base: dict[str, str]) -> int:
    """Invariants after a crash; returns how many documents are stored."""
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = con.execute("SELECT COUNT(*) FROM chunks WHERE doc_id NOT IN (SELECT id FROM documents)").fetchone()[0]
        assert orphans == 0
        mismatched = con.execute("SELECT d.name FROM documents d LEFT JOIN chunks c ON c.doc_id = d.id "
                                 "GROUP BY d.id HAVING COUNT(c.id) != d.n_chunks").fetchall()
        assert mismatched == []
        bad_vectors = con.execute("SELECT COUNT(*) FROM chunks WHERE length(vector) != 64 * 4").fetchone()[0]
        assert bad_vectors == 0
        stored = dict(con.execute("SELECT name, sha256 FROM documents"))
        n_chunks = con.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    finally:
        con.close()
    assert {k: stored.get(k) for k in base} == base  # every base document, unchanged
    view = CourseDB(db_path, HashEmbedder()).view("crash", "instructor")
    assert len(view) == n_chunks  # the FAISS view matches the rows one to one
    return len(stored)


def test_kill_minus_nine_at_random_points(tmp_path: Path) -> None:
    base_dir = _docs(tmp_path / "base", 15, "base")
    extra_dir = _docs(tmp_path / "extra", 120, "extra")
    base_db = tmp_path / "base.sqlite"
    db = CourseDB(base_db, HashEmbedder())
    Ingestor(db).run("crash", [base_dir])
    base = dict(sqlite3.connect(base_db).execute("SELECT name, sha256 FROM documents"))
    assert len(base) == 15

    rng = random.Random(99)
    mid_run = 0
    for trial in range(10):
        trial_db = tmp_path / f"trial{trial}.sqlite"
        shutil.copy(base_db, trial_db)
        for suffix in ("-wal", "-shm"):
            if Path(str(base_db) + suffix).exists():
                shutil.copy(str(base_db) + suffix, str(trial_db) + suffix)
        kill_after = rng.randint(1, 110)
        proc = subprocess.Popen([sys.executable, "-m", "tests.courses.ingest_child", str(trial_db), str(extra_dir)],
                                cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == "finished" or int(line) >= kill_after:
                break
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        stored = _check(trial_db, base)
        if 15 < stored < 135:
            mid_run += 1
        # Running again converges to the full set, whatever the kill left behind.
        Ingestor(CourseDB(trial_db, HashEmbedder())).run("crash", [extra_dir])
        assert _check(trial_db, base) == 135
    assert mid_run >= 7  # the kills really landed mid-ingestion
