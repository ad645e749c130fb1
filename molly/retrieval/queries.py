"""What retrieval searches for: the question, the perceived search query, the knowledge points.

Not here: ranking (``retriever.py``) or cutting passages to the prompt budget (``passages.py``).
"""

from __future__ import annotations

from molly.perceive.intent import is_vague
from molly.schemas import Intent, IntentKind


def query_texts(question: str, intent: Intent, history: list[tuple[str, str]] | None = None) -> list[str]:
    """Retrieval queries, the main one first: the question, the perceived search query and the
    knowledge points. For a pasted traceback the exception line leads: file paths and code lines
    say little about which docs entry explains the error. A short follow-up ("and for tuples?")
    is also searched together with the learner's previous question."""
    queries = [question, intent.search_query]
    if intent.kind is IntentKind.ERROR and intent.source == "rule":
        queries.reverse()
    if intent.knowledge_points:
        queries.append("; ".join(intent.knowledge_points))
    if history and is_vague(question):
        queries.append(f"{history[-1][0]} {question}")
    return [q for q in dict.fromkeys(queries) if q]
