"""What the instructors' page does, without any UI: log in, ingest with progress and cancel,
list and delete documents, edit a course's steering, export learners' questions, and the insight
view of what they asked.

``ui.py`` wires these to Gradio; every action there first checks the session is logged in.
"""

from __future__ import annotations

import queue
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from molly.auth import verify_password
from molly.config import Settings
from molly.courses.db import Audience, CourseDB, check_course_name
from molly.courses.ingest import Ingestor, Progress, Report
from molly.errors import CourseError
from molly.guard.policy import DECLINED_LABELS
from molly.insight import Insight, build
from molly.schemas import CourseProfile

# What the insight view can export as CSV.
INSIGHT_EXPORTS = ("topics", "questions of the chosen topic", "gaps in the material", "unanswered questions",
                   "all questions")

MAX_FAILED_LOGINS = 5
LOCKOUT_S = 60.0


@dataclass
class Session:
    """One browser session's login state (kept server-side by the UI; plain data, since Gradio
    copies state values)."""

    ok: bool = False
    failures: int = 0
    locked_until: float = 0.0
    id: str = field(default_factory=lambda: secrets.token_hex(8))


class InstructorDesk:
    """Instructor actions over one course database."""

    def __init__(self, settings: Settings, db: CourseDB, ingestor: Ingestor) -> None:
        self.settings, self.db, self.ingestor = settings, db, ingestor
        self._export_dir = tempfile.TemporaryDirectory(prefix="molly-export-")
        self._cancels: dict[str, threading.Event] = {}  # session id -> its running ingestion's cancel flag

    def cancel(self, session: Session) -> str:
        """Stop the session's running ingestion after the current file."""
        self.require(session)
        if event := self._cancels.get(session.id):
            event.set()
            return "Cancelling after the current file…"
        return "Nothing is running."

    @property
    def open_without_password(self) -> bool:
        """On loopback with no password configured the page is open (one person, one machine)."""
        return not self.settings.instructor_password_hash and self.settings.host in ("127.0.0.1", "localhost", "::1")

    def login(self, session: Session, password: str) -> str:
        """Log the session in, or say why not; repeated failures lock it out for a minute."""
        now = time.monotonic()
        if session.locked_until > now:
            return f"Too many wrong passwords; try again in {session.locked_until - now:.0f} s."
        if self.open_without_password or verify_password(password or "", self.settings.instructor_password_hash):
            session.ok, session.failures = True, 0
            return "Logged in."
        session.failures += 1
        time.sleep(1.0)  # slows guessing without locking anyone out for one typo
        if session.failures >= MAX_FAILED_LOGINS:
            session.locked_until, session.failures = now + LOCKOUT_S, 0
            return f"Too many wrong passwords; locked for {LOCKOUT_S:.0f} s."
        if not self.settings.instructor_password_hash:
            return "The instructors' page is disabled: set MOLLY_INSTRUCTOR_PASSWORD_HASH (see `molly hash-password`)."
        return "Wrong password."

    @staticmethod
    def require(session: Session) -> None:
        """Refuse any instructor action from a session that has not logged in."""
        if not session.ok:
            raise CourseError("Please log in as an instructor first.")

    def ingest(self, session: Session, course: str, visibility: str, files: list[Path],
               include_outputs: bool = False) -> Iterator[str]:
        """Ingest uploaded ``files``, yielding a status line (counts, current file, ETA) about
        twice a second and the report at the end. ``cancel(session)`` stops it after the current file."""
        self.require(session)
        course = check_course_name((course or "").strip())
        if visibility not in ("learner", "instructor"):
            raise CourseError("Choose who may see the material: learners or instructors only.")
        if not files:
            yield "Choose some files first."
            return
        audience: Audience = "instructor" if visibility == "instructor" else "learner"  # checked above
        yield from self._stream(session, lambda progress, cancel: self.ingestor.run(
            course, files, audience, include_outputs=include_outputs, progress=progress, cancel=cancel))

    def reingest(self, session: Session, course: str, name: str, include_outputs: bool = False) -> Iterator[str]:
        """Parse, chunk and embed a stored document again from its kept upload, with the status
        lines and report of ``ingest``."""
        self.require(session)
        course = check_course_name((course or "").strip())
        if not (name or "").strip():
            yield "Choose a document from the list first."
            return
        yield from self._stream(session, lambda progress, cancel: self.ingestor.reingest(
            course, name.strip(), include_outputs=include_outputs, progress=progress))

    def _stream(self, session: Session, job: Callable[[Progress, threading.Event], Report]) -> Iterator[str]:
        """Run ``job`` in a thread, yielding a status line (counts, current file, ETA) about twice
        a second and the report at the end; ``cancel(session)`` sets the event it is given."""
        cancel = self._cancels[session.id] = threading.Event()
        events: queue.Queue[tuple[int, int, str] | Report | BaseException] = queue.Queue()

        def work() -> None:
            try:
                events.put(job(lambda d, t, n: events.put((d, t, n)), cancel))
            except BaseException as e:  # noqa: BLE001 - handed to the page as a message
                events.put(e)

        t0 = time.monotonic()
        threading.Thread(target=work, name="molly-ingest", daemon=True).start()
        status = "Starting…"
        try:
            while True:
                try:
                    event = events.get(timeout=0.5)
                except queue.Empty:
                    yield status
                    continue
                if isinstance(event, Report):
                    yield event.to_text()
                    return
                if isinstance(event, BaseException):
                    raise event
                done, total, name = event
                elapsed = time.monotonic() - t0
                eta = f", about {elapsed / done * (total - done):.0f} s left" if done else ""
                status = f"{done}/{total} files ({elapsed:.0f} s{eta}) — {name.rsplit('/', 1)[-1]}"
        finally:
            cancel.set()  # the page went away or the run was cancelled: stop after this file
            self._cancels.pop(session.id, None)

    def documents(self, session: Session, course: str) -> list[list[object]]:
        """Rows for the documents table."""
        self.require(session)
        return [[d.name, d.visibility, d.version, d.n_chunks,
                 time.strftime("%Y-%m-%d %H:%M", time.localtime(d.ingested_at)), d.notes]
                for d in self.db.documents(check_course_name(course))]

    def delete(self, session: Session, course: str, name: str) -> str:
        """Delete one document (its chunks go with it)."""
        self.require(session)
        if self.db.delete(check_course_name(course), (name or "").strip()):
            return f"Deleted {name}."
        return f"No document {name!r} in {course}."

    def steering(self, session: Session, course: str) -> CourseProfile:
        """The course's steering (the course is created if new)."""
        self.require(session)
        return self.db.ensure_course(check_course_name(course))

    def save_steering(self, session: Session, course: str, context: str, avoid: str, policy: str,
                      decline: str = "") -> str:
        """Store context, avoid-list (comma-separated), solution policy and the topics to decline
        (one per line)."""
        self.require(session)
        # Validated here: a policy the page did not offer is a ValidationError, not a stored value.
        profile = CourseProfile.model_validate({"name": check_course_name(course), "context": context or "",
                                                "avoid": [a.strip() for a in (avoid or "").split(",") if a.strip()],
                                                "solution_policy": policy,
                                                "decline": [t.strip()[:200] for t in (decline or "").splitlines()
                                                            if t.strip()]})
        self.db.set_profile(profile)
        return f"Saved steering for {course}."

    def export(self, session: Session, course: str) -> Path:
        """The learners' questions and feedback as a CSV file to download."""
        self.require(session)
        course = check_course_name(course)
        path = Path(self._export_dir.name) / f"{course}-questions.csv"
        path.write_text(self.db.export_csv(course), encoding="utf-8")
        return path

    def declined(self, session: Session, course: str) -> list[list[object]]:
        """How many of the course's requests Molly declined, per reason: counts to see what learners
        try, not a list of who (see ``guard/policy.py``)."""
        self.require(session)
        counts = self.db.declined(check_course_name(course))
        return [[DECLINED_LABELS.get(k, k), n] for k, n in counts.items()]

    def feedback(self, session: Session, course: str) -> list[tuple[str, str, str, str, str]]:
        """Learners' latest ratings and comments (this course's and docs-only questions)."""
        self.require(session)
        return self.db.rated(check_course_name(course))

    def insight(self, session: Session, course: str, since: str = "", names: bool = False) -> Insight:
        """What the course's learners asked since ``since`` (YYYY-MM-DD, '' for all time): topics,
        gaps, troubles. Learners appear by pseudonym unless ``names`` (names exist only with learner
        accounts)."""
        self.require(session)
        course = check_course_name((course or "").strip())
        self.db.profile(course)  # a CourseError naming the courses there are
        return build(self.db, course, floor=self.settings.score_floor - self.settings.course_boost, since=since,
                     names=names)

    def insight_csv(self, session: Session, view: Insight | None, which: str, topic: int | None = None) -> Path:
        """One view of the insight as a CSV file to download (``which``: one of ``INSIGHT_EXPORTS``)."""
        self.require(session)
        if view is None:
            raise CourseError("Show the insight first, then export.")
        slug = which.split()[0]
        if which == "topics":
            text = view.topics_csv()
        elif which == "questions of the chosen topic":
            if topic is None:
                raise CourseError("Choose a topic first.")
            text, slug = view.csv(view.in_topic(topic)), f"topic-{topic}"
        elif which == "gaps in the material":
            text = view.csv(view.gaps())
        elif which == "unanswered questions":
            text = view.csv(view.unanswered())
        elif which == "all questions":
            text = view.csv(view.questions)
        else:
            raise CourseError(f"Choose what to export: {', '.join(INSIGHT_EXPORTS)}.")
        folder = Path(self._export_dir.name) / session.id  # two instructors exporting at once keep their own files
        folder.mkdir(exist_ok=True)
        path = folder / f"{view.course}-{slug}.csv"
        path.write_text(text, encoding="utf-8")
        return path
