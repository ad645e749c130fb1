"""The browser chat (Gradio Blocks). Thin: it shows what ``Tutor.run`` yields, nothing more.

``gradio`` is imported here and nowhere else. Not here: any answering logic.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from molly.agent import Draft, Stage, Tutor
from molly.config import Settings
from molly.courses.db import CourseDB
from molly.errors import MollyError
from molly.guard.policy import DECLINED_LABELS
from molly.guard.safety import sanitize
from molly.instructors import InstructorDesk, Session
from molly.learners import LearnerAccounts, RateLimiter
from molly.reflect.badge import badge
from molly.schemas import Answer, Citation

logger = logging.getLogger(__name__)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
STAGE_LABELS = {"understanding": "Understanding your question", "searching the docs": "Searching the Python docs",
                "drafting": "Drafting an answer", "checking": "Checking the draft against the docs"}
EXAMPLES = ["How do I read a file line by line?", "What is the difference between a list and a tuple?",
            "Why do I get IndexError: list index out of range?"]
DOCS_ONLY = "Python docs only"


def _source(c: Citation) -> str:
    """A docs citation links to docs.python.org; a course document is named with its page or cell."""
    if c.url.startswith("https://"):
        return f"{c.id}. [{_md_escape(c.title)}]({c.url})"
    return f"{c.id}. Course material: {_md_escape(c.title)}"


# Check names said as what they did: "claims supported" read as a promise about meaning, and the
# check compares words (or asks the model); see reflect/badge.py.
CHECK_LABELS = {"claims_supported": "sentences compared with the docs"}


def render_answer(answer: Answer) -> str:
    """Markdown for the chat bubble: a checks badge, the answer, numbered sources, the checks."""
    parts = [b] if (b := badge(answer)) else []
    parts.append(answer.text)
    if answer.citations:
        parts.append("**Sources**\n" + "\n".join(_source(c) for c in answer.citations))
    passed = sum(c.passed for c in answer.checks)
    parts.append(f"<sub>Checks: {passed}/{len(answer.checks)} passed · "
                 + " · ".join(f"{'✓' if c.passed else '✗'} {CHECK_LABELS.get(c.name, c.name.replace('_', ' '))}"
                              for c in answer.checks)
                 + f" · {answer.timings.get('total', 0):.1f} s</sub>")
    return "\n\n".join(parts)


def render_claims(answer: Answer) -> str:
    """Markdown list of the draft's sentences with their verdicts (removed ones say so). Claim
    texts come guarded and sanitised from the tutor, like the answer; sanitised again here."""
    mark = {"supported": "✓", "unsupported": "✗", "unchecked": "?", "not_a_claim": "·"}
    lines = []
    for c in answer.claims:
        words = c.text.split()
        head = " ".join(words[:12]) + (" …" if len(words) > 12 else "")
        state = "" if c.shown else "removed: "
        lines.append(f"- {mark[c.verdict]} {state}“{_md_escape(sanitize(head))}” — {_md_escape(c.reason)}")
    return "**How each sentence was checked**\n" + "\n".join(lines) if lines else ""


def render_passages(answer: Answer) -> str:
    """Markdown for the evidence panel: how each sentence was checked, then each passage used,
    with its link and score."""
    if not answer.passages:
        return "_No documentation passages were used for this answer._"
    claims = render_claims(answer)
    def head(p: Any) -> str:
        if p.chunk.source == "pydocs":
            return f"**[{p.ref}] [{_md_escape(p.chunk.title)}]({p.chunk.url})**"
        return f"**[{p.ref}] Course material: {_md_escape(p.chunk.where)}**"

    return "\n\n".join([claims] * bool(claims) + [
        f"{head(p)} · similarity {p.score:.2f}\n\n"
        f"> {sanitize(_quote(p.chunk.text[:600])).replace(chr(10), chr(10) + '> ')}"
        for p in answer.passages])


def _quote(text: str) -> str:
    """Passage text for Markdown: HTML escaped in prose, code fences left verbatim (Markdown shows
    them as text already; escaping them too would print ``&gt;&gt;&gt;``)."""
    if text.count("```") % 2:  # a fence cut off by the 600-character preview
        text += "\n```"
    parts = re.split(r"(```.*?```)", text, flags=re.S)
    return "".join(part if i % 2 else html.escape(part, quote=False) for i, part in enumerate(parts))


def _md_escape(text: str) -> str:
    return text.replace("[", "(").replace("]", ")")


def respond(tutor: Tutor, message: str, history: list[dict[str, Any]], course: str | None = None,
            turns: list[tuple[str, str]] | None = None, log: CourseDB | None = None,
            answered: Any = None, learner: str = "") -> Iterator[tuple[list[dict[str, Any]], str, str]]:
    """Stream the turn: stage lines (done ones ticked, with their time), the draft marked
    unchecked while it is checked, then the checked answer in its place. With a ``course``
    its materials are searched too. ``turns`` (earlier questions and answers) make follow-ups
    work; with a ``log`` the turn is recorded (for feedback and the instructor's export) and
    ``answered(question, answer, question_id)`` is told about it; ``learner`` is the learner's
    account name ('' without accounts), kept for the instructor's insight view."""
    history = [*history, {"role": "user", "content": message}]
    stages: list[list[str]] = []  # [label, status line]
    draft, writing = "", False

    def progress() -> list[dict[str, Any]]:
        text = "\n\n".join(line for _, line in stages)
        if draft:
            doing = "being written" if writing else "being checked against the docs"
            text += f"\n\n---\n_Unchecked draft — {doing}:_\n\n" + draft
        return [*history, {"role": "assistant", "content": text}]

    try:
        for event in tutor.run(message, course=course, history=turns):
            if isinstance(event, Stage):
                label = STAGE_LABELS.get(event.name)
                if not event.done and label:
                    stages.append([label, f"… {label} (started at {event.elapsed:.0f} s)"])
                elif event.done and stages:
                    stages[-1][1] = f"✓ {stages[-1][0]} (done at {event.elapsed:.0f} s)"
                yield progress(), "", ""
            elif isinstance(event, Draft):
                draft, writing = event.text, event.partial
                yield progress(), "", ""
            elif isinstance(event, Answer):
                qid = log.log_question(course or "", message, event, learner) if log is not None else None
                if answered is not None:
                    answered(message, event.text, qid)
                yield ([*history, {"role": "assistant", "content": render_answer(event)}], "", render_passages(event))
    except MollyError as e:
        yield [*history, {"role": "assistant", "content": f"⚠ {e.user_message}"}], "", ""
    except Exception:  # never show a traceback to a learner
        logger.exception("turn failed")
        yield [*history, {"role": "assistant", "content": "⚠ Something went wrong on my side. Please try again."}], "", ""


def build_ui(tutor: Tutor, desk: InstructorDesk | None = None) -> Any:
    """The Gradio Blocks app (not launched): the learners' chat, and with a ``desk`` the
    instructors' page and learners' feedback (stored in the desk's course database)."""
    import gradio as gr

    settings = tutor.settings
    courses = desk.db.courses() if desk is not None else []
    log = desk.db if desk is not None else None
    limiter = RateLimiter(settings.rate_limit_questions, settings.rate_limit_window_s)
    with gr.Blocks(title="Molly — Python tutor") as demo:
        gr.Markdown("## Molly — a Python tutor\nAnswers from the Python 3.11 documentation and your course's "
                    "materials, with sources, checked before you see them.")
        with gr.Tab("Ask Molly"):
            course = gr.Dropdown([DOCS_ONLY, *courses], value=courses[0] if courses else DOCS_ONLY, label="Course",
                                 elem_id="course", visible=bool(courses))
            chat = gr.Chatbot(label="Molly", height=520, buttons=["copy"], elem_id="chat")
            box = gr.Textbox(placeholder="Ask a Python question… (Enter to send)", show_label=False,
                             elem_id="question", max_length=settings.max_question_chars)
            with gr.Accordion("Passages used", open=False, elem_id="passages"):
                evidence = gr.Markdown(elem_id="evidence")
            convo = gr.State(list)  # this browser session's answered turns: question, answer, question id, index
            if log is not None:
                with gr.Row():
                    comment = gr.Textbox(placeholder="Optional: tell your teacher what was wrong or helpful",
                                         show_label=False, elem_id="comment", scale=4, max_length=2000)
                    send = gr.Button("Send feedback", elem_id="send-feedback", scale=1)
                thanks = gr.Markdown(elem_id="feedback-status")
            gr.Examples(EXAMPLES, inputs=box)

        def turn(message: str, history: list[dict[str, Any]], chosen: str | None, done: list[dict[str, Any]],
                 request: gr.Request) -> Iterator[tuple[list[dict[str, Any]], str, str, list[dict[str, Any]]]]:
            history = history or []
            # A learner is their login off loopback, else their browser session.
            learner = getattr(request, "username", None) or getattr(request, "session_hash", None) or "local"
            try:
                limiter.take(str(learner))
            except MollyError as e:
                yield [*history, {"role": "user", "content": message},
                       {"role": "assistant", "content": f"⚠ {e.user_message}"}], "", "", done
                return
            picked = chosen if chosen and chosen != DOCS_ONLY and chosen in (desk.db.courses() if desk else []) else None
            done = list(done or [])

            def answered(q: str, text: str, qid: int | None) -> None:
                done.append({"q": q, "a": text, "qid": qid, "index": len(history) + 1})

            prior = [(t["q"], t["a"]) for t in done]
            # Only an account name is kept with the question (shown to instructors by pseudonym).
            account = str(getattr(request, "username", None) or "")
            for out in respond(tutor, message, history, picked, prior, log, answered, account):
                yield (*out, done)

        # Gradio finds its special arguments by type hint; this module's hints are strings (PEP 563)
        # naming a lazily imported module, so give it the real classes.
        turn.__annotations__["request"] = gr.Request
        box.submit(turn, [box, chat, course, convo], [chat, box, evidence, convo],
                   concurrency_limit=settings.answer_slots, api_name="ask")

        if log is not None:
            def rate(done: list[dict[str, Any]], data: gr.LikeData) -> str:
                qid = next((t["qid"] for t in done or [] if t["index"] == data.index), None)
                if qid is None:
                    return "Feedback goes on Molly's answers."
                log.feedback(qid, 1 if data.liked else -1)
                return "Thanks — your feedback was saved for your teacher."

            def remark(done: list[dict[str, Any]], text: str) -> tuple[str, str]:
                if not done or not text.strip():
                    return "Ask a question first; then you can comment on the answer.", text
                log.feedback(done[-1]["qid"], None, text.strip())
                return "Thanks — your comment on the last answer was saved for your teacher.", ""

            rate.__annotations__["data"] = gr.LikeData
            chat.like(rate, convo, thanks)
            send.click(remark, [convo, comment], [thanks, comment], api_name="feedback")
            comment.submit(remark, [convo, comment], [thanks, comment])
        if desk is not None:
            _instructors_tab(gr, desk, courses)
    return demo


def _instructors_tab(gr: Any, desk: InstructorDesk, courses: list[str]) -> None:
    """Log in, then: materials (upload with progress and cancel, documents, steering, export) and
    the insight view of what learners asked."""
    s = desk.settings
    with gr.Tab("Instructors") as tab:
        session = gr.State(lambda: Session())  # a callable: a fresh login state per browser session
        with gr.Row():
            password = gr.Textbox(type="password", label="Instructor password", elem_id="password",
                                  placeholder="not needed on this computer" if desk.open_without_password else "")
            login = gr.Button("Log in", elem_id="login")
        login_status = gr.Markdown(elem_id="login-status")
        name = gr.Textbox(label="Course (lower-case letters, digits, - and _)", value=courses[0] if courses else "",
                          elem_id="course-name")
        with gr.Tab("Materials", elem_id="materials-tab"):
            with gr.Row():
                files = gr.File(file_count="multiple", label=f"Course files (up to {s.max_upload_mb:g} MB each; "
                                "Markdown, reStructuredText, text, HTML, PDF, .py, .ipynb, .zip)", elem_id="upload")
                with gr.Column():
                    visibility = gr.Radio(["learner", "instructor"], value="learner", elem_id="visibility",
                                          label="Who may see it (instructor = solutions, rubrics: never shown to "
                                                "learners)")
                    outputs = gr.Checkbox(label="Keep notebook outputs", value=False)
                    with gr.Row():
                        go = gr.Button("Ingest", variant="primary", elem_id="ingest")
                        stop = gr.Button("Cancel", elem_id="cancel")
            report = gr.Textbox(label="Progress and report", lines=10, elem_id="report", interactive=False)
            docs = gr.Dataframe(headers=["document", "visibility", "version", "chunks", "ingested", "notes"],
                                label="Documents", interactive=False, elem_id="documents")
            with gr.Row():
                refresh = gr.Button("Refresh list")
                doc_name = gr.Dropdown([], label="Document", elem_id="doc-pick")
                again = gr.Button("Re-ingest", elem_id="reingest")
                delete = gr.Button("Delete", variant="stop", elem_id="delete")
            with gr.Accordion("Steering", open=False):
                context = gr.Textbox(label="Course context (level, what has been taught)", lines=3)
                avoid = gr.Textbox(label="Not taught yet (comma-separated, e.g. lambda, comprehension)")
                policy = gr.Radio(["hints_only", "worked_examples"], value="hints_only", label="Solution policy")
                decline = gr.Textbox(label="Topics to decline, one per line (e.g. week 5 project): a message naming "
                                           "all of a topic's words gets a polite refusal", lines=2, elem_id="decline")
                with gr.Row():
                    load = gr.Button("Load")
                    save = gr.Button("Save")
            with gr.Accordion("Learners' feedback", open=False):
                show_feedback = gr.Button("Show latest feedback", elem_id="show-feedback")
                feedback = gr.Dataframe(headers=["asked", "course", "question", "rating", "comment"],
                                        interactive=False, elem_id="feedback-table")
            with gr.Accordion("Declined requests", open=False):
                show_declined = gr.Button("Show counts", elem_id="show-declined")
                declined = gr.Dataframe(headers=["reason", "requests"], interactive=False, elem_id="declined-table")
            with gr.Row():
                export = gr.Button("Export learners' questions (CSV)")
                csv_file = gr.File(label="Export", interactive=False)
            message = gr.Markdown()
        insight = _insight_tab(gr, desk, session, name)

        def guarded(fn: Any) -> Any:
            def run(*args: Any) -> Any:
                try:
                    return fn(*args)
                except MollyError as e:
                    raise gr.Error(e.user_message) from None
            return run

        def do_ingest(sess: Session, course: str, vis: str, uploaded: list[Any] | None, keep: bool) -> Iterator[str]:
            try:
                yield from desk.ingest(sess, course, vis, [Path(str(getattr(f, "name", f))) for f in uploaded or []], keep)
            except MollyError as e:
                yield f"⚠ {e.user_message}"

        def do_reingest(sess: Session, course: str, doc: str | None, keep: bool) -> Iterator[str]:
            try:
                yield from desk.reingest(sess, course, doc or "", keep)
            except MollyError as e:
                yield f"⚠ {e.user_message}"

        def listing(sess: Session, course: str) -> tuple[list[list[object]], Any]:
            """The documents table and the delete list; empty (no error) before login or for no course."""
            try:
                rows = desk.documents(sess, course) if sess.ok and (course or "").strip() else []
            except MollyError:
                rows = []
            return rows, gr.Dropdown(choices=[str(r[0]) for r in rows], value=None)

        # The documents load with the page once logged in, and follow the course name.
        def log_in(sess: Session, pw: str) -> tuple[str, Session]:
            # The session is an output too, so the listing that follows sees it logged in (it
            # sometimes read the state from before the login when only mutated in place).
            return desk.login(sess, pw), sess

        login.click(log_in, [session, password], [login_status, session], api_name="login").then(
            listing, [session, name], [docs, doc_name], api_visibility="private")

        def opened(sess: Session, course: str) -> tuple[str, Session, list[list[object]], Any]:
            """Opening the tab: on this computer with no password the page is open, so log in and
            list the documents at once; otherwise list them if this session is logged in already."""
            if desk.open_without_password and not sess.ok:
                desk.login(sess, "")
            return ("Logged in." if sess.ok else "", sess, *listing(sess, course))

        tab.select(opened, [session, name], [login_status, session, docs, doc_name], api_visibility="private")
        name.submit(listing, [session, name], [docs, doc_name], api_visibility="private")
        name.blur(listing, [session, name], [docs, doc_name], api_visibility="private")
        running = go.click(do_ingest, [session, name, visibility, files, outputs], report, api_name="ingest")
        running.then(listing, [session, name], [docs, doc_name], api_visibility="private")
        stop.click(guarded(desk.cancel), session, report, api_name="cancel")
        refresh.click(guarded(desk.documents), [session, name], docs, api_name="documents").then(
            listing, [session, name], [docs, doc_name], api_visibility="private")
        delete.click(guarded(desk.delete), [session, name, doc_name], message, api_name="delete").then(
            listing, [session, name], [docs, doc_name], api_visibility="private")
        again.click(do_reingest, [session, name, doc_name, outputs], report, api_name="reingest").then(
            listing, [session, name], [docs, doc_name], api_visibility="private")
        load.click(guarded(lambda sess, c: (lambda p: (p.context, ", ".join(p.avoid), p.solution_policy,
                                                       "\n".join(p.decline)))(desk.steering(sess, c))),
                   [session, name], [context, avoid, policy, decline])
        save.click(guarded(desk.save_steering), [session, name, context, avoid, policy, decline], message,
                   api_name="steer")
        export.click(guarded(lambda sess, c: str(desk.export(sess, c))), [session, name], csv_file, api_name="export")
        show_feedback.click(guarded(desk.feedback), [session, name], feedback, api_name="feedback_table")
        show_declined.click(guarded(desk.declined), [session, name], declined, api_name="declined_table")
        insight(guarded)


def _insight_tab(gr: Any, desk: InstructorDesk, session: Any, name: Any) -> Any:
    """The Insight tab: topics with counts and plots, a drill-down into one topic, gaps in the
    material, what debugging found, and CSV export of any of it. Returns the function that wires
    its events (given the page's error guard)."""
    import pandas as pd  # type: ignore[import-untyped]  # gradio's own dependency

    from molly.instructors import INSIGHT_EXPORTS

    with gr.Tab("Insight", elem_id="insight-tab"):
        with gr.Row():
            since = gr.Textbox(label="Since (YYYY-MM-DD; empty for all time)", elem_id="insight-since")
            names = gr.Checkbox(label="Show learners' account names (otherwise pseudonyms)", value=False)
            show = gr.Button("Show insight", variant="primary", elem_id="show-insight")
        summary = gr.Markdown(elem_id="insight-summary")
        with gr.Row():
            weeks = gr.BarPlot(x="week", y="questions", title="Questions per week", y_lim=[0, None],
                               elem_id="insight-weeks")
            per_topic = gr.BarPlot(x="topic", y="questions", color="answers", title="Questions per topic",
                                   sort="-y", x_label_angle=-30, y_lim=[0, None], elem_id="insight-topic-plot")
        topics = gr.Dataframe(headers=["#", "topic", "questions", "latest week", "thumbs down", "withheld",
                                       "not checked", "gaps", "example questions"], interactive=False, wrap=True,
                              elem_id="insight-topics")
        pick = gr.Dropdown([], label="Questions of topic", elem_id="insight-pick")
        drill = gr.Dataframe(headers=["asked", "question", "kind", "checked", "rating", "comment", "learner"],
                             interactive=False, wrap=True, elem_id="insight-questions")
        with gr.Accordion("Gaps in the material and unanswered questions", open=False):
            gaps = gr.Dataframe(headers=["asked", "topic", "question", "why", "best course passage"],
                                interactive=False, wrap=True, elem_id="insight-gaps")
        with gr.Accordion("Debugging: failing functions and bug kinds", open=False):
            bugs = gr.Dataframe(headers=["what", "name", "turns", "fix verified"], interactive=False,
                                elem_id="insight-bugs")
        with gr.Row():
            which = gr.Radio(list(INSIGHT_EXPORTS), value="topics", label="Export as CSV", elem_id="insight-which")
            export = gr.Button("Export", elem_id="insight-export")
            csv_file = gr.File(label="CSV", interactive=False, elem_id="insight-csv")
        view = gr.State(None)  # the Insight last shown to this browser session

    def shown(sess: Session, course: str, day: str, with_names: bool) -> tuple[Any, ...]:
        got = desk.insight(sess, course, day, with_names)
        if got.empty:
            text = (f"**No questions yet{' since ' + got.since if got.since else ''}.** When learners ask Molly "
                    f"about {got.course}, their questions appear here, grouped into topics.")
            return (got, text, None, None, [], gr.Dropdown(choices=[], value=None), [], [], [])
        text = (f"**{_count(got.asked, 'question')} in {_count(len(got.topics), 'topic')}** · "
                f"{sum(t.thumbs_down for t in got.topics)} thumbs down · {sum(t.withheld for t in got.topics)} "
                f"withheld · {len(got.gaps())} answered only from the Python docs · {len(got.unanswered())} "
                f"unanswered · {_count(sum(got.declined.values()), 'request')} declined")
        if got.declined:
            text += " (" + ", ".join(f"{DECLINED_LABELS.get(k, k)}: {n}" for k, n in got.declined.items()) + ")"
        now = got.most_asked_lately(3)
        if now:
            text += (f"\n\nMost asked in {got.latest_week}, the latest week: "
                     + "; ".join(f"**{t.id}: {t.name}** ({t.latest_week})" for t in now))
        worst = got.served_worst(3)
        if worst:
            text += ("\n\nServed worst (thumbs down, withheld or not checked): "
                     + "; ".join(f"**{t.id}: {t.name}** ({t.troubles} of {t.questions})" for t in worst))
        if not got.has_material:
            text += "\n\n_No learner material is loaded for this course, so every answer came from the Python docs._"
        week_df = pd.DataFrame([{"week": w, "questions": n} for w, n, _ in got.weeks])
        topic_df = pd.DataFrame([{"topic": f"{t.id}: {t.name[:40]}", "questions": n, "answers": label}
                                 for t in got.topics[:15]
                                 for label, n in (("served well", t.questions - t.troubles),
                                                  ("thumbs down, withheld or not checked", t.troubles)) if n])
        table = [[t.id, t.name, t.questions, t.latest_week, t.thumbs_down, t.withheld, t.not_checked, t.gaps,
                  " | ".join(t.examples)] for t in got.topics]
        choices = [(f"{t.id}: {t.name} ({t.questions})", t.id) for t in got.topics]
        missing = [[q.asked, got.topic_name(q.topic), q.question, "answered only from the docs",
                    "" if q.course_score is None else f"{q.course_score:.2f}"] for q in got.gaps()]
        missing += [[q.asked, got.topic_name(q.topic), q.question, "nothing answered",
                     "" if q.course_score is None else f"{q.course_score:.2f}"] for q in got.unanswered()]
        debugging = [["function", *r] for r in got.functions] + [["bug", *r] for r in got.bugs]
        first = got.topics[0].id if got.topics else None
        return (got, text, week_df, topic_df, table, gr.Dropdown(choices=choices, value=first),
                _drill(got, first), missing, debugging)

    def wire(guarded: Any) -> None:
        show.click(guarded(shown), [session, name, since, names],
                   [view, summary, weeks, per_topic, topics, pick, drill, gaps, bugs], api_name="insight")
        pick.change(_drill, [view, pick], drill, api_visibility="private")
        export.click(guarded(lambda sess, v, w, t: str(desk.insight_csv(sess, v, w, t))),
                     [session, view, which, pick], csv_file, api_name="insight_export")

    return wire


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _drill(view: Any, topic: int | None) -> list[list[object]]:
    """The questions of one topic, newest first (learners by pseudonym unless names were asked for)."""
    if view is None or topic is None:
        return []
    return [[q.asked, q.question, q.kind, q.checked, q.rating, q.comment, q.learner] for q in view.in_topic(int(topic))]


def launch(tutor: Tutor, settings: Settings, *, desk: InstructorDesk | None = None, block: bool = True) -> Any:
    """Serve on ``settings.host:port`` and return the Blocks (running, when ``block`` is False).
    Off loopback every learner must log in (``settings.learners_file``); no share links ever."""
    auth = None
    if settings.host not in LOOPBACK:
        accounts = LearnerAccounts(settings.learners_file) if settings.learners_file else None
        if accounts is None or not accounts.names():
            raise MollyError("To serve beyond this computer, create learner accounts first "
                             "(molly learners add NAME...) and set MOLLY_LEARNERS_FILE.",
                             detail=f"MOLLY_HOST={settings.host}")
        if desk is not None and not settings.instructor_password_hash:
            raise MollyError("To serve beyond this computer, set MOLLY_INSTRUCTOR_PASSWORD_HASH "
                             "(molly hash-password) so that only instructors can change course materials.")
        auth = accounts.verify
    demo = build_ui(tutor, desk)
    demo.queue(max_size=settings.queue_max_size, default_concurrency_limit=1)
    try:
        demo.launch(server_name=settings.host, server_port=settings.port, share=False, auth=auth,
                    auth_message="Log in with the name and password your teacher gave you.",
                    prevent_thread_lock=not block, quiet=True, show_error=False,
                    max_file_size=int(settings.max_upload_mb * (1 << 20)))
    except OSError as e:  # Gradio's "Cannot find empty port": another program (or Molly) has it
        raise MollyError(f"Port {settings.port} on {settings.host} is already in use (is Molly running already?). "
                         "Stop the other program, or choose another port with MOLLY_PORT.", detail=str(e)) from e
    return demo
