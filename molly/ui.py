"""The browser chat (Gradio Blocks). Thin: it shows what ``Tutor.run`` yields, nothing more.

``gradio`` is imported here and nowhere else. Not here: any answering logic.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from typing import Any

from molly.agent import Draft, Stage, Tutor
from molly.config import Settings
from molly.errors import MollyError
from molly.schemas import Answer

log = logging.getLogger(__name__)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
STAGE_LABELS = {"understanding": "Understanding your question", "searching the docs": "Searching the Python docs",
                "drafting": "Drafting an answer", "checking": "Checking the draft against the docs"}
EXAMPLES = ["How do I read a file line by line?", "What is the difference between a list and a tuple?",
            "Why do I get IndexError: list index out of range?"]


def render_answer(answer: Answer) -> str:
    """Markdown for the chat bubble: the answer, numbered sources, and a checks line."""
    parts = [answer.text]
    if answer.citations:
        parts.append("**Sources**\n" + "\n".join(
            f"{c.id}. [{_md_escape(c.title)}]({c.url})" for c in answer.citations))
    passed = sum(c.passed for c in answer.checks)
    parts.append(f"<sub>Checks: {passed}/{len(answer.checks)} passed · "
                 + " · ".join(f"{'✓' if c.passed else '✗'} {c.name.replace('_', ' ')}" for c in answer.checks)
                 + f" · {answer.timings.get('total', 0):.1f} s</sub>")
    return "\n\n".join(parts)


def render_passages(answer: Answer) -> str:
    """Markdown for the evidence panel: each passage used, with its link and score."""
    if not answer.passages:
        return "_No documentation passages were used for this answer._"
    return "\n\n".join(
        f"**[{p.ref}] [{_md_escape(p.chunk.title)}]({p.chunk.url})** · similarity {p.score:.2f}\n\n"
        f"> {_quote(p.chunk.text[:600]).replace(chr(10), chr(10) + '> ')}"
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


def respond(tutor: Tutor, message: str, history: list[dict[str, Any]]) -> Iterator[tuple[list[dict[str, Any]], str, str]]:
    """Stream the turn: stage lines (done ones ticked, with their time), the draft marked
    unchecked while it is checked, then the checked answer in its place."""
    history = [*history, {"role": "user", "content": message}]
    stages: list[list[str]] = []  # [label, status line]
    draft = ""

    def progress() -> list[dict[str, Any]]:
        text = "\n\n".join(line for _, line in stages)
        if draft:
            text += "\n\n---\n_Unchecked draft — being checked against the docs:_\n\n" + draft
        return [*history, {"role": "assistant", "content": text}]

    try:
        for event in tutor.run(message):
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
                yield ([*history, {"role": "assistant", "content": render_answer(event)}], "", render_passages(event))
    except MollyError as e:
        yield [*history, {"role": "assistant", "content": f"⚠️ {e.user_message}"}], "", ""
    except Exception:  # never show a traceback to a learner
        log.exception("turn failed")
        yield [*history, {"role": "assistant", "content": "⚠️ Something went wrong on my side. Please try again."}], "", ""


def build_ui(tutor: Tutor) -> Any:
    """The Gradio Blocks app (not launched)."""
    import gradio as gr

    with gr.Blocks(title="Molly — Python tutor") as demo:
        gr.Markdown("## Molly — a Python tutor\nAnswers from the Python 3.11 documentation, with sources, "
                    "checked before you see them.")
        chat = gr.Chatbot(label="Molly", height=520, buttons=["copy"], elem_id="chat")
        box = gr.Textbox(placeholder="Ask a Python question… (Enter to send)", show_label=False, elem_id="question",
                         max_length=tutor.settings.max_question_chars)
        with gr.Accordion("Passages used", open=False):
            evidence = gr.Markdown(elem_id="evidence")
        gr.Examples(EXAMPLES, inputs=box)

        def turn(message: str, history: list[dict[str, Any]]) -> Iterator[tuple[list[dict[str, Any]], str, str]]:
            yield from respond(tutor, message, history or [])

        box.submit(turn, [box, chat], [chat, box, evidence], concurrency_limit=1, api_name="ask")
    return demo


def launch(tutor: Tutor, settings: Settings, *, block: bool = True) -> Any:
    """Serve on ``settings.host:port`` and return the Blocks (running, when ``block`` is False).
    Refuses to bind off loopback: no authentication exists yet."""
    if settings.host not in LOOPBACK:
        raise MollyError("Molly only serves on this computer (127.0.0.1) until instructor authentication is set up.",
                         detail=f"MOLLY_HOST={settings.host}")
    demo = build_ui(tutor)
    demo.queue(max_size=64, default_concurrency_limit=1)
    demo.launch(server_name=settings.host, server_port=settings.port, share=False,
                prevent_thread_lock=not block, quiet=not block, show_error=False)
    return demo
