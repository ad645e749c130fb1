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
from molly.errors import MollyError
from molly.instructors import InstructorDesk, Session
from molly.safety import sanitize
from molly.schemas import Answer, Citation

log = logging.getLogger(__name__)
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
    return f"{c.id}. 📄 {_md_escape(c.title)} (course material)"


def render_answer(answer: Answer) -> str:
    """Markdown for the chat bubble: the answer, numbered sources, and a checks line."""
    parts = [answer.text]
    if answer.citations:
        parts.append("**Sources**\n" + "\n".join(_source(c) for c in answer.citations))
    passed = sum(c.passed for c in answer.checks)
    parts.append(f"<sub>Checks: {passed}/{len(answer.checks)} passed · "
                 + " · ".join(f"{'✓' if c.passed else '✗'} {c.name.replace('_', ' ')}" for c in answer.checks)
                 + f" · {answer.timings.get('total', 0):.1f} s</sub>")
    return "\n\n".join(parts)


def render_passages(answer: Answer) -> str:
    """Markdown for the evidence panel: each passage used, with its link and score."""
    if not answer.passages:
        return "_No documentation passages were used for this answer._"
    def head(p: Any) -> str:
        if p.chunk.source == "pydocs":
            return f"**[{p.ref}] [{_md_escape(p.chunk.title)}]({p.chunk.url})**"
        return f"**[{p.ref}] 📄 {_md_escape(p.chunk.where)}** (course material)"

    return "\n\n".join(
        f"{head(p)} · similarity {p.score:.2f}\n\n"
        f"> {sanitize(_quote(p.chunk.text[:600])).replace(chr(10), chr(10) + '> ')}"
        for p in answer.passages)


def _quote(text: str) -> str:
    """Passage text for Markdown: HTML escaped in prose, code fences left verbatim (Markdown shows
    them as text already; escaping them too would print ``&gt;&gt;&gt;``)."""
    if text.count("```") % 2:  # a fence cut off by the 600-character preview
        text += "\n```"
    parts = re.split(r"(```.*?```)", text, flags=re.S)
    return "".join(part if i % 2 else html.escape(part, quote=False) for i, part in enumerate(parts))


def _md_escape(text: str) -> str:
    return text.replace("[", "(").replace("]", ")")


def respond(tutor: Tutor, message: str, history: list[dict[str, Any]],
            course: str | None = None) -> Iterator[tuple[list[dict[str, Any]], str, str]]:
    """Stream the turn: stage lines (done ones ticked, with their time), the draft marked
    unchecked while it is checked, then the checked answer in its place. With a ``course``
    its materials are searched too, and the question is logged for the instructor's export."""
    history = [*history, {"role": "user", "content": message}]
    stages: list[list[str]] = []  # [label, status line]
    draft = ""

    def progress() -> list[dict[str, Any]]:
        text = "\n\n".join(line for _, line in stages)
        if draft:
            text += "\n\n---\n_Unchecked draft — being checked against the docs:_\n\n" + draft
        return [*history, {"role": "assistant", "content": text}]

    try:
        for event in tutor.run(message, course=course):
            if isinstance(event, Stage):
                label = STAGE_LABELS.get(event.name)
                if not event.done and label:
                    stages.append([label, f"… {label} (started at {event.elapsed:.0f} s)"])
                elif event.done and stages:
                    stages[-1][1] = f"✓ {stages[-1][0]} (done at {event.elapsed:.0f} s)"
                yield progress(), "", ""
            elif isinstance(event, Draft):
                draft = event.text
                yield progress(), "", ""
            elif isinstance(event, Answer):
                if course and tutor.courses is not None and hasattr(tutor.courses, "log_question"):
                    tutor.courses.log_question(course, message, event.text, [c.url for c in event.citations],
                                               event.timings)
                yield ([*history, {"role": "assistant", "content": render_answer(event)}], "", render_passages(event))
    except MollyError as e:
        yield [*history, {"role": "assistant", "content": f"⚠️ {e.user_message}"}], "", ""
    except Exception:  # never show a traceback to a learner
        log.exception("turn failed")
        yield [*history, {"role": "assistant", "content": "⚠️ Something went wrong on my side. Please try again."}], "", ""


def build_ui(tutor: Tutor, desk: InstructorDesk | None = None) -> Any:
    """The Gradio Blocks app (not launched): the learners' chat, and with a ``desk`` the
    instructors' page."""
    import gradio as gr

    courses = desk.db.courses() if desk is not None else []
    with gr.Blocks(title="Molly — Python tutor") as demo:
        gr.Markdown("## Molly — a Python tutor\nAnswers from the Python 3.11 documentation and your course's "
                    "materials, with sources, checked before you see them.")
        with gr.Tab("Ask Molly"):
            course = gr.Dropdown([DOCS_ONLY, *courses], value=courses[0] if courses else DOCS_ONLY, label="Course",
                                 elem_id="course", visible=bool(courses))
            chat = gr.Chatbot(label="Molly", height=520, buttons=["copy"], elem_id="chat")
            box = gr.Textbox(placeholder="Ask a Python question… (Enter to send)", show_label=False,
                             elem_id="question", max_length=tutor.settings.max_question_chars)
            with gr.Accordion("Passages used", open=False):
                evidence = gr.Markdown(elem_id="evidence")
            gr.Examples(EXAMPLES, inputs=box)

        def turn(message: str, history: list[dict[str, Any]], chosen: str | None
                 ) -> Iterator[tuple[list[dict[str, Any]], str, str]]:
            picked = chosen if chosen and chosen != DOCS_ONLY and chosen in (desk.db.courses() if desk else []) else None
            yield from respond(tutor, message, history or [], picked)

        box.submit(turn, [box, chat, course], [chat, box, evidence], concurrency_limit=1, api_name="ask")
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
            with gr.Row():
                load = gr.Button("Load")
                save = gr.Button("Save")
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
                yield f"⚠️ {e.user_message}"


        login.click(lambda sess, pw: desk.login(sess, pw), [session, password], login_status, api_name="login")
        running = go.click(do_ingest, [session, name, visibility, files, outputs], report, api_name="ingest")
        running.then(guarded(desk.documents), [session, name], docs)
        stop.click(guarded(desk.cancel), session, report, api_name="cancel")
        refresh.click(guarded(desk.documents), [session, name], docs, api_name="documents")
        delete.click(guarded(desk.delete), [session, name, doc_name], message, api_name="delete").then(
            guarded(desk.documents), [session, name], docs)
        load.click(guarded(lambda sess, c: (lambda p: (p.context, ", ".join(p.avoid), p.solution_policy))(
            desk.steering(sess, c))), [session, name], [context, avoid, policy])
        save.click(guarded(desk.save_steering), [session, name, context, avoid, policy], message, api_name="steer")
        export.click(guarded(lambda sess, c: str(desk.export(sess, c))), [session, name], csv_file, api_name="export")


def launch(tutor: Tutor, settings: Settings, *, desk: InstructorDesk | None = None, block: bool = True) -> Any:
    """Serve on ``settings.host:port`` and return the Blocks (running, when ``block`` is False).
    Refuses to bind off loopback: learner authentication does not exist yet."""
    if settings.host not in LOOPBACK:
        raise MollyError("Molly only serves on this computer (127.0.0.1) until learner authentication is set up.",
                         detail=f"MOLLY_HOST={settings.host}")
    demo = build_ui(tutor, desk)
    demo.queue(max_size=64, default_concurrency_limit=1)
    demo.launch(server_name=settings.host, server_port=settings.port, share=False,
                prevent_thread_lock=not block, quiet=not block, show_error=False,
                max_file_size=int(settings.max_upload_mb * (1 << 20)))
    return demo
