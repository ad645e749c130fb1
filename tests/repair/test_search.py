"""The repair search in the real sandbox: each operator finds its bug class, a special-casing
fix is rejected, runaway learner code is stopped, and candidates stay inside the sandbox."""

from __future__ import annotations

import ast
from typing import Any

import pytest

from molly.repair.expectations import Expectation
from molly.repair.facts import debug, verified
from molly.repair.search import repair, repair_sandbox, special_cases
from molly.sandbox import Sandbox


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return repair_sandbox()


def ex(call: str, expected: str) -> Expectation:
    return Expectation(call=call, expected=expected)


# One novice bug per operator family: (program, examples, a fragment the fix must contain).
BUGS = {
    "comparison": ("def count_big(xs, k):\n    n = 0\n    for x in xs:\n        if x > k:\n            n += 1\n    return n\n",
                   [ex("count_big([1, 2, 3], 2)", "2"), ex("count_big([5], 5)", "1"), ex("count_big([], 0)", "0")],
                   "x >= k"),
    "range bound": ("def total(n):\n    s = 0\n    for i in range(1, n):\n        s += i\n    return s\n",
                    [ex("total(3)", "6"), ex("total(1)", "1"), ex("total(4)", "10")], "range(1, n + 1)"),
    "syntax typo": ("def is_odd(n):\n    if n % 2 =! 0:\n        return True\n    return False\n",
                    [ex("is_odd(3)", "True"), ex("is_odd(4)", "False")], "n % 2 != 0"),
    "misspelt constant": ("def positive(n):\n    if n > 0:\n        return true\n    return False\n",
                          [ex("positive(2)", "True"), ex("positive(-1)", "False")], "return True"),
    "print for return": ("def square(n):\n    print(n * n)\n", [ex("square(3)", "9"), ex("square(0)", "0")],
                         "return n * n"),
    "return in loop": ("def has_neg(xs):\n    for x in xs:\n        if x < 0:\n            return True\n"
                       "        return False\n", [ex("has_neg([1, -2])", "True"), ex("has_neg([3])", "False"),
                                                   ex("has_neg([-1])", "True")], "return False"),
    "swap": ("def swap_first(xs):\n    xs[0] = xs[1]\n    xs[1] = xs[0]\n    return xs\n",
             [ex("swap_first([1, 2])", "[2, 1]"), ex("swap_first([5, 7, 9])", "[7, 5, 9]")], "xs[0], xs[1] = (xs[1], xs[0])"),
    "confused call": ("def drop(xs, v):\n    xs.pop(v)\n    return xs\n",
                      [ex("drop([5, 6, 7], 7)", "[5, 6]"), ex("drop([3, 9], 3)", "[9]")], "xs.remove(v)"),
    "missing return": ("def evens(xs):\n    out = []\n    for x in xs:\n        if x % 2 == 0:\n            out.append(x)\n",
                       [ex("evens([1, 2, 4])", "[2, 4]"), ex("evens([])", "[]")], "return out"),
    "initial value": ("def product(xs):\n    p = 0\n    for x in xs:\n        p *= x\n    return p\n",
                      [ex("product([2, 3])", "6"), ex("product([5])", "5")], "p = 1"),
    "variable": ("def longest(words):\n    best = ''\n    for w in words:\n        if len(w) > len(best):\n"
                 "            best = words\n    return best\n", [ex("longest(['a', 'abc', 'ab'])", "'abc'"),
                                                          ex("longest(['xy'])", "'xy'")], "best = w"),
    "order kept": ("def unique(xs):\n    return list(set(xs))\n",
                   [ex("unique([3, 1, 3, 2])", "[3, 1, 2]"), ex("unique([])", "[]")], "dict.fromkeys(xs)"),
    "never initialised": ("def vowels(s):\n    for c in s:\n        if c in 'aeiou':\n            n += 1\n    return n\n",
                          [ex("vowels('banana')", "3"), ex("vowels('xyz')", "0")], "n = 0"),
    "final return": ("def all_positive(xs):\n    for x in xs:\n        if x <= 0:\n            return False\n",
                     [ex("all_positive([1, 2])", "True"), ex("all_positive([1, -1])", "False")], "return True"),
    "None method assigned": ("def add(xs, v):\n    xs = xs.append(v)\n    return xs\n",
                             [ex("add([1], 2)", "[1, 2]"), ex("add([], 0)", "[0]")], "    xs.append(v)\n    return xs"),
    "None method returned": ("def sorted_copy(xs):\n    ys = list(xs)\n    return ys.sort()\n",
                             [ex("sorted_copy([3, 1, 2])", "[1, 2, 3]"), ex("sorted_copy([])", "[]")],
                             "ys.sort()\n    return ys"),
    "assignment reversed": ("def biggest(xs):\n    best = xs[0]\n    for x in xs:\n        if x > best:\n"
                            "            x = best\n    return best\n", [ex("biggest([1, 3, 2])", "3"), ex("biggest([4])", "4")],
                            "best = x"),
    "statement order": ("def first(xs):\n    f = xs[0]\n    if not xs:\n        return None\n    return f\n",
                        [ex("first([])", "None"), ex("first([3, 4])", "3")], "return None\n    f = xs[0]"),
    "element added": ("def evens(xs):\n    out = []\n    for x in xs:\n        if x % 2 == 0:\n            out += x\n"
                      "    return out\n", [ex("evens([1, 2, 4])", "[2, 4]"), ex("evens([3])", "[]")], "out += [x]"),
    "initial element": ("def doubled(xs):\n    out = [xs[0]]\n    for x in xs:\n        out.append(2 * x)\n    return out\n",
                        [ex("doubled([1, 2])", "[2, 4]"), ex("doubled([5])", "[10]")], "out = []"),
    "insert at the front": ("def squares(xs):\n    out = []\n    for x in xs:\n        out.insert(0, x * x)\n    return out\n",
                            [ex("squares([1, 2, 3])", "[1, 4, 9]"), ex("squares([])", "[]")], "out.append(x * x)"),
    "number for parameter": ("def first_n(xs, n):\n    return xs[:2]\n",
                             [ex("first_n([1, 2, 3], 1)", "[1]"), ex("first_n([4, 5, 6], 3)", "[4, 5, 6]")], "xs[:n]"),
    "element for variable": ("def largest(xs):\n    best = xs[0]\n    for x in xs:\n        if x > xs[0]:\n"
                             "            best = x\n    return best\n",
                             [ex("largest([1, 3, 2])", "3"), ex("largest([2, 5, 4, 1])", "5")], "x > best"),
}


@pytest.mark.parametrize("kind", sorted(BUGS))
def test_each_operator_finds_its_bug_class(sandbox: Sandbox, kind: str) -> None:
    code, examples, fragment = BUGS[kind]
    report = repair(code, examples, sandbox)
    assert report.failing or report.syntax_error, report
    assert report.fix is not None and fragment in report.fix.source, (kind, report.fix)
    assert verified(report), report
    # The fix really passes: run it against the same examples with no search.
    again = repair(report.fix.source, examples, sandbox, max_candidates=0)
    assert again.results and not again.failing


def test_a_fix_that_special_cases_an_example_is_rejected(sandbox: Sandbox) -> None:
    code, examples, _ = BUGS["range bound"]
    cheat = "def total(n):\n    if n == 4:\n        return 10\n    s = 0\n    for i in range(1, n + 1):\n        s += i\n    return s\n"
    assert special_cases(code, cheat, examples)
    assert not special_cases(code, code.replace("range(1, n)", "range(1, n + 1)"), examples)
    only_cheat = [{"description": "given", "source": "def total(n):\n    return {3: 6, 1: 1, 4: 10}[n] if n == 4 or n == 3 or n == 1 else 0\n",
                   "origin": "llm"}]
    report = repair(code, examples, sandbox, candidates=only_cheat, max_candidates=1)
    assert report.fix is None


def test_an_infinite_loop_and_a_memory_bomb_in_learner_code_are_stopped_and_reported(sandbox: Sandbox) -> None:
    loop = "def f(n):\n    while n > 0:\n        n = n + 1\n    return n\n"
    report = repair(loop, [ex("f(1)", "0")], sandbox, max_candidates=5)
    assert report.results[0].status == "timeout" and not report.stopped
    bomb = "def g(n):\n    xs = [0] * (10 ** 10)\n    return n\n"
    report = repair(bomb, [ex("g(1)", "1")], sandbox, max_candidates=5)
    assert report.results[0].status == "error" and "MemoryError" in report.results[0].error


def test_learner_code_cannot_write_outside_its_scratch_folder_or_reach_the_network(sandbox: Sandbox) -> None:
    code = ("import socket\ndef leak(x):\n    open('/etc/molly-was-here', 'w').write('x')\n    return x\n"
            "def call(x):\n    socket.create_connection(('127.0.0.1', 22), timeout=1)\n    return x\n")
    report = repair(code, [ex("leak(1)", "1"), ex("call(1)", "1")], sandbox, max_candidates=0)
    assert [r.status for r in report.results] == ["error", "error"]
    assert "Error" in report.results[0].error and "Error" in report.results[1].error


def test_plausible_fixes_that_disagree_near_the_examples_are_not_verified(sandbox: Sandbox) -> None:
    # One example only: `return x` and `return 2` both meet it, and they differ on other inputs.
    rivals = [{"description": d, "source": f"def ident(x):\n    return {body}\n", "origin": "llm"}
              for d, body in (("identity", "x"), ("constant", "2"))]
    report = repair("def ident(x):\n    return x + 1\n", [ex("ident(2)", "2")], sandbox, candidates=rivals,
                    max_candidates=2)
    assert report.plausible == 2 and report.agree is False and not verified(report)
    same = [{**rivals[0], "description": "again"}, {**rivals[0], "source": "def ident(x):\n    return x * 1\n"}]
    report = repair("def ident(x):\n    return x + 1\n", [ex("ident(2)", "2")], sandbox, candidates=same,
                    max_candidates=2)
    assert report.plausible == 2 and report.agree is True and verified(report)


def test_the_facts_name_the_line_and_hide_the_fix_under_hints_only(sandbox: Sandbox) -> None:
    message = ("```python\ndef total(n):\n    s = 0\n    for i in range(1, n):\n        s += i\n    return s\n```\n"
               "total(3) -> 6\ntotal(1) -> 1\nWhen I run `total(4)` I expect `10` but I get `6`.")
    facts = debug(message, sandbox)
    assert facts is not None and facts.line == 3 and [c.name for c in facts.checks] == ["learner_code_ran", "fix_verified"]
    hint = facts.guidance(hints_only=True)
    assert "line 3" in hint and "`total(4)` returns `6` but should return `10`" in hint and "```diff" not in hint
    assert "```diff" in facts.guidance(hints_only=False)
    assert debug("What is a list?", sandbox) is None
    # What the instructor's insight view keeps of the turn.
    note = facts.note()
    assert note is not None and note.function == "total" and note.fixed and note.failing == 3  # all three examples fail
    assert note.kind == "where the loop, slice or index stops or starts"
    crash = debug("```python\ndef first(xs):\n    return xs[0]\n```\nfirst([]) -> None", sandbox)
    assert crash is not None and crash.note() is not None and crash.note().kind == "raises IndexError"  # type: ignore[union-attr]


def test_the_models_program_must_agree_with_the_searchs_unconfirmed_fix(sandbox: Sandbox) -> None:
    message = ("```python\ndef largest(xs):\n    best = xs[0]\n    for x in xs:\n        if x > xs[0]:\n"
               "            best = x\n    return best\n```\nlargest([1, 3, 2]) -> 3\nlargest([2, 5, 4]) -> 5\n")
    alone = debug(message, sandbox)
    assert alone is not None and alone.report.fix is not None and not verified(alone.report)
    assert alone.line == alone.report.fix.line == 4 and "other changes do too" in alone.summary(hints_only=True)
    # The input the rival changes disagree on becomes the question that would decide between them.
    undecided = alone.report.undecided
    assert undecided is not None and len(undecided.values) >= 2 and undecided.call.startswith("largest(")
    assert f"what should `{undecided.call}` give?" in alone.summary(hints_only=True)

    def model(source: str) -> Any:
        return lambda report: {"description": "the model's corrected program", "source": source, "line": 4,
                               "origin": "llm"}
    right = "def largest(xs):\n    best = xs[0]\n    for x in xs:\n        if x > best:\n            best = x\n    return best\n"
    assert not verified(debug(message, sandbox, model(right)).report)  # a third opinion, not a tie-breaker
    same = ast.unparse(ast.parse(alone.report.fix.source)).replace("xs[-1]", "xs[len(xs) - 1]")
    assert "xs[len(xs) - 1]" in same
    both = debug(message, sandbox, model(same)).report
    assert verified(both) and both.fix is not None and both.plausible == 2 and both.agree


def test_the_models_program_is_verified_when_the_search_has_nothing(sandbox: Sandbox) -> None:
    message = ("```python\ndef mean(xs):\n    return sum(xs) / len(xs) if xs else 'none'\n```\n"
               "mean([1, 2]) -> 1.5\nmean([]) -> 0\n")
    fixed = "def mean(xs):\n    if not xs:\n        return 0\n    return sum(xs) / len(xs)\n"
    facts = debug(message, sandbox, lambda report: {"description": "the model's corrected program", "source": fixed,
                                                    "line": 2, "origin": "llm"})
    assert facts is not None and verified(facts.report) and facts.report.fix is not None
    assert facts.report.fix.origin == "llm"


def test_localisation_puts_headers_last_and_says_why_it_points_where_it_does(sandbox: Sandbox) -> None:
    from molly.repair.harness import localise

    source = "def top(xs, k):\n    xs.sort()\n    return xs[:k]\n"
    all_fail = [{"status": "fail", "lines": [1, 2, 3]}, {"status": "fail", "lines": [1, 2, 3]}]
    # Every failing call runs the header too: it says nothing about where the bug is.
    assert localise(all_fail, source)[:3] == [2, 3, 1]
    built = "def top(xs, k):\n    out = []\n    n = len(xs)\n    out.append(xs[0])\n    return out[:k]\n"
    # When every example fails, the lines that build the returned value lead, the last one first.
    assert localise([{"status": "fail", "lines": [1, 2, 3, 4, 5]}], built)[:4] == [4, 2, 3, 5]
    documented = 'def top(xs, k):\n    """The k smallest."""\n    return sorted(xs)[:k]\n'
    assert localise([{"status": "fail", "lines": [1, 2, 3]}], documented)[0] == 3  # a docstring does nothing
    mixed = [{"status": "fail", "lines": [1, 2, 3]}, {"status": "pass", "lines": [1, 3]}]
    assert localise(mixed, source)[0] == 2
    # The facts say which of look_first's reasons applies, not "it ran".
    crash = debug("```python\ndef first(xs):\n    return xs[0]\n```\nfirst([]) -> None\nfirst([1]) -> 1", sandbox)
    assert crash is not None and "`first([])` raised `IndexError` there" in crash.summary(hints_only=True)
    from molly.repair.facts import _why_there
    from molly.repair.search import CallResult, RepairReport

    def result(status: str) -> CallResult:
        return CallResult(expectation=ex("top([3, 1], 1)", "[3]"), status=status, actual="[1]")  # type: ignore[arg-type]

    every = RepairReport(code=source, results=[result("fail"), result("fail")], suspicious_lines=[2])
    assert _why_there(every).startswith("every example fails") and "the first line they all run" in _why_there(every)
    fed = every.model_copy(update={"top_line_feeds_return": True})
    assert "the last line they all run that builds the value the function returns" in _why_there(fed)
    results = [result("fail"), result("pass"), result("pass")]
    apart = RepairReport(code=source, results=results, suspicious_lines=[2], top_line_runs=(1, 0))
    assert _why_there(apart) == "it runs in the failing example and in none of the 2 passing ones"
    both = RepairReport(code=source, results=results, suspicious_lines=[2], top_line_runs=(1, 2))
    assert "all 2 passing ones too, so running them cannot single it out" in _why_there(both)
    one = RepairReport(code=source, results=results[:2], suspicious_lines=[2], top_line_runs=(1, 0))
    assert _why_there(one) == "it runs in the failing example but not in the passing one"
    # The counts come from the run itself (the sandbox traces which lines each call ran).
    report = repair("def half(n):\n    if n > 2:\n        n = n - 1\n    return n // 2\n",
                    [ex("half(8)", "4"), ex("half(2)", "1")], sandbox, max_candidates=0)
    assert report.suspicious_lines[0] == 3 and report.top_line_runs == (1, 0)
