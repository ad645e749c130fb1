"""Benchmark (not a test): the repair search alone, no LLM, on a bug dataset.

For each item: the expectations the rules read from the learner's message, one sandbox job
(``molly.repair.search.repair``), then the verified fix (if any) run against the dataset's full
``tests``, which the search never saw. Reports, per split (``tune``/``heldout``) and per fix
operator: items, coverage (a verified fix found), precision (of those, share passing all the
tests), bug located (the fix changes a line in ``bug_lines``), candidates tried, seconds.

With ``--llm``, an item the mutations leave without a verified fix gets the tutor's one repair call
(``molly.repair.ask``, the configured model) and its candidate is run like any other, as in a turn.

Usage: ``.venv/bin/python eval/benchmarks/repair_search.py [eval/datasets/refactory_dev.jsonl] [--split tune]
[--limit N] [--llm] [--out FILE]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from molly.evaluation.bugs import buggy_lines
from molly.repair.expectations import Expectation, learner_code, read_expectations
from molly.repair.facts import debug, look_first, verified
from molly.repair.search import repair, repair_sandbox

ROOT = Path(__file__).resolve().parents[2]


def passes_all(sandbox: Any, source: str, tests: list[dict[str, str]]) -> bool:
    """Whether ``source`` meets every dataset test (a search with no candidates only runs it)."""
    exps = [Expectation(call=t["input"], expected=t["expected_output"], source="dataset") for t in tests]
    report = repair(source, exps, sandbox, max_candidates=0)
    return bool(report.results) and len(report.results) == len(exps) and not report.failing


def operator(description: str) -> str:
    """The operator family of a fix description ("comparison `<` -> `<=`" -> "comparison")."""
    return description.split(";")[0].split("`")[0].strip().split(" ")[0] or description


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset", nargs="?", type=Path, default=ROOT / "eval/datasets/refactory_dev.jsonl")
    ap.add_argument("--out", type=Path, default=ROOT / "eval/benchmarks/results/repair_search.json")
    ap.add_argument("--split", default=None, help="only items of this split")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--llm", action="store_true", help="add the tutor's repair call where mutations find no fix")
    args = ap.parse_args()
    items = [json.loads(line) for line in args.dataset.read_text().splitlines() if line.strip()]
    items = [i for i in items if args.split is None or i.get("split") == args.split]
    items = items[: args.limit] if args.limit else items
    sandbox = repair_sandbox()
    ask = None
    if args.llm:
        from molly.config import Settings
        from molly.llm import UsageCounter, build_chat_model
        from molly.repair.ask import llm_candidate

        llm = build_chat_model(Settings())

        def ask(report: Any) -> Any:
            return llm_candidate(llm, report, UsageCounter())
    rows = []
    for item in items:
        code = learner_code(item["question"]) or item["code"]
        exps = read_expectations(item["question"], code)
        t = time.perf_counter()
        facts = debug(item["question"], sandbox, ask) if exps else None
        report = facts.report if facts is not None else repair(code, exps, sandbox)
        wall = time.perf_counter() - t
        fix = report.fix if verified(report) else None
        bug = buggy_lines(code, item.get("bug_lines", []), item.get("fix_code"))
        spectrum = (report.failing[0].line or (report.suspicious_lines[0] if report.suspicious_lines else None)
                    ) if report.failing else None
        rows.append({"id": item["id"], "split": item.get("split", "all"), "expectations": len(exps),
                     "failing": len(report.failing), "fix": fix.description if fix else None,
                     "operator": ("llm" if fix.origin == "llm" else operator(fix.description)) if fix else None, "line": fix.line if fix else None,
                     "correct": passes_all(sandbox, fix.source, item["tests"]) if fix else None,
                     "located": bool(fix and fix.line in item.get("bug_lines", [])),
                     "unverified_fix": report.fix.description if report.fix and not fix else None,
                     # Without a verified fix: is the line pointed at a bug line (and was the spectrum's)?
                     "look_first_bug": look_first(report) in bug if report.failing and not fix else None,
                     "spectrum_bug": spectrum in bug if report.failing and not fix else None,
                     "plausible": report.plausible, "agree": report.agree, "tried": report.tried, "seconds": round(wall, 2), "stopped": report.stopped})
    summary: dict[str, Any] = {}
    for split in sorted({r["split"] for r in rows}):
        part = [r for r in rows if r["split"] == split]
        fixed = [r for r in part if r["fix"]]
        ops: dict[str, list[bool]] = defaultdict(list)
        for r in fixed:
            ops[r["operator"]].append(bool(r["correct"]))
        summary[split] = {
            "items": len(part), "with_failing_expectation": sum(r["failing"] > 0 for r in part),
            "coverage": round(len(fixed) / len(part), 3),
            "precision": round(sum(bool(r["correct"]) for r in fixed) / len(fixed), 3) if fixed else None,
            "located_of_fixed": round(sum(r["located"] for r in fixed) / len(fixed), 3) if fixed else None,
            "unfixed_pointed_at_bug": sum(bool(r["look_first_bug"]) for r in part),
            "unfixed_spectrum_at_bug": sum(bool(r["spectrum_bug"]) for r in part),
            "unfixed": sum(r["look_first_bug"] is not None for r in part),
            "tried_median": statistics.median(r["tried"] for r in part),
            "seconds_median": round(statistics.median(r["seconds"] for r in part), 2),
            "seconds_max": max(r["seconds"] for r in part),
            "by_operator": {op: {"fixes": len(v), "correct": sum(v)} for op, v in sorted(ops.items())}}
    for split, s in summary.items():
        print(f"{split}: {s['items']} items, failing {s['with_failing_expectation']}, coverage {s['coverage']}, "
              f"precision {s['precision']}, located {s['located_of_fixed']}, tried median {s['tried_median']}, "
              f"seconds median {s['seconds_median']} max {s['seconds_max']}; without a verified fix ({s['unfixed']}) the "
              f"line pointed at is a bug line {s['unfixed_pointed_at_bug']} times (spectrum's line: "
              f"{s['unfixed_spectrum_at_bug']})")
        for op, v in s["by_operator"].items():
            print(f"    {op:<14} {v['correct']}/{v['fixes']} correct")
    args.out.write_text(json.dumps({"summary": summary, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
