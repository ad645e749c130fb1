"""The badge says what was verified, by which kind of check, and "Checked" only when every
sentence and block passed a check that could have failed on meaning."""

from __future__ import annotations

from molly.reflect.badge import badge
from molly.reflect.codecheck import NOTHING_TO_RUN, OUTPUT_MATCHES, check_code, has_statements
from molly.sandbox import Sandbox
from molly.schemas import Answer, Check, Chunk, Claim, Intent, IntentKind, Passage

INTENT = Intent(kind=IntentKind.CONCEPT)
PASSAGE = Passage(ref=1, score=0.8, chunk=Chunk(id="x", source="pydocs", page="library/stdtypes.html", anchor="list",
                                                title="Lists", text="Lists are mutable sequences."))


def answer(claims: list[Claim] = (), checks: list[Check] = (), passages: list[Passage] = (PASSAGE,),
           withheld: bool = False) -> Answer:
    return Answer(text="t", intent=INTENT, claims=list(claims), checks=list(checks), passages=list(passages),
                  withheld=withheld)


def test_sentences_are_counted_by_the_check_that_decided_them() -> None:
    claims = [Claim(text="a", verdict="supported", by="words"), Claim(text="b", verdict="supported", by="model"),
              Claim(text="c", verdict="unchecked"), Claim(text="Here is how:", verdict="not_a_claim"),
              Claim(text="gone", verdict="unsupported", shown=False)]
    line = badge(answer(claims, [Check(name="code_ran_1", passed=True, detail="ran on Python 3.11, x")]))
    assert line.startswith("**What I checked**") and "✓" not in line
    assert "1 of 3 sentences match the cited docs" in line
    assert "1 of 3 judged supported by the model" in line and "1 of 3 not checked" in line
    assert "1 of 1 example ran on Python 3.11" in line


def test_checked_when_every_sentence_matched_the_docs_or_a_run_and_every_block_ran() -> None:
    ran_ok = Check(name="code_ran_1", passed=True, detail="ran on Python 3.11, x")
    stated = Check(name="stated_results", passed=True, detail="1 of 1 stated result(s) compared with a run on Python 3.11")
    claims = [Claim(text="a", verdict="supported", by="words"), Claim(text="b", verdict="supported", by="run")]
    line = badge(answer(claims, [ran_ok, stated]))
    assert line == ("✓ **Checked** — 1 of 2 sentences match the cited docs, 1 of 2 state a result a run confirmed"
                    " · 1 of 1 example ran on Python 3.11 · 1 of 1 stated result(s) compared with a run")
    model = [*claims, Claim(text="c", verdict="supported", by="model")]
    assert badge(answer(model, [ran_ok, stated])).startswith("**What I checked**")
    uncompared = stated.model_copy(update={"passed": False, "detail": "0 of 1 stated result(s) compared"})
    assert badge(answer(claims, [ran_ok, uncompared])).startswith("**What I checked**")


def test_checked_only_when_every_block_ran() -> None:
    ran = Check(name="code_ran_1", passed=True, detail=f"ran on Python 3.11, x; {OUTPUT_MATCHES} (2)")
    assert badge(answer([], [ran])).startswith("✓ **Checked** — 1 of 1 example ran on Python 3.11, stated output checked in 1")
    empty = Check(name="code_ran_2", passed=True, detail=NOTHING_TO_RUN)
    line = badge(answer([], [ran, empty]))
    assert line.startswith("**What I checked**") and "1 block with nothing to run" in line
    removed = Check(name="code_ran_2", passed=False, detail="failed on Python 3.11: NameError; removed")
    assert "1 failed and removed" in badge(answer([], [ran, removed]))
    fix = Check(name="fix_verified", passed=True, detail="a fix was verified on 3 of 3 examples (line 2: x)")
    assert badge(answer([], [fix])) == "✓ **Checked** — fix verified on 3 of 3 examples"
    assert "no verified fix" in badge(answer([], [Check(name="fix_verified", passed=False, detail="none")]))


def test_no_passages_withheld_and_nothing_checked() -> None:
    claims = [Claim(text="Canberra is the capital.", verdict="unchecked")]
    assert badge(answer(claims, passages=[])) == "**What I checked** — 1 sentence not checked: no docs passage matched"
    assert badge(answer(withheld=True)).startswith("⚠ **Not checked**")
    assert badge(answer()) == ""


def test_a_comment_only_block_is_not_an_example_that_ran() -> None:
    assert not has_statements("# read the file\n# then print it\n")
    assert not has_statements("pass\n...\n'''a docstring'''")
    assert has_statements("x = 1  # set x")
    text, checks = check_code("Like this:\n```python\n# open the file first\n```\n", Sandbox())
    assert [c.detail for c in checks] == [NOTHING_TO_RUN]
    assert badge(answer([], checks)).startswith("**What I checked**")


def test_the_terminal_answer_leads_with_the_badge() -> None:
    from molly.cli import format_answer

    ran = Check(name="code_ran_1", passed=True, detail="ran on Python 3.11, x")
    out = format_answer(answer([Claim(text="a", verdict="supported", by="words")], [ran]))
    assert out.startswith("✓ Checked — 1 of 1 sentences match the cited docs · 1 of 1 example ran on Python 3.11\n\nt")
