"""Perceive what the learner needs: rules for the obvious cases, else one LLM call.

The instructions for that call are its own system prompt (``prompts/intent.md``), which the
backend keeps cached from turn to turn (the embedded one in a llama.cpp context of its own, see
``llm.build_intent_model``), so each turn reads only the question.

The LLM's JSON is validated into an ``Intent``; on a validation error the model is asked once
more with the error, and if that fails too a rule-based fallback decides. Not here: retrieval.
"""

from __future__ import annotations

import builtins
import json
import logging
import re
from typing import Protocol

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from molly.llm import UsageCounter, call_json
from molly.perceive.tracebacks import exception_of
from molly.prompting import task_messages
from molly.schemas import Intent, IntentKind

log = logging.getLogger(__name__)

TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s*File \".*\", line \d+", re.M)
SOLUTION = re.compile(r"(?i)\b(homework|assignment|problem set|pset|exercise|my task)\b[^.?!]*\b(solution|answers)\b"
                       r"|\b(homework|assignment|problem set|pset|exercise)\s*:\s*(solve|write|do|code)\b"
                       r"|\b(solve|write|do|give me)\b.*\b(homework|assignment|problem set|exercise)\b"
                       r"|\b(complete|full|entire|whole|finished) (solution|program)\b"
                       r"|\b(give|write|send|show) me the (complete|full|entire|whole|finished) code\b"
                       r"|\b(solve|finish|do|write|code) (this|it|the \w+|my \w+) for me\b")
CODE = re.compile(r"```|^(?:    |\t)\S|^\s*(def|class|for|while|if|import|print)\b.*[:)]\s*$", re.M)
# Code review by rule (93c5da8): 6 of 6 firings right on intent_dev; 0 firings on faq/conala/cs1qa dev.
REVIEW = re.compile(r"(?i)\b(review|improve|better way|feedback|clean(?:er)?|pythonic|refactor|is (?:this|my code) (?:ok|good|right|correct))\b")
_UNSEEN = re.compile(r"(?i)\b(it|this|that|these|those|something|stuff|my (?:code|program|script|homework)|"
                     r"(?:does ?n[o']t|do ?n[o']t|won'?t|not) work(?:ing)?|stuck|broken|help)\b")
# Words and shapes of programming talk, the learner's course work included. Common English words
# that are also Python keywords (for, if, while, set, help) are left out: they would keep "Should I
# wait for the next phone?" in scope.
# Off-topic needs this to find nothing *and* no passage above the floor (316bc1d): off_topic 10/33 on
# intent_dev, 0 firings on faq/conala dev, 13/306 on cs1qa dev; 6 of its 16 intent_dev firings were wrong.
PROGRAMMING = re.compile(
    r"(?i)\b(python|py|codes?|coded|coding|program(?:s|med|ming|mer)?|script|functions?|func|methods?|class(?:es)?|"
    r"objects?|variables?|loops?|lists?|tuples?|dict(?:ionar(?:y|ies))?|strings?|str|int|integers?|float|bool(?:ean)?|"
    r"files?|modules?|packages?|import|librar(?:y|ies)|errors?|exceptions?|bugs?|debug\w*|print\w*|input|output|"
    r"return\w*|arguments?|parameters?|syntax|compil\w+|execut\w+|algorithm\w*|recursi\w+|arrays?|index\w*|"
    r"lambda|generators?|iterat\w+|decorators?|pip|install\w*|ide|editor|terminal|shell|command|console|"
    r"task\d*|lab\d*|assignments?|homework|exercises?|quiz\w*|exams?|hint|operators?|slic\w+|regex|json|csv|"
    r"api|sql|html|numpy|pandas|turtle|tkinter|pygame|computers?|software|developer|git|github|linux)\b"
    r"|[A-Za-z_]\w*\(|\w+_\w+|\w+\.\w+|```|==|!=|<=|>=|\+=|->|[{}\[\]]")
# A veto for the review rule, and the fallback's error rule (fallback alone: 0.529 on intent_dev).
ERRORISH = re.compile(r"(?i)\b(error|exception|traceback|crash(es|ed)?|doesn'?t work|does not work|not working|fails?)\b")


# A built-in exception named in words ("I keep getting an IndexError"): what the error guidance needs.
_NAMED_ERROR = re.compile(r"\b([A-Z][A-Za-z]*(?:Error|Exception|Warning)|KeyboardInterrupt|StopIteration)\b")


class KindClassifier(Protocol):
    """Decides the intent kind without an LLM call (``kinds.IntentClassifier``)."""

    def kind(self, text: str) -> tuple[IntentKind, float]:
        """The most probable kind and its probability."""
        ...


def named_exceptions(text: str) -> list[str]:
    """Built-in exception names the message mentions, first mention first (at most 3)."""
    names = [n for n in dict.fromkeys(_NAMED_ERROR.findall(text)) if isinstance(getattr(builtins, n, None), type)]
    return names[:3]


def ruled(kind: IntentKind, question: str) -> Intent:
    """An intent decided by rule, with the question itself as the search query."""
    return Intent(kind=kind, search_query=question.strip()[:200], source="rule")


def rule_intent(question: str) -> Intent | None:
    """An ``Intent`` decided without the LLM when the case is unmistakable: a traceback is an
    error; a request for the finished homework is a solution request (the 1.5B model calls most
    of them concepts, and then writes the solution); code shown with a request for feedback and
    no error is a code review (the model called half of them concepts, so they missed the review
    guidance)."""
    exc = exception_of(question)
    if TRACEBACK.search(question) and exc:
        name, message = exc
        short = name.rsplit(".", 1)[-1]
        return Intent(kind=IntentKind.ERROR, knowledge_points=[short], source="rule",
                      search_query=f"{short} {message}"[:200].strip())
    if SOLUTION.search(question):
        return ruled(IntentKind.SOLUTION_REQUEST, question)
    if CODE.search(question) and REVIEW.search(question) and not (exc or ERRORISH.search(question)):
        return ruled(IntentKind.CODE_REVIEW, question)
    return None


def fallback_intent(question: str) -> Intent:
    """Keyword heuristics, used only when the LLM's output could not be validated twice."""
    q = question.strip()
    if SOLUTION.search(q):
        kind = IntentKind.SOLUTION_REQUEST
    elif CODE.search(q) and REVIEW.search(q):
        kind = IntentKind.CODE_REVIEW
    elif exception_of(q) or ERRORISH.search(q):
        kind = IntentKind.ERROR
    else:
        kind = IntentKind.CONCEPT
    return Intent(kind=kind, search_query=q[:200], source="fallback")


class IntentReply(BaseModel):
    """Record what a Python learner needs (kind, knowledge points, search query)."""

    # Lenient about case and length, strict about the kind.

    model_config = ConfigDict(extra="ignore")
    kind: IntentKind
    knowledge_points: list[str] = Field(default_factory=list, max_length=3)  # in the schema: servers stop at 3
    search_query: str = ""

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


class VagueIntentReply(IntentReply):
    """Record what a Python learner needs, and whether a clarifying question must come first."""

    needs_clarification: bool = False
    clarifying_question: str = ""


def is_vague(question: str) -> bool:
    """Short and without code: a follow-up that needs the previous question to be searched."""
    return len(question.split()) <= 8 and not CODE.search(question) and not exception_of(question)


def may_clarify(question: str) -> bool:
    """Vague enough to be worth a clarifying question: short, no code, and either a bare word or
    two or pointing at something unseen ("it doesn't work"). Small models flag clear questions
    ("What is a lambda function?") as unclear too often, so only these are asked about it."""
    return is_vague(question) and (len(question.split()) <= 2 or bool(_UNSEEN.search(question)))


def may_be_off_topic(question: str) -> bool:
    """No programming word or code (course words such as task, lab or homework count), and not a
    short report of something unseen ("it broke"), which gets a clarifying question instead.
    Off-topic if nothing in the knowledge base is near it either (see ``Tutor.understand``)."""
    return PROGRAMMING.search(question) is None and not may_clarify(question)


# A judged "off_topic" (classifier or LLM) that the docs are near is a Python question after all:
# "How do I freeze Tkinter applications?", "get the date 6 months from today". Tuned on CoNaLa and
# FAQ dev (22 of 238 refused -> 3) and the written off-topic examples (best docs score at most 0.452:
# 33 of 34 still refused); held-out figure in eval/README.md (eval/benchmarks/off_topic_scope.py).
NEAR_DOCS = 0.5
# Shapes of code a message about something else rarely has: `name`, call(, a.b, snake_case, [ ], ==.
CODE_SHAPE = re.compile(r"`[^`\n]+`|[A-Za-z_]\w*\(|\w+_\w+|\b[A-Za-z_]\w*\.[A-Za-z_]\w+|==|!=|<=|>=|\+=|->"
                        r"|\[[^\]\n]*\]|\{[^}\n]*\}")  # not "U.S.", "e.g.", "3.5" or a lone bracket


def in_scope(question: str, best_score: float | None) -> bool:
    """Whether a message judged off-topic is near enough to Python to be answered: its best passage
    (``None`` when nothing cleared the retriever's floor) scores ``NEAR_DOCS`` or more, or it has a
    shape of code and some passage cleared the floor."""
    if best_score is None:
        return False
    return best_score >= NEAR_DOCS or CODE_SHAPE.search(question) is not None


def overruled(intent: Intent, question: str) -> Intent:
    """``intent`` (an off-topic judgement the docs overrule) as the kind the keyword rules give
    (concept unless solution, review or error words say otherwise)."""
    return intent.model_copy(update={"kind": fallback_intent(question).kind})


def parse_intent(text: str, question: str = "") -> Intent:
    """Validate the LLM's reply (the first JSON object in it) into an ``Intent``."""
    m = re.search(r"\{.*\}", text, re.S)
    if not m:
        raise ValueError("no JSON object found in the reply")
    out = VagueIntentReply.model_validate(json.loads(m.group(0)))
    asks = out.needs_clarification and bool(out.clarifying_question.strip()) and may_clarify(question)
    # No relabelling of "How do I ...?" from concept to howto: nothing downstream reads the
    # difference (docs/heuristics-audit.md), so it only moved the intent accuracy figure.
    return Intent(kind=out.kind, knowledge_points=out.knowledge_points, search_query=out.search_query[:200],
                  needs_clarification=asks, clarifying_question=out.clarifying_question[:300] if asks else "",
                  source="llm")


def intent_messages(question: str, history: list[tuple[str, str]] | None = None,
                    clarify: bool = False) -> list[BaseMessage]:
    """The intent call: the system prompt (which holds the instructions), earlier turns, the
    question and a one-line request (``clarify``: also whether to ask a clarifying question)."""
    return task_messages("intent", question, history, clarify=" Say whether it needs clarification." if clarify else "")


def perceive(question: str, llm: BaseChatModel, counter: UsageCounter,
             history: list[tuple[str, str]] | None = None, kinds: KindClassifier | None = None) -> Intent:
    """Rules first; then, given ``kinds``, the classifier (no LLM call; the question itself is the
    search query: the LLM's rewrite did not help retrieval, see ``eval/README.md``). The LLM is
    asked only without a classifier, or about a vague first message, which may get a clarifying
    question: one call (seeing earlier turns), one re-ask on invalid output, then the fallback.
    The two clarification fields cost a second of writing on a CPU, so only then are they asked."""
    ruled = rule_intent(question)
    if ruled is not None:
        return ruled
    clarify = may_clarify(question) and not history
    if kinds is not None and not clarify:
        kind, _ = kinds.kind(question)
        return Intent(kind=kind, knowledge_points=named_exceptions(question), search_query=question.strip()[:200],
                      source="classifier")
    schema = VagueIntentReply if clarify else IntentReply
    messages = intent_messages(question, history, clarify)
    reply = call_json(llm, messages, counter, schema, max_tokens=120)
    try:
        return parse_intent(reply, question)
    except (ValueError, ValidationError) as first:
        log.info("intent output invalid, re-asking: %s", str(first)[:200])
        messages += [AIMessage(reply), HumanMessage(
            f"That reply was not valid: {str(first)[:300]}. Reply with only the JSON object.")]
    reply = call_json(llm, messages, counter, schema, max_tokens=120)
    try:
        return parse_intent(reply, question)
    except (ValueError, ValidationError):
        log.info("intent output invalid twice; using the rule-based fallback")
        return fallback_intent(question)
