"""Reading what the learner expects from their message (rules only)."""

from __future__ import annotations

from molly.repair.expectations import learner_code, read_expectations

CODE = "def double(n):\n    return n + n\n"


def _msg(body: str) -> str:
    return f"My code:\n```python\n{CODE}```\n\n{body}"


def test_arrows_doctests_asserts_and_expect_but_get_are_read() -> None:
    message = _msg("double(2)  ->  4\ndouble(3) should return 6\n>>> double(0)\n0\nassert double(5) == 10\n"
                   "When I run `double(7)` I expect `14` but I get `15`.")
    got = [(e.call, e.expected, e.source) for e in read_expectations(message, learner_code(message) or "")]
    assert got == [("double(2)", "4", "example"), ("double(3)", "6", "example"), ("double(0)", "0", "doctest"),
                   ("double(5)", "10", "assert"), ("double(7)", "14", "expect")]


def test_a_tracebacks_call_should_not_raise_and_never_finishing_calls_should_finish() -> None:
    got = read_expectations(_msg("When I run `double([1])` I get this error: TypeError"), CODE)
    assert [(e.call, e.kind) for e in got] == [("double([1])", "no_error")]
    got = read_expectations(_msg("double(2) -> 4\nIt never finishes."), CODE)
    assert [(e.call, e.kind) for e in got] == [("double(2)", "value")]  # a stated value says more


def test_only_calls_of_the_learners_functions_with_literal_results_count() -> None:
    message = _msg("print(x) -> 3\ndouble(2) -> four\nlen('ab') -> 2\ndouble(1) -> 2")
    assert [e.call for e in read_expectations(message, CODE)] == ["double(1)"]


def test_the_program_is_the_block_that_defines_a_function_even_when_it_does_not_parse() -> None:
    message = "```\nTraceback ...\n```\n```python\ndef f(n):\n    if n % 2 =! 0:\n        return 1\n```"
    assert (learner_code(message) or "").startswith("def f(n):")
    assert learner_code("no code here") is None
