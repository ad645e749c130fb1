"""Frozen data models that cross module boundaries.

Only plain data lives here: no I/O, no model calls, nothing imported from the rest of
``molly``. Every model is frozen (immutable once built) and rejects unknown fields.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DOCS_BASE_URL = "https://docs.python.org/3.11/"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Chunk(_Frozen):
    """One retrievable piece of a source document."""

    id: str = Field(description="Stable id, e.g. 'library/functions.html#open' or with a '~n' part suffix.")
    source: str = Field(description="'pydocs' for the Python docs, else a course id.")
    page: str = Field(description="Path of the page relative to its source root.")
    anchor: str = Field(default="", description="HTML anchor within the page, if any.")
    title: str = Field(description="Title path, e.g. 'Built-in Functions > open'.")
    text: str
    visibility: Literal["learner", "instructor"] = Field(
        default="learner", description="'instructor': course material never retrieved for a learner.")
    locator: str = Field(default="", description="Where in the document: 'page 3', 'cell 4', 'lines 5–9'.")

    @property
    def url(self) -> str:
        """Where a learner can read this chunk (docs.python.org for the Python docs)."""
        if self.source == "pydocs":
            return DOCS_BASE_URL + self.page + (f"#{self.anchor}" if self.anchor else "")
        return f"course:{self.source}/{self.page}" + (f"#{self.anchor}" if self.anchor else "")

    @property
    def where(self) -> str:
        """A citation label: the title, plus the page or cell for course documents."""
        return self._located(self.title)

    @property
    def label(self) -> str:
        """A short heading for prompts: the page's short name and the innermost section, e.g.
        'io.IOBase.seek' for 'io — Core tools for working with streams > … > io.IOBase.seek' and
        'Input and Output > Methods of File Objects' for a section that does not repeat the page's name.
        The full path costs the model ~13 more tokens a passage (~0.25 s on 2 cores) and says
        little more; citations shown to learners keep ``where``."""
        sep = " › " if " › " in self.title else " > "  # course documents use "›"
        parts = self.title.split(sep)
        page, last = parts[0].split(" — ", 1)[0].strip(), parts[-1]
        label = page if len(parts) == 1 else last if last.startswith(page + ".") else f"{page}{sep}{last}"
        return self._located(label)

    def _located(self, name: str) -> str:
        """``name`` plus the page or cell of a course document, unless it already says it."""
        return f"{name} ({self.locator})" if self.locator and self.locator not in name else name

    def embedding_text(self) -> str:
        """The text that is embedded: title path first, since it names the topic."""
        return f"{self.title}\n{self.text}"


class Passage(_Frozen):
    """A chunk retrieved for one turn, with its similarity and its citation number."""

    ref: int = Field(ge=1, description="Citation number shown to the model and learner: [ref].")
    chunk: Chunk
    score: float
    whole_text: str = Field(default="", exclude=True, description=(
        "The chunk's whole text when ``chunk.text`` was cut to fit the prompt, else empty: code "
        "checks read the docs' own definitions (an itertools recipe) from it. Not serialised."))


class IntentKind(StrEnum):
    """What the learner needs."""

    CONCEPT = "concept"
    ERROR = "error"
    HOWTO = "howto"
    CODE_REVIEW = "code_review"
    SOLUTION_REQUEST = "solution_request"
    OFF_TOPIC = "off_topic"


class CourseProfile(_Frozen):
    """How an instructor steers answers in one course."""

    name: str
    context: str = Field(default="", max_length=2000, description="Level and what has been taught so far.")
    avoid: list[str] = Field(default_factory=list, description="Constructs not taught yet, e.g. 'lambda'.")
    solution_policy: Literal["hints_only", "worked_examples"] = "hints_only"
    decline: list[str] = Field(default_factory=list, description=(
        "Topics this course declines, e.g. 'week 5 project': a message naming all of a topic's words is declined."))


class Intent(_Frozen):
    """The perceived intent of a learner's question (the paper's perception stage)."""

    kind: IntentKind
    knowledge_points: list[str] = Field(default_factory=list, max_length=6)
    search_query: str = ""
    needs_clarification: bool = False
    clarifying_question: str = ""
    source: str = Field(default="llm", description="'rule', 'classifier', 'llm', 'fallback' or 'policy': how it was decided.")


class Citation(_Frozen):
    """A source the answer cites."""

    id: int
    title: str
    url: str


class Check(_Frozen):
    """One verification the answer went through."""

    name: str
    passed: bool
    detail: str = ""


class Claim(_Frozen):
    """One prose sentence of the draft and what reflection found about it."""

    text: str
    cites: list[int] = Field(default_factory=list)
    verdict: Literal["supported", "unsupported", "unchecked", "not_a_claim"]  # not_a_claim: a lead-in
    reason: str = ""
    by: Literal["", "words", "run", "model"] = Field(default="", description=(
        "What decided a 'supported' verdict: its words and meaning matched to a passage sentence (rules), "
        "the result it states compared with a real run, or the model's reading."))
    shown: bool = Field(default=True, description="False when the sentence was removed from the answer.")


class BugNote(_Frozen):
    """What a debugging turn found in the learner's program, for the instructor's insight view."""

    function: str = Field(description="The learner's function the failing examples call, e.g. 'largest'.")
    failing: int = Field(ge=0, description="How many of the learner's examples failed.")
    kind: str = Field(description=(
        "What the bug was about: the idea of a verified fix ('the comparison'), else how the code failed "
        "('raises IndexError', 'gives a wrong result', 'never finishes', 'does not start: SyntaxError')."))
    fixed: bool = Field(description="Whether a fix was verified on every example.")


class Answer(_Frozen):
    """What a turn returns to the learner, with its evidence and its cost."""

    text: str
    intent: Intent
    citations: list[Citation] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list, description="The draft's sentences with their verdicts.")
    timings: dict[str, float] = Field(default_factory=dict, description="Seconds per stage, plus 'total'.")
    llm_calls: int = 0
    prompt_tokens: int = 0
    withheld: bool = Field(default=False, description="True when the checked draft was not shown.")
    declined: str = Field(default="", description=(
        "Why the request was declined before any LLM call ('harmful', 'jailbreak', 'extraction', 'course'), or ''."))
    bug: BugNote | None = Field(default=None, description="What a debugging turn found, or None.")
    fixed_code: str = Field(default="", exclude=True, description=(
        "The verified fix of the learner's code, for evaluation only: never serialised, never shown."))
