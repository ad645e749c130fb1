"""The draft step: what the drafting call is told, and its messages.

The draft prompt (``prompts/draft.md``) gets the question, the numbered passages, earlier turns
and one line of guidance assembled here from what perception found (the intent kind, the
exception, the learner's Python version) and the course's steering. Not here: calling the model
(``agent.py`` streams it) or checking what it wrote (``reflect/``).
"""

from __future__ import annotations

from langchain_core.messages import BaseMessage

from molly.prompting import format_passages, task_messages
from molly.reflect import steering
from molly.schemas import CourseProfile, Intent, IntentKind, Passage

GUIDANCE = {
    IntentKind.ERROR: "Explain what the error means, its likely cause here, and how to fix it.",
    IntentKind.CODE_REVIEW: "Give two or three specific, kind suggestions about the learner's code.",
    IntentKind.SOLUTION_REQUEST: ("The learner is asking for the solution to graded work. Do not write the "
                                  "solution or complete code for it. Explain the ideas they need, give hints "
                                  "and a question to think about; any example must use different data."),
}


def guidance_for(intent: Intent, passages: list[Passage], version: tuple[int, int] | None, notes: list[str],
             profile: CourseProfile | None) -> str:
    """One line telling the draft what kind of answer this is and what perception found."""
    return " ".join(filter(None, [GUIDANCE.get(intent.kind, ""), error_guidance(intent, passages),
                                  version_guidance(version, notes),
                                  steering.guidance(profile, intent.kind) if profile else ""]))


def version_guidance(version: tuple[int, int] | None, notes: list[str]) -> str:
    """Tell the draft which passages describe features newer than the learner's Python."""
    if not version or not notes:
        return ""
    return (f"The learner uses Python {version[0]}.{version[1]}; these are newer than that, so say so and "
            f"offer what works in their version: {'; '.join(notes)}.")


def error_guidance(intent: Intent, passages: list[Passage]) -> str:
    """For an error, name the exception and the passage that documents it: small models otherwise
    explain whichever error passage they read first."""
    if intent.kind is not IntentKind.ERROR or not intent.knowledge_points:
        return ""
    name = intent.knowledge_points[0]
    ref = next((p.ref for p in passages if p.chunk.page == "library/exceptions.html" and p.chunk.anchor == name), None)
    return f"The error is {name}; passage [{ref}] documents it." if ref else ""


def draft_messages(question: str, passages: list[Passage], guidance: str,
                   history: list[tuple[str, str]] | None = None) -> list[BaseMessage]:
    """The drafting call: earlier turns, question, numbered passages, task."""
    return task_messages("draft", question, history, passages=format_passages(passages), guidance=guidance)
