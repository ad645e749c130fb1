"""``molly`` as a user runs it: real index and MiniLM, the fake LLM, bad files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from molly.config import Settings

MOLLY = [sys.executable, "-m", "molly.cli"]


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = ({k: v for k, v in os.environ.items() if not k.startswith("MOLLY_")}
            | {"MOLLY_COURSES_DB": os.environ["MOLLY_COURSES_DB"]} | env)  # the test's own course database
    return subprocess.run([*MOLLY, *args], capture_output=True, text=True, env=full, timeout=600)


def test_ask_json_with_the_real_index() -> None:
    out = run("ask", "--json", "How do I read a file line by line?", MOLLY_LLM_BACKEND="fake")
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert answer["llm_calls"] <= 3
    assert answer["citations"][0]["url"].startswith("https://docs.python.org/3.11/")


def test_empty_and_huge_questions_are_refused_cleanly() -> None:
    for question in ("   ", "x" * 100_000):
        out = run("ask", question, MOLLY_LLM_BACKEND="fake")
        assert out.returncode == 2 and "Traceback" not in out.stderr and out.stderr.startswith("molly: ")


def small_kb_copy(tmp_path: Path, n: int = 300) -> Path:
    kb = tmp_path / "kb"
    kb.mkdir()
    lines = (Settings().kb_dir / "chunks.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)[:n]
    (kb / "chunks.jsonl").write_text("".join(lines), encoding="utf-8")
    return kb


def test_corrupt_index_is_rebuilt_never_served(tmp_path: Path) -> None:
    kb = small_kb_copy(tmp_path)
    assert run("index", "build", MOLLY_KB_DIR=str(kb)).returncode == 0
    faiss_file = kb / "index" / "index.faiss"
    data = bytearray(faiss_file.read_bytes())
    data[-10] ^= 0xFF
    faiss_file.write_bytes(bytes(data))
    assert run("index", "verify", MOLLY_KB_DIR=str(kb)).returncode == 2
    out = run("ask", "--json", "How do I open a file?", MOLLY_KB_DIR=str(kb), MOLLY_LLM_BACKEND="fake")
    assert out.returncode == 0, out.stderr
    assert run("index", "verify", MOLLY_KB_DIR=str(kb)).returncode == 0  # rebuilt, valid again


def test_missing_corpus_is_a_clear_message(tmp_path: Path) -> None:
    out = run("ask", "What is a list?", MOLLY_KB_DIR=str(tmp_path / "nowhere"), MOLLY_LLM_BACKEND="fake")
    assert out.returncode == 2 and "knowledge base is missing" in out.stderr and "Traceback" not in out.stderr


def test_missing_or_corrupt_gguf_is_a_clear_message(tmp_path: Path) -> None:
    out = run("ask", "What is a list?", MOLLY_MODEL_PATH=str(tmp_path / "none.gguf"))
    assert out.returncode == 2 and "does not exist" in out.stderr and "Traceback" not in out.stderr
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + os.urandom(4096))
    out = run("ask", "What is a list?", MOLLY_MODEL_PATH=str(bad))
    assert out.returncode == 2 and "could not be loaded" in out.stderr and "Traceback" not in out.stderr
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"<html>not a model</html>")
    out = run("ask", "What is a list?", MOLLY_MODEL_PATH=str(junk))
    assert out.returncode == 2 and "not a GGUF" in out.stderr


def test_bad_setting_is_reported() -> None:
    out = run("ask", "x", MOLLY_TOP_K="0")
    assert out.returncode == 2 and "invalid settings" in out.stderr


def test_ingest_a_mixed_zip_and_ask_in_the_course(tmp_path: Path) -> None:
    import zipfile

    from tests.files import make_notebook, make_pdf

    archive = tmp_path / "week5.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("week5-strings.pdf", make_pdf(["Week 5: strings are immutable.",
                                                  "Use str.split() to break a sentence into a list of words."]))
        z.writestr("slicing.ipynb", make_notebook([("markdown", "# Slicing\nA slice s[a:b] stops before index b."),
                                                   ("code", "print('python'[1:4])")]))
        z.writestr("notes/sets.rst", "Sets\n====\n\nA set holds unique items.\n")
        z.writestr("virus.exe", "MZ")
        z.writestr("../escape.md", "# out")
    out = run("ingest", "--course", "intro-python", str(archive))
    assert out.returncode == 0, out.stderr
    assert "3 added, 2 skipped" in out.stdout and "unsafe path" in out.stdout and "not a supported format" in out.stdout
    assert "file/s" in out.stderr or "s/file" in out.stderr  # the progress bar ran
    again = run("ingest", "--course", "intro-python", str(archive))
    assert "3 unchanged" in again.stdout

    docs = run("course", "docs", "intro-python").stdout
    assert "week5.zip/week5-strings.pdf" in docs and "learner/01-variables-and-types.md" in docs  # + the sample course
    answer = json.loads(run("ask", "--json", "--course", "intro-python", "How do I split a sentence into words?",
                            MOLLY_LLM_BACKEND="fake").stdout)
    course_passages = [p["chunk"] for p in answer["passages"] if p["chunk"]["source"] == "intro-python"]
    assert any(c["locator"] == "page 2" for c in course_passages), course_passages
    assert all(c["visibility"] == "learner" for c in course_passages)

    missing = run("ask", "--course", "nope", "What is a set?", MOLLY_LLM_BACKEND="fake")
    assert missing.returncode == 2 and "no course called 'nope'" in missing.stderr


def test_course_insight_as_text_and_as_an_offline_page(tmp_path: Path) -> None:
    """``molly course insight`` on an empty course, then on one with a class's questions (logged with
    the real MiniLM, as the chat logs them)."""
    from molly.courses.db import CourseDB
    from molly.factory import build_embedder
    from molly.insight.synthetic import seed

    db = CourseDB(Path(os.environ["MOLLY_COURSES_DB"]), build_embedder(Settings()))
    db.ensure_course("insight-empty")
    empty = run("course", "insight", "insight-empty")
    assert empty.returncode == 0 and "no questions yet" in empty.stdout, empty.stderr
    seed(db, "insight-class", 80, start=1.79e9, weeks=4)
    text = run("course", "insight", "insight-class")
    assert text.returncode == 0, text.stderr
    assert "questions in" in text.stdout and "topic\tquestions\tthumbs down" in text.stdout
    page = tmp_path / "insight.html"
    out = run("course", "insight", "insight-class", "--since", "2026-09-01", "--out", str(page))
    assert out.returncode == 0 and "wrote" in out.stdout, out.stderr
    html = page.read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "<script" not in html and "http://" not in html.split("<body>")[0]
    bad = run("course", "insight", "insight-class", "--since", "last week")
    assert bad.returncode != 0 and "YYYY-MM-DD" in bad.stderr
    missing = run("course", "insight", "nope")
    assert missing.returncode != 0 and "no course called 'nope'" in missing.stderr
