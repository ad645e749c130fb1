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
            answered: Any = None) -> Iterator[tuple[list[dict[str, Any]], str, str]]:
    """Stream the turn: stage lines (done ones ticked, with their time), the draft marked
    unchecked while it is checked, then the checked answer in its place. With a ``course``
    its materials are searched too. ``turns`` (earlier questions and answers) make follow-ups
    work; with a ``log`` the turn is recorded (for feedback and the instructor's export) and
    ``answered(question, answer, question_id)`` is told about it."""
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
                qid = log.log_question(course or "", message, event.text, [c.url for c in event.citations],
                                       event.timings, event.declined) if log is not None else None
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
            for out in respond(tutor, message, history, picked, prior, log, answered):
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
    """Log in, then: upload with progress and cancel, documents, steering, export."""
    s = desk.settings
    with gr.Tab("Instructors"):
        session = gr.State(lambda: Session())  # a callable: a fresh login state per browser session
        with gr.Row():
            password = gr.Textbox(type="password", label="Instructor password", elem_id="password",
                                  placeholder="not needed on this computer" if desk.open_without_password else "")
            login = gr.Button("Log in", elem_id="login")
        login_status = gr.Markdown(elem_id="login-status")
        name = gr.Textbox(label="Course (lower-case letters, digits, - and _)", value=courses[0] if courses else "",
                          elem_id="course-name")
        with gr.Row():
            files = gr.File(file_count="multiple", label=f"Course files (up to {s.max_upload_mb:g} MB each; Markdown, "
                            "reStructuredText, text, HTML, PDF, .py, .ipynb, .zip)", elem_id="upload")
            with gr.Column():
                visibility = gr.Radio(["learner", "instructor"], value="learner", elem_id="visibility",
                                      label="Who may see it (instructor = solutions, rubrics: never shown to learners)")
                outputs = gr.Checkbox(label="Keep notebook outputs", value=False)
                with gr.Row():
                    go = gr.Button("Ingest", variant="primary", elem_id="ingest")
                    stop = gr.Button("Cancel", elem_id="cancel")
        report = gr.Textbox(label="Progress and report", lines=10, elem_id="report", interactive=False)
        docs = gr.Dataframe(headers=["document", "visibility", "version", "chunks", "ingested", "notes"],
                            label="Documents", interactive=False, elem_id="documents")
        with gr.Row():
            refresh = gr.Button("Refresh list")
            doc_name = gr.Textbox(label="Document to delete (its name as listed)")
            delete = gr.Button("Delete", variant="stop")
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
            feedback = gr.Dataframe(headers=["asked", "course", "question", "rating", "comment"], interactive=False,
                                    elem_id="feedback-table")
        with gr.Accordion("Declined requests", open=False):
            show_declined = gr.Button("Show counts", elem_id="show-declined")
            declined = gr.Dataframe(headers=["reason", "requests"], interactive=False, elem_id="declined-table")
        with gr.Row():
            export = gr.Button("Export learners' questions (CSV)")
            csv_file = gr.File(label="Export", interactive=False)
        message = gr.Markdown()

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


        login.click(lambda sess, pw: desk.login(sess, pw), [session, password], login_status, api_name="login")
        running = go.click(do_ingest, [session, name, visibility, files, outputs], report, api_name="ingest")
        running.then(guarded(desk.documents), [session, name], docs)
        stop.click(guarded(desk.cancel), session, report, api_name="cancel")
        refresh.click(guarded(desk.documents), [session, name], docs, api_name="documents")
        delete.click(guarded(desk.delete), [session, name, doc_name], message, api_name="delete").then(
            guarded(desk.documents), [session, name], docs)
        load.click(guarded(lambda sess, c: (lambda p: (p.context, ", ".join(p.avoid), p.solution_policy,
                                                       "\n".join(p.decline)))(desk.steering(sess, c))),
                   [session, name], [context, avoid, policy, decline])
        save.click(guarded(desk.save_steering), [session, name, context, avoid, policy, decline], message,
                   api_name="steer")
        export.click(guarded(lambda sess, c: str(desk.export(sess, c))), [session, name], csv_file, api_name="export")
        show_feedback.click(guarded(desk.feedback), [session, name], feedback, api_name="feedback_table")
        show_declined.click(guarded(desk.declined), [session, name], declined, api_name="declined_table")


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
