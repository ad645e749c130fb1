"""What a course's learners asked, summarised for its instructor: topics with their counts and
troubles, questions per week, gaps in the course material, unanswered questions, declined
requests, and what debugging turns found.

Built from the questions the chat logs (``CourseDB.log_question``): each with its embedding,
citations, intent kind, the badge's standing and the learner's rating. Learners are shown by
pseudonym (a keyed hash of their account name) unless the instructor asks for names, and names
exist only when learners log in with accounts. Not here: clustering (``topics.py``), rendering
(``report.py``, ``ui.py``).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import time
from collections import Counter
from datetime import UTC, datetime

import numpy as np
from pydantic import BaseModel, ConfigDict

from molly.courses.db import CourseDB, StoredQuestion, csv_cell
from molly.insight.topics import cluster, keywords
from molly.schemas import DOCS_BASE_URL

EXAMPLES = 3  # representative questions named per topic
TROUBLE = ("withheld", "not checked")  # standings that count against a topic, with thumbs down


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Topic(_Frozen):
    """A group of similar questions."""

    id: int
    name: str
    keywords: list[str]  # the words most particular to its questions
    sources: list[str]  # the docs entries or course documents its answers cite most
    examples: list[str]  # the questions nearest its centre
    questions: int
    latest_week: int  # of them, asked in the view's latest week: what this week's learners are stuck on
    thumbs_down: int
    withheld: int
    not_checked: int
    troubles: int  # questions with a thumbs down, a withheld or an unchecked answer (each counted once)
    gaps: int


class Asked(_Frozen):
    """One question as the instructor sees it."""

    id: int
    asked: str  # UTC, "2026-12-07 14:03"
    week: str  # ISO week, "2026-W50"
    topic: int
    question: str
    kind: str
    checked: str  # the badge's standing
    rating: str  # "up", "down" or ""
    comment: str
    learner: str  # pseudonym, name (when asked for), or ""
    course_score: float | None  # the best course passage's similarity; None: the course has no material
    docs_cited: bool
    cited: int  # citations shown with the answer (docs and course)
    bug: str  # what a debugging turn found, or ""


class Insight(_Frozen):
    """The insight view of one course."""

    course: str
    since: str  # "" for all time
    asked: int  # questions answered or not, declined requests excluded
    declined: dict[str, int]
    has_material: bool
    floor: float
    weeks: list[tuple[str, int, int]]  # (ISO week, questions, thumbs down)
    topics: list[Topic]
    questions: list[Asked]
    bugs: list[tuple[str, int, int]]  # (what the bug was about, turns, fixes verified)
    functions: list[tuple[str, int, int]]  # (learner's function, turns, fixes verified)

    @property
    def empty(self) -> bool:
        return not self.asked and not self.declined

    @property
    def latest_week(self) -> str:
        """The latest ISO week with a question ('' for none)."""
        return self.weeks[-1][0] if self.weeks else ""

    def in_topic(self, topic: int) -> list[Asked]:
        """The questions of one topic, newest first."""
        return sorted((q for q in self.questions if q.topic == topic), key=lambda q: (q.asked, q.id), reverse=True)

    def gaps(self) -> list[Asked]:
        """Answered from the docs while no course passage came near: what the course lacks."""
        return [q for q in self.questions if _is_gap(q, self.floor)]

    def served_worst(self, n: int) -> list[Topic]:
        """The ``n`` topics with the most troubled answers (none without any)."""
        return sorted((t for t in self.topics if t.troubles), key=lambda t: (-t.troubles, t.id))[:n]

    def most_asked_lately(self, n: int) -> list[Topic]:
        """The ``n`` topics most asked about in the latest week."""
        return sorted((t for t in self.topics if t.latest_week), key=lambda t: (-t.latest_week, t.id))[:n]

    def unanswered(self) -> list[Asked]:
        """Withheld, or answered with nothing cited and nothing run: what nothing answered."""
        return [q for q in self.questions if q.kind != "off_topic" and (
            q.checked == "withheld" or (q.checked in ("not checked", "not recorded") and not q.cited and not q.bug))]

    def topic_name(self, topic: int) -> str:
        return next((t.name for t in self.topics if t.id == topic), "")

    def csv(self, rows: list[Asked]) -> str:
        """Questions as CSV text."""
        return _csv(["id", "asked", "topic", "question", "kind", "checked", "rating", "comment", "learner",
                     "course_score", "docs_cited", "bug"],
                    [[q.id, q.asked, self.topic_name(q.topic), q.question, q.kind, q.checked, q.rating, q.comment,
                      q.learner, "" if q.course_score is None else f"{q.course_score:.3f}", q.docs_cited, q.bug]
                     for q in rows])

    def topics_csv(self) -> str:
        """The topics table as CSV text."""
        return _csv(["topic", "name", "questions", "latest_week", "thumbs_down", "withheld", "not_checked", "gaps",
                     "sources", "examples"],
                    [[t.id, t.name, t.questions, t.latest_week, t.thumbs_down, t.withheld, t.not_checked, t.gaps,
                      "; ".join(t.sources), " | ".join(t.examples)] for t in self.topics])


def _is_gap(q: Asked, floor: float) -> bool:
    return (q.docs_cited and q.checked != "withheld" and q.kind != "off_topic" and q.course_score is not None
            and q.course_score < floor)


def _csv(head: list[str], rows: list[list[object]]) -> str:
    """CSV text whose cells a spreadsheet will not run as formulas (learner text is untrusted)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(head)
    writer.writerows([csv_cell(c) for c in r] for r in rows)
    return out.getvalue()


def parse_since(text: str | None) -> float | None:
    """A ``YYYY-MM-DD`` date (UTC midnight) as Unix time; None or '' for all time."""
    if not text or not text.strip():
        return None
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").replace(tzinfo=UTC).timestamp()
    except ValueError as e:
        from molly.errors import CourseError

        raise CourseError(f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-09-01.") from e


def pseudonym(name: str, salt: bytes) -> str:
    """A learner's stable pseudonym in this database ('' for no account)."""
    return f"learner-{hmac.new(salt, name.encode(), hashlib.sha256).hexdigest()[:6]}" if name else ""


def _short(title: str) -> str:
    """A citation title's innermost part: 'Built-in Functions > open' -> 'open'."""
    for sep in (" › ", " > "):
        title = title.rsplit(sep, 1)[-1]
    return title.strip()


def _bug(stored: str) -> tuple[str, str, bool] | None:
    if not stored:
        return None
    note = json.loads(stored)
    return note["function"], note["kind"], bool(note["fixed"])


def build(db: CourseDB, course: str, *, floor: float, since: str | None = None, names: bool = False,
          seed: int = 0) -> Insight:
    """The insight view of ``course``: questions since ``since`` (YYYY-MM-DD), clustered into
    topics; a question is a gap when its best learner-visible course passage scores below
    ``floor`` (the retriever's floor less the course boost) while the docs answered it."""
    stored = db.questions(course, parse_since(since))
    declined = Counter(q.declined for q in stored if q.declined)
    rows = [q for q in stored if not q.declined]
    vectors = _vectors(db, rows)
    labels, centroids = cluster(vectors, seed=seed)
    view = db.view(course, "learner")
    has_material = len(view) > 0
    course_scores: list[float | None] = [None] * len(rows)
    if has_material and rows:
        course_scores = [hits[0][1] if hits else None for hits in view.search(vectors, 1)]
    salt = db.salt()
    asked = [_asked(q, int(t), s, q.learner if names else pseudonym(q.learner, salt))
             for q, t, s in zip(rows, labels.tolist(), course_scores, strict=True)]
    gap_ids = {q.id for q in asked if _is_gap(q, floor)}
    words = keywords([q.question for q in rows], labels)
    latest = max((q.week for q in asked), default="")
    members = [np.flatnonzero(labels == t) for t in range(len(centroids))]
    topics = [_topic(t, [rows[i] for i in m], vectors[m], centroids[t], words[t], gap_ids, latest)
              for t, m in enumerate(members)]
    return Insight(course=course, since=since or "", asked=len(rows), declined=dict(sorted(declined.items())),
                   has_material=has_material, floor=floor, weeks=_weeks(asked), topics=topics, questions=asked,
                   **_debugging(rows))


def _vectors(db: CourseDB, rows: list[StoredQuestion]) -> np.ndarray:
    """The questions' stored embeddings; rows logged before they were stored are embedded now."""
    missing = [i for i, q in enumerate(rows) if q.vector is None]
    fresh = dict(zip(missing, db.embedder.embed([rows[i].question for i in missing]), strict=True)) if missing else {}
    out = np.zeros((len(rows), db.embedder.dim), dtype=np.float32)
    for i, q in enumerate(rows):
        out[i] = fresh[i] if q.vector is None else q.vector
    return out


def _asked(q: StoredQuestion, topic: int, course_score: float | None, learner: str) -> Asked:
    bug = _bug(q.bug)
    return Asked(id=q.id, asked=time.strftime("%Y-%m-%d %H:%M", time.gmtime(q.asked_at)), week=_week(q.asked_at),
                 topic=topic, question=q.question, kind=q.kind, checked=q.standing or "not recorded",
                 rating={1: "up", -1: "down"}.get(q.rating or 0, ""), comment=q.comment, learner=learner,
                 course_score=None if course_score is None else round(float(course_score), 3),
                 docs_cited=any(url.startswith(DOCS_BASE_URL) for _, url in q.citations), cited=len(q.citations),
                 bug=f"{bug[0]}: {bug[1]}" + (" (fix verified)" if bug[2] else "") if bug else "")


def _week(t: float) -> str:
    year, week, _ = datetime.fromtimestamp(t, UTC).isocalendar()
    return f"{year}-W{week:02d}"


def _weeks(asked: list[Asked]) -> list[tuple[str, int, int]]:
    """(ISO week, questions, thumbs down), oldest first."""
    count = Counter(q.week for q in asked)
    down = Counter(q.week for q in asked if q.rating == "down")
    return [(w, count[w], down[w]) for w in sorted(count)]


def _topic(tid: int, rows: list[StoredQuestion], vectors: np.ndarray, centroid: np.ndarray, words: list[str],
           gap_ids: set[int], latest: str) -> Topic:
    cited = Counter(title for q in rows for title in {_short(t) for t, _ in q.citations})
    # A source names the topic when it is cited in at least a quarter of its questions.
    sources = [t for t, n in cited.most_common(3) if n * 4 >= len(rows)]
    order = np.argsort(-(vectors @ centroid), kind="stable")
    examples = list(dict.fromkeys(rows[i].question.strip() for i in order.tolist()))[:EXAMPLES]
    # Named by what answered it when a source stands out, and by its own words: a source alone can
    # mislead (a cluster of "office hours?" questions near-missed into a datetime entry).
    said = " · ".join(words) or _clip(examples[0] if examples else "", 60)
    name = f"{' · '.join(sources[:2])} — {said}" if sources else said
    return Topic(id=tid, name=name, keywords=words, sources=sources, examples=[_clip(e, 160) for e in examples], questions=len(rows),
                 latest_week=sum(_week(q.asked_at) == latest for q in rows),
                 thumbs_down=sum(q.rating == -1 for q in rows), withheld=sum(q.standing == "withheld" for q in rows),
                 not_checked=sum(q.standing == "not checked" for q in rows),
                 troubles=sum(q.rating == -1 or q.standing in TROUBLE for q in rows), gaps=sum(q.id in gap_ids for q in rows))


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _debugging(rows: list[StoredQuestion]) -> dict[str, list[tuple[str, int, int]]]:
    notes = [b for q in rows if (b := _bug(q.bug))]
    out: dict[str, list[tuple[str, int, int]]] = {}
    for key, names in (("functions", [n[0] or "(no function)" for n in notes]), ("bugs", [n[1] for n in notes])):
        turns = Counter(names)
        fixed = Counter(name for name, n in zip(names, notes, strict=True) if n[2])
        out[key] = [(k, c, fixed[k]) for k, c in turns.most_common(15)]
    return out
