"""Course materials in one SQLite file: courses, documents, chunks with their vectors, and the
learners' questions with feedback.

SQLite is the single source of truth and every write is one transaction, so a crash (even
``kill -9``) leaves either the whole batch or none of it: no vector without its row, no row
without its vector. The FAISS indexes a learner searches are built from these rows in memory
(``view``), one per course and audience, and rebuilt when the data changes. Instructor-only
chunks never enter a learner view. Not here: parsing files (``molly.ingest``), the ingestion
loop (``ingest.py``).
"""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from molly.errors import CourseError, KnowledgeBaseError
from molly.reflect.badge import standing
from molly.retrieval.embedder import Embedder
from molly.retrieval.store import VectorStore
from molly.schemas import Answer, Chunk, CourseProfile

SCHEMA_VERSION = 3
# Columns added after version 1, with their definitions: added in place when an older file opens.
# Version 3: what the insight view reads (intent kind, the badge in one word, the learner's
# account name if any, what a debugging turn found, the question's embedding).
_ADDED = {"courses": {"decline": "TEXT NOT NULL DEFAULT '[]'"},
          "questions": {"declined": "TEXT NOT NULL DEFAULT ''", "kind": "TEXT NOT NULL DEFAULT ''",
                        "standing": "TEXT NOT NULL DEFAULT ''", "learner": "TEXT NOT NULL DEFAULT ''",
                        "bug": "TEXT NOT NULL DEFAULT ''", "vector": "BLOB"}}
COURSE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,47}$")
Audience = Literal["learner", "instructor"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS courses(
    name TEXT PRIMARY KEY, context TEXT NOT NULL DEFAULT '', avoid TEXT NOT NULL DEFAULT '[]',
    solution_policy TEXT NOT NULL DEFAULT 'hints_only', created_at REAL NOT NULL, decline TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS documents(
    id INTEGER PRIMARY KEY, course TEXT NOT NULL REFERENCES courses(name) ON DELETE CASCADE,
    name TEXT NOT NULL, title TEXT NOT NULL, sha256 TEXT NOT NULL, format TEXT NOT NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('learner', 'instructor')),
    version INTEGER NOT NULL, n_chunks INTEGER NOT NULL, notes TEXT NOT NULL DEFAULT '',
    ingested_at REAL NOT NULL, UNIQUE(course, name));
CREATE TABLE IF NOT EXISTS chunks(
    id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL, locator TEXT NOT NULL,
    vector BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_by_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS originals(
    doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS questions(
    id INTEGER PRIMARY KEY, course TEXT NOT NULL, asked_at REAL NOT NULL, question TEXT NOT NULL,
    answer TEXT NOT NULL, citations TEXT NOT NULL, timings TEXT NOT NULL,
    rating INTEGER, comment TEXT NOT NULL DEFAULT '', declined TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT '', standing TEXT NOT NULL DEFAULT '', learner TEXT NOT NULL DEFAULT '',
    bug TEXT NOT NULL DEFAULT '', vector BLOB);
CREATE INDEX IF NOT EXISTS questions_by_course ON questions(course, asked_at);
"""


@dataclass(frozen=True)
class Document:
    """A stored document, as listed to an instructor."""

    id: int
    course: str
    name: str
    title: str
    format: str
    visibility: str
    version: int
    n_chunks: int
    ingested_at: float
    notes: str


@dataclass(frozen=True)
class StoredQuestion:
    """A learner's question as logged, for the insight view (``vector`` None in rows logged before
    schema version 3)."""

    id: int
    asked_at: float
    question: str
    citations: list[tuple[str, str]]  # (title, url)
    rating: int | None
    comment: str
    declined: str
    kind: str
    standing: str
    learner: str
    bug: str  # a BugNote as JSON, or ''
    vector: np.ndarray | None


@dataclass(frozen=True)
class NewDocument:
    """A parsed, chunked, embedded document ready to be stored."""

    name: str
    title: str
    sha256: str
    format: str
    visibility: Audience
    notes: str
    chunks: list[tuple[str, str, str]]  # (title, text, locator)
    vectors: np.ndarray
    data: bytes = b""  # the file as uploaded, kept so that it can be re-ingested from the list


def check_course_name(name: str) -> str:
    """``name`` if it is a valid course id (lower-case letters, digits, '-' and '_')."""
    if not COURSE_NAME.match(name or ""):
        raise CourseError(f"{name!r} is not a valid course name: use lower-case letters, digits, '-' or '_'.")
    return name


def csv_cell(value: object) -> object:
    """A CSV cell that a spreadsheet will not run as a formula (learner text is untrusted)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _citations(stored: str) -> list[tuple[str, str]]:
    """(title, url) pairs from the citations column: objects since schema 3, bare links before."""
    return [(c["title"], c["url"]) if isinstance(c, dict) else (str(c), str(c)) for c in json.loads(stored or "[]")]


def _anchor(locator: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", locator.lower()).strip("-")


class CourseDB:
    """The course database at ``path``; vectors must come from ``embedder`` (checked on open)."""

    def __init__(self, path: Path, embedder: Embedder) -> None:
        self.path, self.embedder = path, embedder
        self._views: dict[tuple[str, str], tuple[int, VectorStore]] = {}
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=30)
        try:
            con.executescript(_SCHEMA)  # IF NOT EXISTS throughout; executescript commits by itself
        finally:
            con.close()
        with self._connect(write=True) as con:
            for table, columns in _ADDED.items():
                have = {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
                for column, definition in columns.items():
                    if column not in have:
                        con.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
            con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
            if not meta:
                con.executemany("INSERT INTO meta VALUES (?, ?)", [
                    ("schema_version", str(SCHEMA_VERSION)), ("embedder", embedder.name),
                    ("dim", str(embedder.dim)), ("generation", "0")])
            elif meta.get("embedder") != embedder.name or meta.get("dim") != str(embedder.dim):
                raise KnowledgeBaseError(
                    "The course materials were indexed with a different embedding model.",
                    detail=f"{path}: {meta.get('embedder')} ({meta.get('dim')}), now {embedder.name} ({embedder.dim})")

    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection whose ``with`` block is one transaction (committed or rolled back).
        Only writers take the write lock up front; readers (every learner's search checks the
        generation) must not queue behind an ingestion batch."""
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=FULL")
            con.execute("PRAGMA foreign_keys=ON")
            con.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            con.close()

    def _bump(self, con: sqlite3.Connection) -> None:
        con.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")

    def generation(self) -> int:
        """Increases with every change to documents; views are rebuilt when it moves."""
        with self._connect() as con:
            return int(con.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])

    # --- courses ---------------------------------------------------------------------------------

    def ensure_course(self, name: str) -> CourseProfile:
        """The course, created with default steering if new."""
        check_course_name(name)
        with self._connect(write=True) as con:
            con.execute("INSERT OR IGNORE INTO courses(name, created_at) VALUES (?, ?)", (name, time.time()))
        return self.profile(name)

    def courses(self) -> list[str]:
        """Course names, sorted."""
        with self._connect() as con:
            return [r[0] for r in con.execute("SELECT name FROM courses ORDER BY name")]

    def profile(self, name: str) -> CourseProfile:
        """The course's steering; ``CourseError`` if there is no such course."""
        with self._connect() as con:
            row = con.execute("SELECT context, avoid, solution_policy, decline FROM courses WHERE name = ?",
                              (name,)).fetchone()
        if row is None:
            raise CourseError(f"There is no course called {name!r}.", detail=f"courses: {', '.join(self.courses()) or 'none'}")
        return CourseProfile(name=name, context=row[0], avoid=json.loads(row[1]), solution_policy=row[2],
                             decline=json.loads(row[3]))

    def set_profile(self, profile: CourseProfile) -> None:
        """Store the course's steering (creating the course if new)."""
        self.ensure_course(profile.name)
        with self._connect(write=True) as con:
            con.execute("UPDATE courses SET context = ?, avoid = ?, solution_policy = ?, decline = ? WHERE name = ?",
                        (profile.context, json.dumps(profile.avoid), profile.solution_policy,
                         json.dumps(profile.decline), profile.name))

    # --- documents -------------------------------------------------------------------------------

    def documents(self, course: str) -> list[Document]:
        """The course's documents, by name."""
        with self._connect() as con:
            rows = con.execute("SELECT id, course, name, title, format, visibility, version, n_chunks, ingested_at, "
                               "notes FROM documents WHERE course = ? ORDER BY name", (course,)).fetchall()
        return [Document(*r) for r in rows]

    def find(self, course: str, sha256: str) -> list[tuple[str, str]]:
        """(name, visibility) of documents in ``course`` with this content hash."""
        with self._connect() as con:
            return con.execute("SELECT name, visibility FROM documents WHERE course = ? AND sha256 = ?",
                               (course, sha256)).fetchall()

    def version_of(self, course: str, name: str) -> int:
        """The stored version of document ``name`` (0 if none)."""
        with self._connect() as con:
            row = con.execute("SELECT version FROM documents WHERE course = ? AND name = ?", (course, name)).fetchone()
        return row[0] if row else 0

    def add(self, course: str, docs: list[NewDocument]) -> None:
        """Store a batch of documents in one transaction; a document with the same name is
        replaced (its version goes up, its old chunks go)."""
        if not docs:
            return
        with self._connect(write=True) as con:
            for doc in docs:
                if len(doc.vectors) != len(doc.chunks) or (len(doc.vectors) and doc.vectors.shape[1] != self.embedder.dim):
                    raise ValueError(f"{doc.name}: {len(doc.chunks)} chunks but vectors of shape {doc.vectors.shape}")
                old = con.execute("SELECT version FROM documents WHERE course = ? AND name = ?",
                                  (course, doc.name)).fetchone()
                con.execute("DELETE FROM documents WHERE course = ? AND name = ?", (course, doc.name))
                cur = con.execute(
                    "INSERT INTO documents(course, name, title, sha256, format, visibility, version, n_chunks, notes, "
                    "ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (course, doc.name, doc.title, doc.sha256, doc.format, doc.visibility, (old[0] if old else 0) + 1,
                     len(doc.chunks), doc.notes, time.time()))
                if doc.data:
                    con.execute("INSERT INTO originals(doc_id, data) VALUES (?, ?)", (cur.lastrowid, doc.data))
                con.executemany(
                    "INSERT INTO chunks(doc_id, ord, title, text, locator, vector) VALUES (?, ?, ?, ?, ?, ?)",
                    [(cur.lastrowid, i, t, x, loc, np.asarray(v, dtype=np.float32).tobytes())
                     for i, ((t, x, loc), v) in enumerate(zip(doc.chunks, doc.vectors, strict=True))])
            self._bump(con)

    def original(self, course: str, name: str) -> tuple[bytes, str, Audience] | None:
        """Document ``name`` as it was uploaded, its format and visibility; None if it is not
        stored (a document ingested before originals were kept, or no such document)."""
        with self._connect() as con:
            row = con.execute("SELECT o.data, d.format, d.visibility FROM documents d JOIN originals o ON o.doc_id = d.id "
                              "WHERE d.course = ? AND d.name = ?", (course, name)).fetchone()
        return (bytes(row[0]), row[1], "instructor" if row[2] == "instructor" else "learner") if row else None

    def delete(self, course: str, name: str) -> bool:
        """Remove document ``name`` and its chunks; False if there was none."""
        with self._connect(write=True) as con:
            gone = con.execute("DELETE FROM documents WHERE course = ? AND name = ?", (course, name)).rowcount
            self._bump(con)
        return bool(gone)

    # --- retrieval views -------------------------------------------------------------------------

    def view(self, course: str, audience: Audience) -> VectorStore:
        """A FAISS store over the course's chunks that ``audience`` may see. For learners it holds
        learner-visible chunks only, so instructor-only material cannot be returned at all."""
        import faiss

        generation = self.generation()
        with self._lock:
            cached = self._views.get((course, audience))
            if cached and cached[0] == generation:
                return cached[1]
            where = "d.course = ?" + (" AND d.visibility = 'learner'" if audience == "learner" else "")
            with self._connect() as con:
                rows = con.execute(
                    "SELECT c.id, d.name, d.title, d.visibility, c.ord, c.title, c.text, c.locator, c.vector "
                    f"FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE {where} ORDER BY c.id", (course,)).fetchall()
            chunks = [Chunk(id=f"{course}:{cid}", source=course, page=name, anchor=_anchor(loc), title=title,
                            text=text, visibility=vis, locator=loc)
                      for cid, name, _doc_title, vis, _ord, title, text, loc, _v in rows]
            index = faiss.IndexFlatIP(self.embedder.dim)
            if rows:
                index.add(np.frombuffer(b"".join(r[8] for r in rows), dtype=np.float32).reshape(len(rows), -1))
            store = VectorStore(index, chunks, {"course": course, "audience": audience, "generation": generation})
            self._views[(course, audience)] = (generation, store)
            return store

    # --- learners' questions and feedback ---------------------------------------------------------

    def log_question(self, course: str, question: str, answer: Answer, learner: str = "",
                     asked_at: float | None = None) -> int:
        """Record a learner's question and the answer shown, with what the insight view reads: its
        citations (title and link), intent kind, badge standing, what a debugging turn found, the
        learner's account name ('' without accounts) and the question's embedding. Returns its id
        (for feedback)."""
        vector = np.asarray(self.embedder.embed([question])[0], dtype=np.float32).tobytes()
        citations = [{"title": c.title, "url": c.url} for c in answer.citations]
        with self._connect(write=True) as con:
            cur = con.execute(
                "INSERT INTO questions(course, asked_at, question, answer, citations, timings, declined, kind, standing, "
                "learner, bug, vector) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (course, time.time() if asked_at is None else asked_at, question, answer.text, json.dumps(citations),
                 json.dumps(answer.timings), answer.declined, answer.intent.kind.value, standing(answer), learner,
                 answer.bug.model_dump_json() if answer.bug else "", vector))
            return int(cur.lastrowid or 0)

    def feedback(self, question_id: int, rating: int | None, comment: str = "") -> None:
        """Thumbs up (1) or down (-1) and/or a comment for a logged answer; ``None`` or an empty
        comment keeps what was there."""
        with self._connect(write=True) as con:
            con.execute("UPDATE questions SET rating = COALESCE(?, rating), comment = CASE WHEN ? = '' THEN comment "
                        "ELSE ? END WHERE id = ?", (rating, comment[:2000], comment[:2000], question_id))

    def rated(self, course: str, limit: int = 200) -> list[tuple[str, str, str, str, str]]:
        """The latest answers learners rated or commented on, in ``course`` or asked with the docs
        only: (asked at, course, question, rating, comment)."""
        with self._connect() as con:
            rows = con.execute("SELECT asked_at, course, question, rating, comment FROM questions WHERE course IN (?, '') "
                               "AND (rating IS NOT NULL OR comment != '') ORDER BY id DESC LIMIT ?",
                               (course, limit)).fetchall()
        return [(time.strftime("%Y-%m-%d %H:%M", time.gmtime(t)), c or "(docs only)", q,
                 {1: "up", -1: "down"}.get(r, ""), m) for t, c, q, r, m in rows]

    def declined(self, course: str) -> dict[str, int]:
        """How many of the course's requests were declined, per reason (``guard/policy.py``)."""
        with self._connect() as con:
            rows = con.execute("SELECT declined, COUNT(*) FROM questions WHERE course = ? AND declined != '' "
                               "GROUP BY declined ORDER BY declined", (course,)).fetchall()
        return {str(r): int(n) for r, n in rows}

    def questions(self, course: str, since: float | None = None) -> list[StoredQuestion]:
        """The course's logged questions (asked at or after ``since``, a Unix time), oldest first."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT id, asked_at, question, citations, rating, comment, declined, kind, standing, learner, bug, "
                "vector FROM questions WHERE course = ? AND asked_at >= ? ORDER BY asked_at, id",
                (course, since if since is not None else float("-inf"))).fetchall()
        return [StoredQuestion(r[0], r[1], r[2], _citations(r[3]), r[4], r[5], r[6], r[7], r[8], r[9], r[10],
                               np.frombuffer(r[11], dtype=np.float32) if r[11] else None) for r in rows]

    def salt(self) -> bytes:
        """A random secret of this database, made on first use: learners' pseudonyms are keyed
        with it, so they are stable here and cannot be matched across databases."""
        with self._connect(write=True) as con:
            row = con.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()
            if row is None:
                row = (secrets.token_hex(16),)
                con.execute("INSERT INTO meta VALUES ('salt', ?)", row)
        return bytes.fromhex(row[0])

    def export_csv(self, course: str) -> str:
        """The course's learner questions with answers and feedback, as CSV text (no learner names)."""
        with self._connect() as con:
            rows = con.execute("SELECT id, asked_at, question, answer, citations, rating, comment, declined, kind, "
                               "standing FROM questions WHERE course = ? ORDER BY id", (course,)).fetchall()
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["id", "asked_at", "question", "answer", "citations", "rating", "comment", "declined", "kind",
                         "checked"])
        for r in rows:
            writer.writerow([r[0], time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(r[1])), *map(csv_cell, r[2:])])
        return out.getvalue()
