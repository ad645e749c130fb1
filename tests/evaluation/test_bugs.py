"""Debugging metrics of `molly eval` on bug datasets."""

from __future__ import annotations

from molly.evaluation.bugs import bug_metrics, buggy_lines, dataset_expectations, located
from molly.sandbox import Sandbox
from molly.schemas import Answer, Check, Intent, IntentKind

CODE = "def total(n):\n    s = 0\n    for i in range(1, n):\n        s += i\n    return s\n"
TESTS = [{"input": "total(3)", "expected_output": "6"}, "assert total(1) == 1", {"input": "total(0)", "expected_output": "0"}]


def test_a_line_is_located_by_number_or_by_quoting_it() -> None:
    assert located("Look at line 3: the loop stops early.", CODE, [3])
    assert located("The loop `for i in range(1, n):` stops one short.", CODE, [3])
    assert not located("Line 2 sets s to zero, which is fine.", CODE, [3])
    assert not located("s = 0 is fine", CODE, [2])  # too short to name a line
    assert buggy_lines(CODE, [], CODE.replace("range(1, n)", "range(1, n + 1)")) == [3]


def test_coverage_and_precision_come_from_the_verified_fix_against_the_hidden_tests() -> None:
    assert [e.call for e in dataset_expectations(TESTS)] == ["total(3)", "total(1)", "total(0)"]
    intent = Intent(kind=IntentKind.CODE_REVIEW, search_query="q")
    verified = [Check(name="fix_verified", passed=True, detail="a fix was verified")]
    right = Answer(text="Line 3 stops one short.", intent=intent, checks=verified,
                   fixed_code=CODE.replace("range(1, n)", "range(1, n + 1)"))
    sandbox = Sandbox()
    assert bug_metrics(right, CODE, TESTS, [3], None, sandbox) == {"bug_located": 1.0, "fix_coverage": 1.0,
                                                                   "fix_precision": 1.0, "solution_leak_rate": 0.0,
                                                                   "fix_line_shown": 0.0}
    overfit = right.model_copy(update={"fixed_code": CODE.replace("return s", "return s + 3")})
    assert bug_metrics(overfit, CODE, TESTS, [3], None, sandbox)["fix_precision"] == 0.0
    unverified = Answer(text="I could not confirm a fix.", intent=intent)
    assert bug_metrics(unverified, CODE, TESTS, [3], None, sandbox) == {"bug_located": 0.0, "fix_coverage": 0.0}
    assert "fixed_code" not in right.model_dump()  # never serialised to a learner


def test_an_answer_showing_the_fixed_program_is_a_solution_leak() -> None:
    fixed = CODE.replace("range(1, n)", "range(1, n + 1)")
    intent = Intent(kind=IntentKind.CODE_REVIEW, search_query="q")
    verified = [Check(name="fix_verified", passed=True, detail="a fix was verified")]
    shows = Answer(text=f"Here it is:\n```python\n{fixed}```", intent=intent, checks=verified, fixed_code=fixed)
    assert bug_metrics(shows, CODE, TESTS, [3], None, Sandbox())["solution_leak_rate"] == 1.0
    own = shows.model_copy(update={"text": f"Your code:\n```python\n{CODE}```\nLook at line 3."})
    assert bug_metrics(own, CODE, TESTS, [3], None, Sandbox())["solution_leak_rate"] == 0.0  # their own code back
    prose = own.model_copy(update={"text": "Make line 3 `for i in range(1, n + 1):` and it works."})
    metrics = bug_metrics(prose, CODE, TESTS, [3], None, Sandbox())
    assert metrics["fix_line_shown"] == 1.0 and metrics["solution_leak_rate"] == 0.0  # one line, not the program
