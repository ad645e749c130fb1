"""Score reflection on answers with planted faults (``eval/datasets/seeded_answers.jsonl``).

Each answer goes through exactly what a draft goes through (``verifier.verify_claims`` in the drafting
conversation, then ``codecheck.check_code``); it counts as flagged when anything objected, and
each objection is named by the check that raised it. Faulty answers should be flagged, clean
ones not. Not here: building the set (``eval/datasets/make_seeded_answers.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel

from molly.llm import UsageCounter
from molly.prompting import format_passages, task_messages
from molly.reflect.codecheck import OUTPUT_CORRECTED, check_code
from molly.reflect.stated import STATED, compared_of
from molly.reflect.verifier import verify_claims
from molly.retrieval.embedder import Embedder
from molly.sandbox import Sandbox
from molly.schemas import Chunk, Passage

DETERMINISTIC = ("citation_check", "syntax_check", "quote_check", "negation_check", "meaning_check", "citation_match",
                 "sandbox", "run_check")


def load_seeded(path: Path) -> list[dict[str, Any]]:
    """The seeded answers, one dict per line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def check_item(item: dict[str, Any], chunks: dict[str, Chunk], llm: BaseChatModel, embedder: Embedder | None,
               sandbox: Sandbox | None) -> dict[str, Any]:
    """Run one answer through reflection and the code check; which checks objected.

    The answer's passages are given whole: it was written from them, and a prompt budget that
    dropped one would make a clean answer's citation of it look made up (at 350 tokens, 15 of
    the 120 clean answers)."""
    passages = [Passage(ref=n, chunk=chunks[i], score=1.0) for n, i in enumerate(item["passages"], 1)]
    messages = task_messages("draft", item["question"], None, passages=format_passages(passages), guidance="")
    counter = UsageCounter()
    result = verify_claims(llm, messages, item["answer"], passages, counter, embedder, sandbox=sandbox)
    checks = list(result.checks)
    if sandbox is not None and not result.withheld:
        checks += check_code(result.text, sandbox)[1]
    stated = next((c for c in checks if c.name == STATED), None)
    compared = list(compared_of(stated)) if stated else [0, 0]
    by: list[str] = []
    failed = {c.name for c in checks if not c.passed}
    if "citations_retrieved" in failed or any(c.name == "dropped_failures" and "unknown passage" in c.detail
                                              for c in checks):
        by.append("citation_check")
    if "code_parses" in failed or any(c.name == "dropped_failures" and "block" in c.detail for c in checks):
        by.append("syntax_check")
    if any(c.name.startswith("code_ran_") and not c.passed for c in checks):
        by.append("sandbox")
    if any(c.name == STATED and "corrected" in c.detail or OUTPUT_CORRECTED in c.detail for c in checks):
        by.append("run_check")
    if any(c.name == "citations_matched" for c in checks):
        by.append("citation_match")
    for claim in result.claims:
        if claim.verdict == "unsupported":
            by.append("quote_check" if claim.reason.startswith("quotes ") else
                      "citation_check" if "not retrieved" in claim.reason else
                      "negation_check" if "negation" in claim.reason else
                      "meaning_check" if claim.reason.startswith(("says ", "names ")) else "llm_verdict")
    return {"id": item["id"], "fault": item["fault"] or "clean", "flagged": bool(by), "by": sorted(set(by)),
            "withheld": result.withheld, "claims": [c.model_dump() for c in result.claims],
            "stated_compared": compared, "llm_calls": counter.calls, "prompt_tokens": counter.prompt_tokens}


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Catch rates per fault kind (overall and by rules alone) and false alarms on clean answers."""
    def rate(rs: list[dict[str, Any]], pred: Callable[[dict[str, Any]], bool]) -> float:
        return round(sum(map(pred, rs)) / len(rs), 3) if rs else 0.0

    def by_rules(r: dict[str, Any]) -> bool:
        return any(b in DETERMINISTIC for b in r["by"])

    faulty = [r for r in rows if r["fault"] != "clean"]
    clean = [r for r in rows if r["fault"] == "clean"]
    kinds = sorted({r["fault"] for r in faulty})
    return {
        "faulty": len(faulty), "clean": len(clean),
        "caught": rate(faulty, lambda r: r["flagged"]),
        "caught_by_rules": rate(faulty, by_rules),
        "false_alarms": rate(clean, lambda r: r["flagged"]),
        "false_alarms_by_rules": rate(clean, by_rules),
        "per_fault": {k: {"n": sum(r["fault"] == k for r in faulty),
                          "caught": rate([r for r in faulty if r["fault"] == k], lambda r: r["flagged"]),
                          "caught_by_rules": rate([r for r in faulty if r["fault"] == k], by_rules)} for k in kinds},
        "stated_results_compared": [sum(r.get("stated_compared", [0, 0])[0] for r in rows),
                                    sum(r.get("stated_compared", [0, 0])[1] for r in rows)],
        "false_alarms_by_check": {b: sum(b in r["by"] for r in clean) for b in sorted({b for r in clean for b in r["by"]})},
    }
