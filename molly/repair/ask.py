"""One LLM call for a repair candidate, when the mutation search found no verified fix.

The model gets the program and what running it showed (each failing call, its real result or
exception, and the expected result) and writes the corrected program; the candidate is then run
against every expectation like any other (``search.repair``), so the model's fix counts only if it
passes. Not here: deciding whether the turn can afford the call (``agent.py``).
"""

from __future__ import annotations

from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from molly.document import python_blocks
from molly.llm import UsageCounter, call_llm
from molly.prompting import load_prompt
from molly.repair.search import RepairReport

MAX_TOKENS = 400  # a beginner's function, written out whole


def failures_text(report: RepairReport) -> str:
    """What running the program showed, one line per failing example."""
    lines = []
    for r in report.failing[:4]:
        e = r.expectation
        got = f"raises {r.error}" if r.status == "error" else "never finishes" if r.status == "timeout" \
            else f"returns {r.actual}"
        lines.append(f"- `{e.call}` {got}" + (f"; expected {e.expected}" if e.expected else "; it should not fail"))
    return "When run:\n" + "\n".join(lines)


def llm_candidate(llm: BaseChatModel, report: RepairReport, counter: UsageCounter) -> dict[str, Any] | None:
    """The model's corrected program as a search candidate, or None if it wrote none."""
    system, user = load_prompt("repair").render(code=report.code, failures=failures_text(report))
    reply = call_llm(llm, [SystemMessage(system), HumanMessage(user)], counter, max_tokens=MAX_TOKENS)
    blocks = python_blocks(reply)
    if not blocks:
        return None
    return {"description": "the model's corrected program", "source": blocks[0][1], "origin": "llm", "line": 0}
