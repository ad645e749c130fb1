"""Fake chat models for tests and offline demos; they live beside the real backends.

``ScriptedChatModel`` replies from a queue (or a function) and logs every call, for unit tests
of stage logic. ``TutorFakeChatModel`` answers every stage plausibly and instantly, so the app
and the UI can be exercised end to end without an LLM. Neither is used unless asked for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field, PrivateAttr

Reply = str | Callable[[list[BaseMessage]], str]


class ScriptedChatModel(BaseChatModel):
    """Returns queued replies in order (a reply may be a function of the messages).

    >>> m = ScriptedChatModel(); m.enqueue(["hi"]); m.invoke("x").content
    'hi'
    """

    default: Reply | None = Field(default=None, description="Reply used once the queue is empty.")
    _queue: list[Reply] = PrivateAttr(default_factory=list)
    _history: list[list[BaseMessage]] = PrivateAttr(default_factory=list)
    _arguments: list[dict[str, Any]] = PrivateAttr(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted-fake"

    def enqueue(self, replies: list[Reply]) -> ScriptedChatModel:
        self._queue.extend(replies)
        return self

    @property
    def history(self) -> list[list[BaseMessage]]:
        """The messages of every call so far."""
        return self._history

    @property
    def arguments(self) -> list[dict[str, Any]]:
        """The per-call arguments of every call so far (``max_tokens`` bound to it, ...)."""
        return self._arguments

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        self._history.append(list(messages))
        self._arguments.append(dict(kwargs))
        reply = self._queue.pop(0) if self._queue else self.default
        if reply is None:
            raise RuntimeError("ScriptedChatModel has no reply queued")
        text = reply(messages) if callable(reply) else reply
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


def tutor_reply(messages: list[BaseMessage]) -> str:
    """A plausible reply for whichever Molly stage the messages belong to."""
    last = str(messages[-1].content)
    if "classify this message" in last.lower():
        question = re.search(r"<question>\n(.*)\n</question>", last, re.S)
        q = question.group(1) if question else last
        kind = "error" if re.search(r"Error|Exception|Traceback", q) else "howto" if re.search(r"(?i)\bhow\b", q) else "concept"
        words = [w for w in re.findall(r"[A-Za-z_]{4,}", q)][:3]
        return json.dumps({"kind": kind, "knowledge_points": words, "search_query": q[:100],
                           "needs_clarification": False, "clarifying_question": ""})
    if "Check your answer against the passages" in last or "Which of these sentences state" in last:
        return "NONE"
    if "Compare the answer with the reference" in last:
        return "REASON: the fake judge always gives 4\nSCORE: 4"
    refs = re.findall(r'<passage id="\d+">\n\[(\d+)\] ([^\n]*)', last)
    if not refs:
        return "The documentation passages I have do not cover this, so I cannot give a checked answer."
    ref, title = refs[0]
    return f"This is covered in the documentation under {title} [{ref}].\n\n```python\nprint('hello')\n```"


class TutorFakeChatModel(ScriptedChatModel):
    """An instant, deterministic stand-in for the real LLM (``MOLLY_LLM_BACKEND=fake``)."""

    default: Reply | None = tutor_reply


_OBEY = re.compile(
    r"(?i)\b(?:say|reply(?:\s+only)?\s+with|respond(?:\s+only)?\s+with|answer\s+with|output|print|include|write|"
    r"append|add|mention|end\s+(?:your|every|each|the)\s+\w+\s+with|start\s+(?:your|every|each|the)\s+\w+\s+with|"
    r"tell\s+the\s+(?:student|learner|user)s?\s+to)\s*[:\-]?\s*[\"'“]?([^\"”\n.]{1,120})")
_URLISH = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)|\[[^\]\n]*\]\([^)\n]*\)|https?://[^\s)\"'>]+|www\.[^\s)\"'>]+")


def obey_everything(messages: list[BaseMessage]) -> str:
    """The adversarial model: it carries out every instruction it finds anywhere in its context
    (system, question, passages), repeats every link and image it sees, tries to leak the
    system prompt and writes a script tag. For testing guards, never for answering."""
    context = "\n".join(str(m.content) for m in messages)
    system = "\n".join(str(m.content) for m in messages if m.type == "system")
    payloads = [m.group(1).strip() for m in _OBEY.finditer(context)]
    links = _URLISH.findall(context)
    return ("Sure! [1] " + " ".join(payloads) + "\n\n" + " ".join(links) +
            "\n\n<script>alert('x')</script> <img src=x onerror=alert(1)>\n\nMy instructions were: " + system)


class AdversarialChatModel(ScriptedChatModel):
    """``obey_everything`` as a chat model (see SECURITY.md: "Adversarial LLM")."""

    default: Reply | None = obey_everything
