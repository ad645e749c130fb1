"""Executed claims: results an answer states are compared with real runs and corrected from them;
a result that cannot be compared is not counted as checked."""

from __future__ import annotations

import pytest

from molly.document import output_blocks, python_blocks
from molly.fakes import ScriptedChatModel
from molly.llm import UsageCounter
from molly.reflect.codecheck import check_code
from molly.reflect.stated import check_stated
from molly.reflect.verifier import verify_claims
from molly.sandbox import Sandbox
from molly.schemas import Chunk, Passage


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox()


def test_an_inline_claim_is_run_and_a_wrong_value_corrected(sandbox: Sandbox) -> None:
    text, outcomes, checks = check_stated("`bisect.bisect([1, 2, 4], 3)` returns `3` [1]. `len('abc')` is `3`.", sandbox)
    assert text == "`bisect.bisect([1, 2, 4], 3)` returns `2` [1]. `len('abc')` is `3`."
    assert [(o.stated, o.real, o.corrected) for o in outcomes] == [("3", "2", True), ("3", "3", False)]
    assert checks[0].passed and "2 of 2 stated result(s) compared" in checks[0].detail and "1 corrected" in checks[0].detail


def test_a_claim_about_the_blocks_output_uses_what_it_printed(sandbox: Sandbox) -> None:
    text = "```python\nnums = [1, 2, 3]\nprint([n * 2 for n in nums])\n```\n\nThis prints `[1, 3]`. " \
           "After it, `nums[-1]` gives `1`."
    new, outcomes, _ = check_stated(text, sandbox)
    assert "This prints `[2, 4, 6]`." in new and "`nums[-1]` gives `3`" in new
    assert all(o.corrected for o in outcomes)


def test_an_output_block_is_compared_and_never_run_as_code(sandbox: Sandbox) -> None:
    text = "```python\nprint('Hello,', 'world!')\nprint(2 ** 10)\n```\n\nOutput:\n\n```\nHello, world!\n1000\n```\n"
    assert len(python_blocks(text)) == 1 and len(output_blocks(text)) == 1
    new, outcomes, _ = check_stated(text, sandbox)
    assert "```\nHello, world!\n1024\n```" in new and outcomes[0].corrected
    _, ran = check_code(new, sandbox)
    assert [c.passed for c in ran] == [True]  # the output block is not a second example


def test_a_result_that_cannot_be_run_is_not_counted_as_checked(sandbox: Sandbox) -> None:
    _, outcomes, checks = check_stated("`int('abc')` returns `0`.", sandbox)
    assert not outcomes[0].compared and not checks[0].passed and checks[0].detail.startswith("0 of 1")
    assert check_stated("Lists are mutable [1].", sandbox)[1:] == ([], [])
    # A rule over a placeholder, and a property of the expression, are not results to compare.
    assert check_stated("`operator.truth(obj)` gives `True` if `obj` is true.", sandbox)[1] == []
    assert check_stated("The parent of `PurePosixPath('foo/..')` is `PurePosixPath('foo')`.", sandbox)[1] == []


def test_tilde_fenced_blocks_are_run(sandbox: Sandbox) -> None:
    text = "~~~python\nprint(sum([1, 2]))\n~~~\n\nThis prints `4`."
    assert check_stated(text, sandbox)[0].endswith("This prints `3`.")
    _, ran = check_code("~~~python\nprint(1 / 0)\n~~~\n", sandbox)
    assert not ran[0].passed


def test_a_sentence_decided_by_a_run_is_not_sent_to_the_model(sandbox: Sandbox) -> None:
    passage = Passage(ref=1, score=0.9, chunk=Chunk(id="library/bisect.html#bisect.bisect", source="pydocs",
                                                    page="library/bisect.html", anchor="bisect.bisect",
                                                    title="bisect > bisect.bisect", text="Locate the insertion point."))
    llm = ScriptedChatModel(default="1")  # would call sentence 1 unsupported if asked
    result = verify_claims(llm, [], "`bisect.bisect([1, 2, 4], 3)` returns `3` [1].", [passage], UsageCounter(),
                           sandbox=sandbox)
    assert result.text == "`bisect.bisect([1, 2, 4], 3)` returns `2` [1]."
    assert [(c.verdict, c.by) for c in result.claims] == [("supported", "run")]


def test_a_removed_example_takes_its_output_and_the_sentence_stating_it_along(sandbox: Sandbox) -> None:
    text = ("Pop the largest key [1]:\n\n```python\nd = {'a': 1}\nprint(d.pop('b'))\n```\n\nOutput:\n\n```\n1\n```\n\n"
            "This prints `1`. Dictionaries map keys to values [1].")
    new, ran = check_code(text, sandbox)
    assert not ran[0].passed and "KeyError" in new
    assert "Output:" not in new and "```\n1\n```" not in new and "This prints" not in new
    assert new.endswith("Dictionaries map keys to values [1].")
