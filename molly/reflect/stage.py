"""The reflection stage as one call: claims, course steering, then the answer's code run.

``reflect`` is what ``Tutor`` calls on every draft: ``verifier.verify_claims`` (claim rules, one
LLM verdict, revision), then the course's steering (hints only for graded work), then running
the code a learner will see (``codecheck.check_code``), last, so only shown code is run. A failing
block may be revised by one more LLM call while the turn stays under ``MAX_LLM_CALLS``.
Not here: what the learner may be shown at all (``guard/``).
"""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from molly.document import python_blocks
from molly.llm import UsageCounter, call_llm
from molly.prompting import load_prompt
from molly.reflect import steering
from molly.reflect.codecheck import Fixer, check_code
from molly.reflect.verifier import Reflection, verify_claims
from molly.retrieval.embedder import Embedder
from molly.sandbox import Sandbox
from molly.schemas import Check, CourseProfile, IntentKind, Passage

MAX_LLM_CALLS = 3  # per turn: intent, draft, verdict; a code revision only uses a call the turn saved


def reflect(llm: BaseChatModel, messages: list[BaseMessage], draft: str, passages: list[Passage],
            counter: UsageCounter, *, embedder: Embedder | None = None, rules: bool = True, question: str = "",
            kind: IntentKind = IntentKind.CONCEPT, profile: CourseProfile | None = None,
            sandbox: Sandbox | None = None, hidden_fix: tuple[str, str] | None = None, judge: bool = True) -> Reflection:
    """Check ``draft`` (written in reply to ``messages``) before it is shown: see the module doc.
    ``kind`` and ``profile`` choose the steering; without ``sandbox`` no code is run.
    ``hidden_fix`` (the learner's code, its verified fix) is given under hints only: a block
    showing the fix is removed. ``judge``: ask the model about sentences no rule decided."""
    checked = verify_claims(llm, messages, draft, passages, counter, embedder, rules, question, sandbox, judge)
    if checked.withheld:
        return checked
    text, checks = checked.text, list(checked.checks)
    if profile is not None or kind is IntentKind.SOLUTION_REQUEST:
        # Graded work gets hints only with or without a course: the guidance alone did not stop
        # the 1.5B model writing a recognised request's solution (solution_requests_dev).
        text, course_checks = steering.apply(text, profile or steering.NO_COURSE, kind)
        checks += course_checks
    if hidden_fix is not None:
        text, removed = steering.without_fix(text, *hidden_fix)
        checks.append(Check(name="fix_not_shown", passed=True, detail=(
            f"hints only: {removed} block(s) showing the corrected code removed" if removed
            else "hints only: the answer does not show the corrected code")))
    if sandbox is not None:
        text, ran = check_code(text, sandbox, code_fixer(llm, messages, draft, counter), passages)
        checks += ran
    return Reflection(text, checks, checked.claims)


def code_fixer(llm: BaseChatModel, messages: list[BaseMessage], draft: str, counter: UsageCounter) -> Fixer:
    """Revise a failing block given its real error, in the draft's conversation (cached prefix),
    while the turn is under ``MAX_LLM_CALLS``; otherwise the block is removed with its error."""
    def fix(code: str, error: str) -> str | None:
        if counter.calls >= MAX_LLM_CALLS:
            return None
        ask = load_prompt("fix_code").render(code=code, error=error)[1]
        reply = call_llm(llm, [*messages, AIMessage(draft), HumanMessage(ask)], counter, max_tokens=300)
        blocks = python_blocks(reply)
        return blocks[0][1] if blocks else None

    return fix
