"""Perceive what the learner needs: rules for the obvious cases, else one LLM call.

The LLM's JSON is validated into an ``Intent``; on a validation error the model is asked once
more with the error, and if that fails too a rule-based fallback decides. Not here: retrieval.
"""

from __future__ import annotations

import json
import logging
import re

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from molly.llm import UsageCounter, call_json
from molly.prompting import task_messages
from molly.schemas import Intent, IntentKind
from molly.tracebacks import exception_of

log = logging.getLogger(__name__)

_TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s*File \".*\", line \d+", re.M)
_SOLUTION = re.compile(r"(?i)\b(homework|assignment|problem set|pset|exercise|my task)\b.*\b(solve|solution|answer|code|write|do)\b"
                       r"|\b(solve|write|do|give me)\b.*\b(homework|assignment|problem set|exercise)\b"
                       r"|\b(complete|full|entire|whole) (solution|code|program)\b")
_CODE = re.compile(r"```|^(?:    |\t)\S|^\s*(def|class|for|while|if|import|print)\b.*[:)]\s*$", re.M)
_REVIEW = re.compile(r"(?i)\b(review|improve|better way|feedback|clean(?:er)?|pythonic|refactor|is (?:this|my code) (?:ok|good|right|correct))\b")
_HOWTO = re.compile(r"(?i)^\s*(how (do|can|would|should|to)|what'?s the (best )?way to|is there a way to|i want to|i need to)\b")
_ERRORISH = re.compile(r"(?i)\b(error|exception|traceback|crash(es|ed)?|doesn'?t work|does not work|not working|fails?)\b")


def rule_intent(question: str) -> Intent | None:
    """An ``Intent`` decided without the LLM when the case is unmistakable (a traceback)."""
    exc = exception_of(question)
    if _TRACEBACK.search(question) and exc:
        name, message = exc
        short = name.rsplit(".", 1)[-1]
        return Intent(kind=IntentKind.ERROR, knowledge_points=[short], source="rule",
                      search_query=f"{short} {message}"[:200].strip())
    return None


def fallback_intent(question: str) -> Intent:
    """Keyword heuristics, used only when the LLM's output could not be validated twice."""
    q = question.strip()
    if _SOLUTION.search(q):
        kind = IntentKind.SOLUTION_REQUEST
    elif _CODE.search(q) and _REVIEW.search(q):
        kind = IntentKind.CODE_REVIEW
    elif exception_of(q) or _ERRORISH.search(q):
        kind = IntentKind.ERROR
    elif _HOWTO.search(q):
        kind = IntentKind.HOWTO
    else:
        kind = IntentKind.CONCEPT
    return Intent(kind=kind, search_query=q[:200], source="fallback")


class IntentReply(BaseModel):
    """Record what a Python learner needs (kind, knowledge points, search query, clarification)."""

    # Lenient about case and length, strict about the kind.

    model_config = ConfigDict(extra="ignore")
    kind: IntentKind
    knowledge_points: list[str] = Field(default_factory=list)
    search_query: str = ""
    needs_clarification: bool = False
    clarifying_question: str = ""

    @field_validator("kind", mode="before")
    @classmethod
    def _lower(cls, v: object) -> object:
        return v.strip().lower().replace("-", "_").replace(" ", "_") if isinstance(v, str) else v

    @field_validator("knowledge_points", mode="before")
    @classmethod
    def _points(cls, v: object) -> object:
        if isinstance(v, str):
            v = [v]
        return [str(p)[:80] for p in v][:3] if isinstance(v, list) else v


def is_vague(question: str) -> bool:
    """Short and without code: the only kind of message worth a clarifying question. Small models
    flag clear questions as unclear too often, so their flag is honoured only for these."""
    return len(question.split()) <= 8 and not _CODE.search(question) and not exception_of(question)


def parse_intent(text: str, question: str = "") -> Intent:
    """Validate the LLM's reply (the first JSON object in it) into an ``Intent``."""
    m = re.search(r"\{.*\}", text, re.S)
    if not m:
        raise ValueError("no JSON object found in the reply")
    out = IntentReply.model_validate(json.loads(m.group(0)))
    asks = out.needs_clarification and bool(out.clarifying_question.strip()) and is_vague(question)
    return Intent(kind=out.kind, knowledge_points=out.knowledge_points, search_query=out.search_query[:200],
                  needs_clarification=asks, clarifying_question=out.clarifying_question[:300] if asks else "",
                  source="llm")


def perceive(question: str, llm: BaseChatModel, counter: UsageCounter,
             history: list[tuple[str, str]] | None = None) -> Intent:
    """Rules first; else one LLM call (seeing earlier turns, so a follow-up gets a standalone
    search query), one re-ask on invalid output, then the fallback."""
    ruled = rule_intent(question)
    if ruled is not None:
        return ruled
    messages = task_messages("intent", question, history)
    reply = call_json(llm, messages, counter, IntentReply, max_tokens=120)
    try:
        return parse_intent(reply, question)
    except (ValueError, ValidationError) as first:
        log.info("intent output invalid, re-asking: %s", str(first)[:200])
        messages += [AIMessage(reply), HumanMessage(
            f"That reply was not valid: {str(first)[:300]}. Reply with only the JSON object.")]
    reply = call_json(llm, messages, counter, IntentReply, max_tokens=120)
    try:
        return parse_intent(reply, question)
    except (ValueError, ValidationError):
        log.info("intent output invalid twice; using the rule-based fallback")
        return fallback_intent(question)
