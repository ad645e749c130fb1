"""Deterministic checks, verdict parsing and dropping what still fails."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from molly.document import cited_refs, drop_sentences, repl_to_source, segments, syntax_error, trim_incomplete
from molly.reflect.checks import CODE_REMOVED, deterministic_checks, drop_failures, numbered_sentences, parse_verdict
from molly.schemas import Passage
from tests.conftest import SMALL_CORPUS

PASSAGES = [Passage(ref=i + 1, chunk=c, score=0.5) for i, c in enumerate(SMALL_CORPUS[:2])]


def by_name(text: str) -> dict[str, bool]:
    return {c.name: c.passed for c in deterministic_checks(text, PASSAGES)}


def test_citations_outside_code_only() -> None:
    text = "Loop over the file [1]. See open() [2, 1].\n\n```python\nx = items[3]\n```\nAlso `a[4]` and list[5]."
    assert cited_refs(text) == [1, 2]
    assert by_name(text) == {"citations_retrieved": True, "cites_sources": True, "code_parses": True}


def test_unknown_citation_and_broken_code_fail() -> None:
    text = "Use open() [7].\n\n```python\nfor line in f\n    print(line)\n```"
    assert by_name(text) == {"citations_retrieved": False, "cites_sources": True, "code_parses": False}
    fixed = drop_failures(text, PASSAGES)
    assert "[7]" not in fixed and CODE_REMOVED in fixed
    assert by_name(fixed)["citations_retrieved"] and by_name(fixed)["code_parses"]


def test_non_python_blocks_and_repl_sessions() -> None:
    assert syntax_error(repl_to_source(">>> for line in f:\n...     print(line)\nfirst line\n")) is None
    assert by_name("Run it [1]:\n\n```bash\npython -m venv .venv && source x\n```")["code_parses"]
    assert syntax_error("print('a'") is not None


def test_no_citation_is_flagged_when_passages_exist() -> None:
    assert by_name("Just do it.")["cites_sources"] is False
    assert {c.name for c in deterministic_checks("No sources.", [])} == {"citations_retrieved", "code_parses"}


def test_parse_verdict_forms() -> None:
    assert parse_verdict("NONE", 3).supported and parse_verdict("**None**.", 3).supported
    v = parse_verdict("2, 3", 3)
    assert v.clear and v.unsupported == (2, 3) and not v.supported
    assert parse_verdict("Sentences 9 and 10", 3).clear is False  # numbers that do not exist
    assert parse_verdict("I think it is fine overall.", 3).clear is False


def test_segments_number_prose_and_keep_code() -> None:
    text = "First fact [1]. Second fact [2].\n\n```python\nx = 1. \ny = 2\n```\nThird one!"
    assert numbered_sentences(text) == "(1) First fact [1].\n(2) Second fact [2].\n(3) Third one!"
    assert drop_sentences(text, (2,)) == "First fact [1].\n\n```python\nx = 1. \ny = 2\n```\nThird one!"


@given(st.text(st.sampled_from("ab .!?\n`[1]xyZ"), max_size=200))
def test_segments_round_trip(text: str) -> None:
    assert "".join(piece for _, piece in segments(text)) == text


def test_long_sentences_are_listed_by_their_first_words() -> None:
    listed = numbered_sentences("One two three four five six seven eight nine ten eleven twelve. Short one.")
    assert listed == "(1) One two three four five six seven eight nine ten …\n(2) Short one."


def test_an_answer_cut_by_the_token_limit_is_trimmed_to_its_last_complete_part() -> None:
    assert trim_incomplete("Use a loop [1]. Then you can also use the") == "Use a loop [1]."
    assert trim_incomplete("Use a loop [1].\n\n```python\nfor line in f:\n    pri") == "Use a loop [1]."
    assert trim_incomplete("Done [1].") == "Done [1]."
    assert trim_incomplete("Example:\n\n```python\nx = 1\n```") == "Example:\n\n```python\nx = 1\n```"
    assert trim_incomplete("just one fragment") == "just one fragment"  # nothing better to keep
    # Cut inside inline code: its opening backtick is not an end (a real debugging hint, cut at 120 tokens).
    assert trim_incomplete("It sorts by age [1]. The `") == "It sorts by age [1]."
    assert trim_incomplete("It sorts by age [1]. Use `key`") == "It sorts by age [1]. Use `key`"
    # A closing line that announces what the token limit cut off (every run of the speed benchmark).
    code = "Use a loop [1].\n\n```python\nx = 1\n```"
    assert trim_incomplete(code + "\n\nThis code will output:") == code
    assert trim_incomplete("It checks the type [1]. For example:") == "It checks the type [1]."
    assert trim_incomplete(code + "\n\nThis will output: `1`") == code + "\n\nThis will output: `1`"
    # An answer that stopped by itself keeps a last line without a full stop, not a colon.
    listed = "Two ways [1]:\n\n- `str.strip()` removes both ends\n- `str.rstrip()` the right one"
    assert trim_incomplete(listed, cut_off=False) == listed
    assert trim_incomplete(listed + "\n\nFor example:", cut_off=False) == listed
    assert trim_incomplete(listed) == listed.rsplit("\n", 1)[0]
    # A passage's cut mark copied into the answer.
    assert trim_incomplete("Lambdas are restricted to a single expression … [2]\n\nDone [1].", cut_off=False) == (
        "Lambdas are restricted to a single expression [2].\n\nDone [1].")
    assert trim_incomplete("It reads one line …\n\n…", cut_off=False) == "It reads one line."
    assert trim_incomplete("```python\nx = [1, …]\n```", cut_off=False) == "```python\nx = [1, …]\n```"


def test_python_blocks_are_replaced_by_position() -> None:
    from molly.document import python_blocks, recode_python_block, replace_python_block

    same = "```python\nprint(1)\n```"
    text = f"First:\n\n{same}\n\nAgain:\n\n{same}\n"
    assert replace_python_block(text, 1, "(gone)") == f"First:\n\n{same}\n\nAgain:\n\n(gone)\n"  # not the first twin
    # New code keeps the block's fences, and a block inside a list item keeps its indent.
    listed = "1. Run it:\n\n   ~~~py\n   print(1)\n   ~~~\n2. Done."
    out = recode_python_block(listed, 0, "print(2)\n")
    assert out == "1. Run it:\n\n   ~~~py\n   print(2)\n   ~~~\n2. Done." and python_blocks(out)[0][1] == "print(2)\n"
    two = "1. Run it:\n\n   ```python\n   x = 1\n   print(x)\n   ```\n2. Done."
    out = recode_python_block(two, 0, "x = 2\nprint(x)\n")
    assert out == "1. Run it:\n\n   ```python\n   x = 2\n   print(x)\n   ```\n2. Done." and python_blocks(out)[0][1] == "x = 2\nprint(x)\n"
