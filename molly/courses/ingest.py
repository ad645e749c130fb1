"""The ingestion loop: files -> refused or parsed (in the worker) -> chunks -> embedded in
batches -> stored one batch per transaction, with progress, cancel and a report.

Re-ingesting is idempotent: a file whose content is already stored under the same name and
visibility is reported ``unchanged`` and embeds nothing; the same content under another name is
a ``duplicate``; new content under a stored name ``replaced`` the old version. A crash loses at
most the batch in flight, and running the same command again finishes the job.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from molly.courses.db import Audience, CourseDB, NewDocument
from molly.errors import CourseError
from molly.ingest.chunking import balance_fences, split_text
from molly.ingest.formats import Parsed, ParseError
from molly.ingest.sources import Item, Limits, collect
from molly.ingest.worker import ParseWorker

# Course chunk size; not measured (docs chunks: ingest/chunking.MAX_CHARS = 1200).
CHUNK_CHARS = 1000
Progress = Callable[[int, int, str], None]  # (files done, files total, current file name)


@dataclass(frozen=True)
class FileResult:
    """What happened to one file."""

    name: str
    status: str  # added | replaced | unchanged | duplicate | skipped | failed | cancelled
    chunks: int = 0
    reason: str = ""


@dataclass
class Report:
    """The outcome of one ingestion run, file by file."""

    course: str
    results: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    cancelled: bool = False

    def count(self, *statuses: str) -> int:
        """How many files ended with one of ``statuses``."""
        return sum(r.status in statuses for r in self.results)

    @property
    def chunks_added(self) -> int:
        return sum(r.chunks for r in self.results if r.status in ("added", "replaced"))

    def summary(self) -> str:
        """One line: counts by outcome, chunks stored and time taken."""
        parts = [f"{self.count(s)} {s}" for s in ("added", "replaced", "unchanged", "duplicate", "skipped",
                                                    "failed", "cancelled") if self.count(s)]
        return (f"{self.course}: {', '.join(parts) or 'nothing to do'}; {self.chunks_added} chunks stored "
                f"in {self.seconds:.1f} s" + (" (cancelled)" if self.cancelled else ""))

    def to_text(self) -> str:
        """The summary, then every file that was not simply added, with its reason."""
        lines = [self.summary()]
        for r in self.results:
            tail = f" — {r.reason}" if r.reason else ""
            lines.append(f"  {r.status:<9} {r.name}" + (f" ({r.chunks} chunks)" if r.chunks else "") + tail)
        return "\n".join(lines)


def count_files(paths: list[Path]) -> int:
    """A quick count of the files ``collect`` will consider (for the progress total)."""
    import zipfile

    n = 0
    for root in paths:
        files = [p for p in root.rglob("*") if p.is_file()] if root.is_dir() and not root.is_symlink() else [root]
        for f in files:
            if f.suffix.lower() == ".zip" and f.is_file() and not f.is_symlink():
                try:
                    with zipfile.ZipFile(f) as z:
                        n += sum(not i.is_dir() for i in z.infolist())
                    continue
                except (zipfile.BadZipFile, OSError, ValueError):
                    pass
            n += 1
    return n


def to_chunks(parsed: Parsed) -> list[tuple[str, str, str]]:
    """(title, text, locator) per chunk: each section split on paragraph boundaries."""
    out = []
    for s in parsed.sections:
        for piece in balance_fences(split_text(s.text, CHUNK_CHARS)):
            out.append((s.title, piece, s.locator))
    return out


class Ingestor:
    """Runs ingestion into ``db`` with ``embedder`` vectors; one instance per run or reused."""

    def __init__(self, db: CourseDB, limits: Limits | None = None, *, batch_chunks: int = 256,
                 parse_memory_mb: int = 1024, parse_timeout_s: float = 20.0) -> None:
        self.db, self.limits, self.batch_chunks = db, limits or Limits(), batch_chunks
        self.parse_memory_mb, self.parse_timeout_s = parse_memory_mb, parse_timeout_s

    def run(self, course: str, paths: list[Path], visibility: Audience = "learner", *,
            include_outputs: bool = False, progress: Progress | None = None,
            cancel: threading.Event | None = None) -> Report:
        """Ingest ``paths`` into ``course``; ``cancel`` stops after the current file (what was
        already parsed is still stored) and the rest is reported ``cancelled``."""
        return self._run(course, collect(paths, self.limits), count_files(paths), visibility, include_outputs,
                         progress, cancel)

    def reingest(self, course: str, name: str, *, include_outputs: bool = False,
                 progress: Progress | None = None) -> Report:
        """Parse, chunk and embed stored document ``name`` again from the file as it was uploaded
        (after an upgrade of Molly's parsers, or to keep or drop notebook outputs); its version
        goes up. ``CourseError`` if the upload was not kept (ingested before originals were)."""
        stored = self.db.original(course, name)
        if stored is None:
            raise CourseError(f"{name!r} cannot be re-ingested: its file was not kept (it was ingested before Molly "
                              "kept uploads, or it is not in this course). Upload it again instead.")
        data, fmt, visibility = stored
        return self._run(course, iter([Item(name, data, fmt or None)]), 1, visibility, include_outputs, progress,
                         None, again=name)

    def _run(self, course: str, items: Iterator[Item], total: int, visibility: Audience, include_outputs: bool,
             progress: Progress | None, cancel: threading.Event | None, again: str = "") -> Report:
        """The loop over ``items``; ``again``: the name of a stored document to parse anew even
        though its content is unchanged."""
        t0 = time.perf_counter()
        self.db.ensure_course(course)
        report = Report(course)
        pending: list[tuple[Item, str, Parsed, list[tuple[str, str, str]], bool]] = []
        seen: dict[str, str] = {}  # sha256 -> name of a file parsed in this run
        failed: dict[str, str] = {}  # sha256 -> why it could not be read (same bytes, same answer)
        done = 0

        def flush() -> None:
            if not pending:
                return
            texts = [f"{t}\n{x}" for *_, chunks, _ in pending for t, x, _ in chunks]
            vectors = self.db.embedder.embed(texts)
            docs, at = [], 0
            for item, sha, parsed, chunks, _ in pending:
                docs.append(NewDocument(item.name, parsed.title, sha, item.fmt or "", visibility,
                                        "; ".join(parsed.notes), chunks, vectors[at:at + len(chunks)],
                                        item.data or b""))
                at += len(chunks)
            self.db.add(course, docs)
            for item, _, parsed, chunks, replacing in pending:
                report.results.append(FileResult(item.name, "replaced" if replacing else "added", len(chunks),
                                                 "; ".join(parsed.notes)))
            pending.clear()

        with ParseWorker(self.parse_memory_mb, self.parse_timeout_s, include_outputs) as worker:
            for item in items:
                if cancel is not None and cancel.is_set():
                    report.cancelled = True
                    report.results.append(FileResult(item.name, "cancelled", reason="not reached: cancelled"))
                    continue
                if progress:
                    progress(done, max(total, done + 1), item.name)
                result = self._one(course, item, visibility, worker, seen, failed, pending, item.name == again)
                if result is not None:
                    report.results.append(result)
                if sum(len(p[3]) for p in pending) >= self.batch_chunks:
                    flush()
                done += 1
            flush()
        if progress:
            progress(max(total, done), max(total, done), "")
        report.seconds = time.perf_counter() - t0
        return report

    def _one(self, course: str, item: Item, visibility: Audience, worker: ParseWorker, seen: dict[str, str],
             failed: dict[str, str], pending: list, again: bool = False) -> FileResult | None:
        if item.refused or item.data is None:
            return FileResult(item.name, "skipped", reason=item.refused)
        sha = hashlib.sha256(item.data).hexdigest()
        base = item.name.rsplit("/", 1)[-1]
        if sha in failed:
            return FileResult(item.name, "failed", reason=f"{base} {failed[sha]}")
        stored = [] if again else self.db.find(course, sha)
        if (item.name, visibility) in stored:
            return FileResult(item.name, "unchanged", reason="already stored; nothing embedded")
        if stored or sha in seen:
            other = stored[0][0] if stored else seen[sha]
            return FileResult(item.name, "duplicate", reason=f"same content as {other}; not stored twice")
        try:
            parsed = worker.parse(item.name, item.fmt or "", item.data)
        except ParseError as e:
            failed[sha] = str(e)
            return FileResult(item.name, "failed", reason=f"{base} {e}")
        seen[sha] = item.name
        replacing = self.db.version_of(course, item.name) > 0
        pending.append((item, sha, parsed, to_chunks(parsed), replacing))
        return None
