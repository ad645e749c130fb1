"""The tutor: intent -> retrieve -> draft -> reflect, with its dependencies injected.

``Tutor.run`` yields progress events and ends with the checked ``Answer``; ``Tutor.ask`` returns
just the answer. ``Tutor.plain_rag`` is the single-call baseline (raw question -> top-k ->
answer) used by benchmarks and evaluation. Not here: which concrete backend is used (see
``factory.py``) or how anything is shown (``ui.py``, ``cli.py``).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from langchain_core.language_models import BaseChatModel

from molly.config import Settings
from molly.document import cited_refs, trim_incomplete
from molly.draft import draft_messages, guidance_for
from molly.errors import CourseError, InvalidQuestionError
from molly.guard.earlier import without_earlier_code
from molly.guard.echo import strip_echo
from molly.guard.leakguard import redact
from molly.guard.policy import RequestPolicy
from molly.guard.safety import sanitize
from molly.llm import UsageCounter, call_llm, stream_llm
from molly.perceive.followup import refers_back
from molly.perceive.intent import in_scope, intent_messages, may_be_off_topic, overruled, perceive, ruled
from molly.perceive.kinds import IntentClassifier
from molly.perceive.learner_code import RunFacts, foreign_code, with_run_facts
from molly.perceive.review import review
from molly.perceive.versions import stated_version, version_notes
from molly.prompting import CANARY, strip_delimiters, system_text
from molly.reflect.checks import deterministic_checks
from molly.reflect.stage import reflect
from molly.repair.ask import llm_candidate
from molly.repair.facts import Ask, debug, verified
from molly.repair.search import RepairReport, repair_sandbox
from molly.retrieval.embedder import Embedder
from molly.retrieval.queries import query_texts
from molly.retrieval.retriever import Retriever
from molly.sandbox import Sandbox
from molly.schemas import Answer, Check, Citation, Claim, CourseProfile, Intent, IntentKind, Passage

OFF_TOPIC_REPLY = ("I'm Molly, a tutor for learning Python, so I can only help with Python and programming "
                   "questions. Is there something about Python you'd like to work through?")
WITHHELD_REPLY = ("I couldn't check an answer against the Python documentation, so I won't guess. "
                  "The passages below look relevant; they may help, and you can ask me about them.")
ECHO_WINDOW = 6  # words in a row shared with the guidance that make a line an echo of it
DRAFT_REFRESH_S = 0.5  # how often the draft being written is re-shown
# The prose after a debugging turn's facts (asked for two or three sentences); longer drafts went on
# to rewrite the code. Blind A/B on 20 tune items (eval/grades/debug_hint_ab): false claims 13 -> 10,
# median turn 32.4 -> 27.7 s; held-out refactory_dev: median turn 36.7 -> 28.7 s (eval/README.md).
HINT_TOKENS = 120



@dataclass(frozen=True)
class Stage:
    """A progress event: a stage started (``done`` False) or finished."""

    name: str
    done: bool
    elapsed: float


@dataclass(frozen=True)
class Draft:
    """The unchecked draft, shown (marked as unchecked) while it is written (``partial``) and
    while reflection runs."""

    text: str
    partial: bool = False


Event = Stage | Draft | Answer
History = list[tuple[str, str]]
"""Earlier turns of a conversation, oldest first: (learner's question, Molly's answer)."""


class Profiles(Protocol):
    """Where the tutor looks up a course's steering (``CourseDB`` in practice)."""

    def profile(self, name: str) -> CourseProfile:
        """The course's steering; ``CourseError`` if there is no such course."""
        ...


def validate_question(question: object, max_chars: int) -> str:
    """The question stripped, or an ``InvalidQuestionError`` saying what is wrong with it."""
    if not isinstance(question, str):
        raise InvalidQuestionError("Please type your question as text.")
    q = question.strip()
    if not q:
        raise InvalidQuestionError("Your question is empty. Type a Python question and press Enter.")
    if len(q) > max_chars:
        raise InvalidQuestionError(
            f"Your question is {len(q):,} characters long; the limit is {max_chars:,}. "
            "Please shorten it: keep the code and error lines that matter.")
    control = sum(1 for c in q if (ord(c) < 32 and c not in "\n\r\t") or 0xFFF0 <= ord(c) or 0xD800 <= ord(c) <= 0xDFFF)
    if "\x00" in q or control > max(2, len(q) // 50) or q.count("\ufffd") > max(2, len(q) // 20):
        raise InvalidQuestionError("That doesn't look like text. Please type or paste your question as plain text.")
    return q


class Tutor:
    """Answers questions, ``settings.answer_slots`` at a time: one for the embedded model (not
    thread-safe), several for a served one, so that vLLM can batch learners' requests."""

    def __init__(self, settings: Settings, llm: BaseChatModel, retriever: Retriever,
                 embedder: Embedder | None = None, courses: Profiles | None = None,
                 sandbox: Sandbox | None = None, intent_llm: BaseChatModel | None = None,
                 policy: RequestPolicy | None = None, kinds: IntentClassifier | None = None) -> None:
        """``embedder``, when given, adds citations the model forgot (see ``attribution.py``);
        ``courses`` gives each course's steering (its materials come through ``retriever``);
        ``sandbox``, when given, runs the answer's code (see ``codecheck.py``); ``intent_llm``,
        when given, makes the intent call (see ``llm.build_intent_model``), else ``llm`` does;
        ``policy`` declines harmful requests first (default: its rules alone, no classifier);
        ``kinds``, when given, decides the intent kind without an LLM call (see ``perceive``)."""
        self.settings, self.llm, self.retriever, self.embedder = settings, llm, retriever, embedder
        self.courses, self.sandbox, self._intent_llm = courses, sandbox, intent_llm
        self._repair_sandbox = repair_sandbox(sandbox) if sandbox is not None else None
        self.policy = policy or RequestPolicy(None)
        self.kinds = kinds
        self._lock = threading.BoundedSemaphore(settings.answer_slots)

    @property
    def intent_llm(self) -> BaseChatModel:
        """The chat model that perceives intent."""
        return self._intent_llm or self.llm

    def warm_up(self) -> None:
        """Page the model in and cache both system prompts (the intent call's, the tutor's), so
        the first learner does not wait; the backend's prefix cache then keeps them between turns."""
        self.policy.warm_up()
        if self.kinds is not None:
            self.kinds.warm_up()
        with self._lock:
            call_llm(self.intent_llm, intent_messages("What is a variable?"), UsageCounter(), max_tokens=1)
            call_llm(self.llm, draft_messages("What is a variable?", [], ""), UsageCounter(), max_tokens=1)

    def ask(self, question: str, exclude: tuple[str, ...] = (), course: str | None = None,
            history: History | None = None) -> Answer:
        """The checked answer to ``question`` (``exclude``: page prefixes never retrieved;
        ``course``: also search that course's learner material and apply its steering;
        ``history``: the conversation so far, for follow-up questions)."""
        answer = None
        for event in self.run(question, exclude, course, history):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None  # run() always ends with an Answer
        return answer

    def run(self, question: str, exclude: tuple[str, ...] = (), course: str | None = None,
            history: History | None = None) -> Iterator[Event]:
        """Stage events, the unchecked draft, then the checked ``Answer``."""
        q = validate_question(question, self.settings.max_question_chars)
        profile = self._profile(course)
        turns = bound_history(history or [], self.settings.history_turns, self.settings.history_chars)
        # The earlier answers the prompt shows, whole: their code must not reappear in a new question's answer.
        earlier = [a for _, a in (history or [])[-len(turns):]] if turns else []
        with self._lock:
            yield from self._run(q, exclude, profile, turns, earlier)

    def understand(self, question: str, counter: UsageCounter, exclude: tuple[str, ...] = (),
                   course: str | None = None, history: History | None = None) -> Intent:
        """What the learner needs. A first message that may be off-topic (``may_be_off_topic``) and
        has nothing near it in the docs or the course's materials (no passage above the score
        floor) is off-topic by rule: the 1.5B model calls "What is the capital of Australia?" a
        concept, and the draft then answered it from its own knowledge. Else ``intent.perceive``,
        whose off-topic judgement the docs overrule when they are near (``intent.in_scope``): the
        classifier alone refused 22 of 238 real Python questions ("How do I freeze Tkinter applications?")."""
        if not history and may_be_off_topic(question) and not self.retriever.retrieve([question], exclude, course):
            return ruled(IntentKind.OFF_TOPIC, question)
        intent = perceive(question, self.intent_llm, counter, history, self.kinds)
        if intent.kind is IntentKind.OFF_TOPIC and intent.source in ("classifier", "llm"):
            # A judgement, not a rule: the docs overrule it when they are near.
            passages = self.retriever.retrieve([question], exclude, course)
            if in_scope(question, max((p.score for p in passages), default=None)):
                return overruled(intent, question)
        return intent

    def _ask_llm(self, counter: UsageCounter) -> Ask:
        """The repair call, made only while the turn can still afford its draft and verdict."""
        def ask(report: RepairReport) -> dict[str, Any] | None:
            return llm_candidate(self.llm, report, counter) if counter.calls == 0 else None
        return ask

    def _profile(self, course: str | None) -> CourseProfile | None:
        if course is None:
            return None
        if self.courses is None:
            raise CourseError("This tutor has no course materials loaded.", detail=f"course {course!r}")
        return self.courses.profile(course)

    def _shown(self, text: str) -> tuple[str, int]:
        """``text`` as a learner may see it: prompt delimiters and lines leaking the system prompt
        or its canary removed (``leakguard``), then sanitised (``safety``); and how many lines
        were removed."""
        kept, removed = redact(strip_delimiters(text), system_text(), CANARY)
        return sanitize(kept, tuple(self.settings.allowed_link_hosts)), removed

    def _run(self, q: str, exclude: tuple[str, ...], profile: CourseProfile | None,
             history: History, earlier: list[str] | None = None) -> Iterator[Event]:
        counter, timings, t0 = UsageCounter(), {}, time.perf_counter()

        def stage(name: str, start: float) -> Stage:
            timings[name] = round(time.perf_counter() - start, 3)
            return Stage(name, True, time.perf_counter() - t0)

        s = time.perf_counter()
        yield Stage("understanding", False, 0.0)
        decision = self.policy.decide(q, profile.decline if profile else ())
        if decision is not None:
            intent = Intent(kind=IntentKind.OFF_TOPIC, knowledge_points=[decision.category], source="policy")
            yield stage("intent", s)
            timings["total"] = round(time.perf_counter() - t0, 3)
            check = Check(name="policy", passed=True, detail=f"declined before any model call: {decision.reason}")
            yield _answer(decision.reply, intent, [], [check], timings, counter, False).model_copy(
                update={"declined": decision.category})
            return
        asked, language = q, foreign_code(q)  # code Molly cannot run: said plainly, never guessed at
        debugged = (debug(q, self._repair_sandbox, self._ask_llm(counter))
                    if self._repair_sandbox is not None and language is None else None)
        ran = with_run_facts(q, self.sandbox) if debugged is None and language is None else RunFacts(
            q, list(debugged.checks) if debugged is not None else [])
        q, early_checks = ran.question, list(ran.checks)
        if language is not None:
            early_checks.append(Check(name="learner_code_ran", passed=False,
                                      detail=f"not run: your code is {language}, not Python"))
        if debugged is not None and debugged.report.results:
            # The learner's code and its examples say what is needed; the intent call's place in the
            # turn's budget goes to the repair candidate.
            raised = debugged.report.syntax_error or any(r.status != "fail" for r in debugged.report.failing)
            intent = ruled(IntentKind.ERROR if raised else IntentKind.CODE_REVIEW, q)
        else:
            intent = self.understand(q, counter, exclude, profile.name if profile else None, history)
        # A code review is grounded in what a linter finds (pylint parses the code, never runs it).
        reviewed = (review(asked) if intent.kind is IntentKind.CODE_REVIEW and debugged is None and language is None
                    else None)
        if reviewed is not None:
            early_checks.append(reviewed.check)
        yield stage("intent", s)

        def finish(text: str, passages: list[Passage], checks: list[Check], withheld: bool = False,
                   claims: list[Claim] | None = None) -> Answer:
            timings["total"] = round(time.perf_counter() - t0, 3)
            checks = [*early_checks, *checks]
            shown, removed = self._shown(text)
            if removed:
                checks = [*checks, Check(name="instructions_private", passed=True,
                                         detail=f"removed {removed} line(s) repeating my instructions")]
                if not shown.strip():
                    shown, withheld = WITHHELD_REPLY, True
            # Claims are draft sentences: they pass the same guard before anyone sees them.
            claims = [c.model_copy(update={"text": self._shown(c.text)[0]}) for c in claims or []]
            answer = _answer(shown, intent, passages, checks, timings, counter, withheld, claims)
            if debugged is not None:
                fix = debugged.report.fix if verified(debugged.report) else None
                answer = answer.model_copy(update={"bug": debugged.note(),
                                                   **({"fixed_code": fix.source} if fix is not None else {})})
            return answer

        if intent.kind is IntentKind.OFF_TOPIC:
            yield finish(OFF_TOPIC_REPLY, [], [Check(name="scope", passed=True, detail="off-topic: not answered")])
            return
        # One clarifying question at most: once there is a conversation, its context answers instead.
        if intent.needs_clarification and intent.clarifying_question and not history:
            yield finish(intent.clarifying_question, [], [Check(name="clarification", passed=True,
                                                                detail="asked one clarifying question")])
            return

        hints_only = intent.kind is IntentKind.SOLUTION_REQUEST or (
            profile.solution_policy if profile is not None else self.settings.solution_policy) == "hints_only"
        if (debugged is not None and hints_only and not self.settings.debug_prose and language is None
                and (facts_only := debugged.summary(hints_only))):
            # Under hints only the run's facts are the answer: the line, the idea, what ran. The
            # model's prose below them carried invented causes (settings.debug_prose).
            yield finish(facts_only, [], [Check(name="facts_only", passed=True, detail=(
                "hints only: the answer is what running your code showed; no model-written explanation"))])
            return

        s = time.perf_counter()
        yield Stage("searching the docs", False, s - t0)
        passages = self.retriever.retrieve(query_texts(q, intent, history), exclude, profile.name if profile else None)
        yield stage("retrieve", s)

        s = time.perf_counter()
        yield Stage("drafting", False, s - t0)
        version = stated_version(q)
        notes = version_notes(passages, version) if version else []
        if version and notes:
            early_checks = [*early_checks, Check(name="python_version", passed=True, detail=(
                f"you use Python {version[0]}.{version[1]}; the docs are 3.11's: " + "; ".join(notes)))]
        guidance = guidance_for(intent, passages, version, notes, profile)
        hidden_fix = None
        if language is not None:
            guidance = (f"{guidance} The learner's code is {language}, not Python, and Molly did not run it: say so "
                        "first; if they want it in Python, show the Python way.").strip()
        if reviewed is not None:
            guidance = f"{guidance} {reviewed.guidance}".strip()
        if debugged is not None:
            guidance = f"{guidance} {debugged.guidance(hints_only)}".strip()
            if hints_only:  # the verified fix, or with none, any rewrite of the learner's functions
                fix = debugged.report.fix
                hidden_fix = (debugged.report.code, fix.source if fix is not None and verified(debugged.report) else "")
        messages = draft_messages(q, passages, guidance, history)
        draft, shown_at = "", time.perf_counter()
        # After a run's facts the prose is a short hint: the facts say what is known.
        bound = {"max_tokens": HINT_TOKENS} if debugged is not None and debugged.facts else {}
        for draft in stream_llm(self.llm, messages, counter, **bound):
            # Complete lines only, every half second: each shown line has passed the leak guard whole.
            if "\n" in draft and time.perf_counter() - shown_at >= DRAFT_REFRESH_S:
                shown_at = time.perf_counter()
                yield Draft(self._shown(draft[:draft.rindex("\n")])[0], partial=True)
        draft = trim_incomplete(draft, cut_off=counter.last_finish_reason != "stop")
        yield stage("draft", s)
        yield Draft(self._shown(draft)[0])

        s = time.perf_counter()
        yield Stage("checking", False, s - t0)
        checked = reflect(self.llm, messages, draft, passages, counter, embedder=self.embedder,
                          rules=self.settings.claim_rules, question=q, kind=intent.kind, profile=profile,
                          sandbox=self.sandbox, hidden_fix=hidden_fix, judge=self.settings.claim_verdict)
        text, checks, withheld = (WITHHELD_REPLY if checked.withheld else checked.text), checked.checks, checked.withheld
        facts = (debugged.summary(hints_only) if debugged is not None else
                 "\n\n".join(filter(None, [ran.summary, reviewed.summary if reviewed is not None else ""])))
        if not withheld and facts and (debugged is not None or reviewed is not None):
            # The facts are shown from the run (or the linter) itself, so prose lines repeating the
            # turn's guidance (the 1.5B model echoed "Facts from running the learner's code:" and the
            # facts, once reworded wrongly) go; then the facts lead, even when the prose is withheld.
            text, echoed = redact(text, guidance, "", window=ECHO_WINDOW)
            if echoed:
                checks = [*checks, Check(name="echo_removed", passed=True,
                                         detail=f"removed {echoed} line(s) repeating my instructions")]
        if not withheld and earlier and not refers_back(q):
            text, repeated = without_earlier_code(text, earlier)
            if repeated:
                checks = [*checks, Check(name="earlier_code_removed", passed=True, detail=(
                    f"removed {repeated} example(s) repeated from an earlier answer: this is a new question"))]
        if not withheld:
            text, echoed = strip_echo(text, q, passages)
            if echoed:
                checks = [*checks, Check(name="prompt_echo_removed", passed=True, detail=(
                    f"removed {echoed} line(s) repeating the question, the passages' headings or my instructions"))]
            if not text.strip():
                text, withheld = WITHHELD_REPLY, True
        if facts:
            text = f"{facts}\n\n{text}"
        if language is not None:
            text = f"*Your code looks like {language}, not Python, so I could not run or check it.*\n\n{text}"
        yield stage("reflect", s)
        yield finish(text, passages, checks, withheld, checked.claims)

    def plain_rag(self, question: str, exclude: tuple[str, ...] = (), *, use_docs: bool = True,
                  course: str | None = None) -> Answer:
        """Baseline: the raw question as query, one draft call, no intent, no reflection.
        With ``use_docs=False`` it is the LLM-only baseline: the same call with no passages."""
        q = validate_question(question, self.settings.max_question_chars)
        profile = self._profile(course)
        course = profile.name if profile else None
        with self._lock:
            counter, t0 = UsageCounter(), time.perf_counter()
            passages = self.retriever.retrieve([q], exclude, course) if use_docs else []
            t1 = time.perf_counter()
            text = call_llm(self.llm, draft_messages(q, passages, ""), counter)
            text = trim_incomplete(text, cut_off=counter.last_finish_reason != "stop")
            t2 = time.perf_counter()
            timings = {"retrieve": round(t1 - t0, 3), "draft": round(t2 - t1, 3), "total": round(t2 - t0, 3)}
            intent = Intent(kind=IntentKind.CONCEPT, search_query=q[:200], source="none")
            text = self._shown(text)[0]
            return _answer(text, intent, passages, deterministic_checks(text, passages), timings, counter, False)


def bound_history(history: History, turns: int, chars: int) -> History:
    """The last ``turns`` turns, each side cut to ``chars`` characters: enough for a follow-up
    to make sense, bounded so a long chat does not grow every prompt (prompt reading is the main
    cost on a CPU)."""
    def cut(text: str) -> str:
        text = " ".join(str(text).split())
        return text if len(text) <= chars else text[:chars].rsplit(" ", 1)[0] + " …"

    return [(cut(q), cut(a)) for q, a in history[-turns:]] if turns > 0 else []


def _answer(text: str, intent: Intent, passages: list[Passage], checks: list[Check], timings: dict[str, float],
            counter: UsageCounter, withheld: bool, claims: list[Claim] | None = None) -> Answer:
    by_ref = {p.ref: p for p in passages}
    refs = [n for n in cited_refs(text) if n in by_ref] if not withheld else [p.ref for p in passages]
    citations = [Citation(id=n, title=by_ref[n].chunk.where, url=by_ref[n].chunk.url) for n in refs]
    return Answer(text=re.sub(r"\n{3,}", "\n\n", text).strip(), intent=intent, citations=citations,
                  passages=passages, checks=checks, claims=claims or [], timings=timings, llm_calls=counter.calls,
                  prompt_tokens=counter.prompt_tokens, withheld=withheld)
