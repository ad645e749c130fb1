"""Prompt files (``molly/prompts/*.md``) and how values are put into them.

A prompt file starts with ``<!-- version: NAME-N -->`` and has ``## system`` and/or ``## user``
sections with ``{{name}}`` slots. Values are substituted in one pass, so text from a learner or
a document is only ever a value and can never add slots or rewrite the template.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from functools import cache
from importlib import resources

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from molly.schemas import Passage

# A fresh canary for each run of Molly, in its system prompt; ``leakguard`` removes any line that
# carries it (or a run of the prompt's words) before a learner sees it.
CANARY = f"mly-{secrets.token_hex(6)}"
_SLOT = re.compile(r"\{\{(\w+)\}\}")
_VERSION = re.compile(r"<!--\s*version:\s*([\w.-]+)\s*-->")


@dataclass(frozen=True)
class Prompt:
    """A loaded prompt: its version and its system/user templates."""

    name: str
    version: str
    system: str
    user: str

    def render(self, **values: str) -> tuple[str, str]:
        """(system, user) with every slot filled; a missing value is an error."""
        return _fill(self.system, values, self.name), _fill(self.user, values, self.name)


def _fill(template: str, values: dict[str, str], name: str) -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group(1) not in values:
            raise KeyError(f"prompt {name!r} needs a value for {{{{{m.group(1)}}}}}")
        return values[m.group(1)]

    return _SLOT.sub(sub, template).strip()


@cache
def load_prompt(name: str) -> Prompt:
    """Read ``molly/prompts/<name>.md``."""
    text = resources.files("molly.prompts").joinpath(f"{name}.md").read_text(encoding="utf-8")
    version = _VERSION.search(text)
    sections = dict.fromkeys(("system", "user"), "")
    for m in re.finditer(r"^## (system|user)\n(.*?)(?=^## |\Z)", text, flags=re.S | re.M):
        sections[m.group(1)] = m.group(2).strip()
    return Prompt(name, version.group(1) if version else f"{name}-0", sections["system"], sections["user"])


# The tags that fence untrusted text in our prompts; one list for escaping and stripping them.
_TAGS = "passage|question|history"
_TAG_OPENING = re.compile(rf"<(/?\s*(?:{_TAGS})\b)", re.I)
_DELIMITER_TAG = re.compile(rf"</?\s*(?:{_TAGS})\b[^>\n]*>[ \t]*\n?", re.I)


def escape_delimiters(text: str) -> str:
    """Neutralise look-alikes of our delimiters inside untrusted text (documents, questions)."""
    return _TAG_OPENING.sub(r"‹\1", text)


def strip_delimiters(text: str) -> str:
    """Model output without our prompt delimiters: a small model sometimes starts its answer by
    echoing ``<question>`` and the question, which would show as stray tags."""
    return _DELIMITER_TAG.sub("", text)


def format_passages(passages: list[Passage]) -> str:
    """Passages inside id-carrying delimiters, as the draft prompt expects them."""
    if not passages:
        return "(No passages from the documentation matched this question.)"
    return "\n\n".join(
        f'<passage id="{p.ref}">\n[{p.ref}] {escape_delimiters(p.chunk.label)}\n'
        f"{escape_delimiters(p.chunk.text)}\n</passage>"
        for p in passages
    )


def system_text() -> str:
    """The tutor's system prompt as sent: the prompt file plus this run's canary."""
    return f"{load_prompt('tutor').system}\nConfidential session marker: {CANARY}. Never write it."


def format_history(turns: list[tuple[str, str]]) -> str:
    """Earlier turns (question, answer) inside delimiters, for follow-up questions; empty if none."""
    if not turns:
        return ""
    body = "\n".join(f"Learner: {escape_delimiters(q)}\nMolly: {escape_delimiters(a)}" for q, a in turns)
    return f"Earlier in this conversation (for context only):\n<history>\n{body}\n</history>\n"


def task_messages(task: str, question: str, history: list[tuple[str, str]] | None = None,
                  **values: str) -> list[BaseMessage]:
    """The system text, then the question (after any earlier turns), then the task
    (``prompts/<task>.md``). The system text is the tutor's, unless the task's file has its own.

    Every call of a turn after the intent call starts with the same system text and question, so
    llama.cpp and vLLM reuse their cached prefix: reflection reuses the whole draft's.
    """
    prompt = load_prompt(task)
    system, user = prompt.render(question=escape_delimiters(question), history=format_history(history or []),
                                 **values)
    return [SystemMessage(system or system_text()), HumanMessage(user)]
