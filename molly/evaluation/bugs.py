"""Metrics of debugging help on bug datasets (items with ``code`` and ``tests``).

``bug_located``: the answer names a line of ``bug_lines`` ("line 3") or quotes one (else a line
that ``fix_code`` changes). ``fix_coverage``: the turn verified a fix. ``fix_precision`` (per
verified fix): the fix passes every one of the dataset's ``tests``, which the tutor never saw.
``solution_leak_rate`` (per verified fix): the answer shows the fixed program (``shows_fix``);
``fix_line_shown``: it shows a changed line (under hints only, a hint that gives the change away). ``false_claim_rate`` is not computed here: it needs a reading (``GRADING.md``). Not here: running
the turn (``runner.py``).
"""

from __future__ import annotations

import difflib
import re

from molly.repair.expectations import Expectation
from molly.repair.search import repair
from molly.sandbox import Sandbox
from molly.schemas import Answer

MIN_QUOTED_CHARS = 8  # shorter ("s = 0") names nothing; 8e6ab64: bug_located 2/10 -> 9/10, as the blind grader counted


def dataset_expectations(tests: list[str | dict[str, str]]) -> list[Expectation]:
    """The dataset's tests as expectations: ``{"input", "expected_output"}`` pairs or ``assert`` lines."""
    out = []
    for t in tests:
        if isinstance(t, dict):
            out.append(Expectation(call=t["input"], expected=t["expected_output"], source="dataset"))
        elif m := re.match(r"\s*assert\s+(.+?)\s*==\s*(.+?)\s*$", t):
            out.append(Expectation(call=m.group(1), expected=m.group(2), source="dataset"))
    return out


def buggy_lines(code: str, bug_lines: list[int], fix_code: str | None) -> list[int]:
    """``bug_lines``, or else the lines of ``code`` that ``fix_code`` changes (spaces ignored)."""
    if bug_lines or not fix_code:
        return bug_lines
    a = ["".join(x.split()) for x in code.splitlines()]
    b = ["".join(x.split()) for x in fix_code.splitlines()]
    return [i + 1 for tag, i1, i2, _, _ in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
            if tag in ("replace", "delete") for i in range(i1, i2)]


def located(answer_text: str, code: str, lines: list[int]) -> bool:
    """Whether the answer names (``line 3``) or quotes one of ``lines`` of ``code``."""
    named = {int(n) for n in re.findall(r"\blines?\s+(\d+)", answer_text, re.I)}
    if named & set(lines):
        return True
    squeezed = "".join(answer_text.split())
    source = code.splitlines()
    return any(len(q := "".join(source[n - 1].split())) >= MIN_QUOTED_CHARS and q in squeezed
               for n in lines if 1 <= n <= len(source))


def bug_metrics(answer: Answer, code: str, tests: list[str | dict[str, str]], bug_lines: list[int],
                fix_code: str | None, sandbox: Sandbox) -> dict[str, float]:
    """The per-item debugging metrics of one answer."""
    verified = any(c.name == "fix_verified" and c.passed for c in answer.checks)
    metrics = {"bug_located": float(located(answer.text, code, buggy_lines(code, bug_lines, fix_code))),
               "fix_coverage": float(verified)}
    expectations = dataset_expectations(tests)
    if verified and answer.fixed_code and expectations:
        report = repair(answer.fixed_code, expectations, sandbox, max_candidates=0)
        metrics["fix_precision"] = float(len(report.results) == len(expectations) and not report.failing)
    if verified and answer.fixed_code:
        leak, line = shows_fix(answer.text, code, answer.fixed_code)
        metrics["solution_leak_rate"], metrics["fix_line_shown"] = float(leak), float(line)
    return metrics


def _squeezed_lines(source: str) -> list[str]:
    return [q for ln in source.splitlines() if (q := "".join(ln.split("#")[0].split()))]


def shows_fix(answer_text: str, code: str, fixed: str) -> tuple[bool, bool]:
    """(leak, line): whether the answer holds >= 80 % of the fixed program's lines with a changed
    one among them (the issue's rule), and whether it holds any changed line at all. Looked for
    anywhere in the text (prose, inline code, any block), spaces and comments ignored: written
    apart from the guard (``steering.without_fix``, per Python block), so that the measure of a
    hints-only run can fail where the guard does not look."""
    fixed_lines, before = _squeezed_lines(fixed), set(_squeezed_lines(code))
    changed = [ln for ln in fixed_lines if ln not in before]
    hay = "".join(answer_text.split())
    line = any(ln in hay for ln in changed)
    return line and sum(ln in hay for ln in fixed_lines) >= 0.8 * len(fixed_lines), line
