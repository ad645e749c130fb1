"""The insight view as one self-contained HTML page (charts inlined as PNG): opens offline, can be
mailed to a colleague. Learner text is escaped; nothing on the page runs script.

Not here: computing the view (``summary.py``).
"""

from __future__ import annotations

import html
from typing import Any

from molly.charts import png, pyplot
from molly.guard.policy import DECLINED_LABELS
from molly.insight.summary import Asked, Insight

SHOWN_TOPICS = 15  # bars in the topics chart; the table lists them all


def charts(view: Insight) -> list[tuple[str, str]]:
    """(title, PNG data URI) for questions per week and questions per topic."""
    if view.empty:
        return []
    plt = pyplot()
    out = []
    if view.weeks:
        weeks = [w for w, _, _ in view.weeks]
        fig, ax = plt.subplots(figsize=(max(5.0, 0.5 * len(weeks)), 3.0))
        ax.bar(weeks, [n for _, n, _ in view.weeks], color="#4C72B0", label="questions")
        ax.bar(weeks, [d for _, _, d in view.weeks], color="#C44E52", label="thumbs down")
        ax.set_ylabel("questions")
        ax.tick_params(axis="x", rotation=45)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        out.append(("Questions per week", png(fig)))
    shown = view.topics[:SHOWN_TOPICS]
    if shown:
        fig, ax = plt.subplots(figsize=(7.5, 0.35 * len(shown) + 1.2))
        names = [f"{t.id}: {t.name[:48]}" for t in shown][::-1]
        ax.barh(names, [t.questions for t in shown][::-1], color="#4C72B0", label="questions")
        ax.barh(names, [t.troubles for t in shown][::-1], color="#C44E52",
                label="thumbs down, withheld or not checked")
        ax.set_xlabel("questions")
        ax.legend(loc="lower right")
        out.append(("Questions per topic", png(fig)))
    return out


def _table(head: list[str], rows: list[list[Any]]) -> str:
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def _questions(view: Insight, rows: list[Asked]) -> list[list[Any]]:
    return [[q.asked, view.topic_name(q.topic), q.question[:300], q.checked, q.rating,
             "" if q.course_score is None else f"{q.course_score:.2f}"] for q in rows]


def render(view: Insight) -> str:
    """The page."""
    title = f"What {view.course}'s learners asked" + (f" since {view.since}" if view.since else "")
    parts = [f"<h1>{html.escape(title)}</h1>"]
    if view.empty:
        parts.append("<p>No questions yet. When learners ask Molly about this course, their questions appear here, "
                     "grouped into topics.</p>")
        return _page(title, parts)
    withheld = sum(t.withheld for t in view.topics)
    down = sum(t.thumbs_down for t in view.topics)
    parts.append(f"<p>{view.asked} questions in {len(view.topics)} topics · {down} thumbs down · {withheld} withheld"
                 f" · {sum(view.declined.values())} requests declined.</p>")
    parts += [f"<h2>{html.escape(t)}</h2><img alt='{html.escape(t)}' src='{uri}'>" for t, uri in charts(view)]
    parts.append("<h2>Topics</h2>" + _table(
        ["#", "topic", "questions", f"in {view.latest_week}", "thumbs down", "withheld", "not checked", "gaps",
         "example questions"],
        [[t.id, t.name, t.questions, t.latest_week, t.thumbs_down, t.withheld, t.not_checked, t.gaps,
          " | ".join(t.examples)] for t in view.topics]))
    worst = view.served_worst(5)
    if worst:
        parts.append("<h2>Where answers served learners worst</h2>" + _table(
            ["#", "topic", "thumbs down", "withheld", "not checked"],
            [[t.id, t.name, t.thumbs_down, t.withheld, t.not_checked] for t in worst]))
    head = ["asked", "topic", "question", "checked", "rating", "best course passage"]
    if not view.has_material:
        parts.append("<h2>Gaps in the course material</h2><p>No learner material is loaded for this course, so every "
                     "answer came from the Python docs.</p>")
    else:
        gaps = view.gaps()
        parts.append(f"<h2>Gaps in the course material ({len(gaps)})</h2><p>Answered from the Python docs while no "
                     f"course passage scored above {view.floor:.2f}.</p>" + _table(head, _questions(view, gaps[:200])))
    unanswered = view.unanswered()
    parts.append(f"<h2>Questions nothing answered ({len(unanswered)})</h2>" + _table(head, _questions(view, unanswered[:200])))
    if view.functions:
        parts.append("<h2>Debugging: failing functions</h2>" + _table(
            ["function", "turns", "fix verified"], [list(r) for r in view.functions]))
        parts.append("<h2>Debugging: what the bugs were about</h2>" + _table(
            ["bug", "turns", "fix verified"], [list(r) for r in view.bugs]))
    if view.declined:
        parts.append("<h2>Declined requests</h2>" + _table(
            ["reason", "requests"], [[DECLINED_LABELS.get(k, k), n] for k, n in view.declined.items()]))
    return _page(title, parts)


def _page(title: str, parts: list[str]) -> str:
    style = ("body{font-family:system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em}"
             "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .5em;"
             "vertical-align:top;text-align:left}img{max-width:100%}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; img-src data:; style-src "
            f"'unsafe-inline'\"><style>{style}</style></head><body>{''.join(parts)}</body></html>")
