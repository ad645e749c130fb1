"""Claim-level checks: quotes, negations, word support, re-citing; the verifier's LLM use; the seeded set."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from molly.evaluation.seeded import check_item, load_seeded, summarize
from molly.fakes import ScriptedChatModel
from molly.llm import UsageCounter
from molly.reflect.claims import claim_texts, find_problems, quote_problem, revise, verdicts, word_support
from molly.reflect.verifier import verify_claims
from molly.retrieval.embedder import HashEmbedder, MemoEmbedder
from molly.sandbox import Sandbox
from molly.schemas import Passage
from tests.conftest import SMALL_CORPUS, docs_sample

ROOT = Path(__file__).resolve().parents[2]
FILE, OPEN, INDEX_ERROR, TUPLES = (Passage(ref=i + 1, chunk=c, score=0.5) for i, c in enumerate(SMALL_CORPUS))
PASSAGES = [FILE, OPEN]


def test_quotations_must_be_in_the_passage_they_cite() -> None:
    assert quote_problem('The docs say "loop over the file object" [1].', PASSAGES) == ""
    assert "not in [2]" in quote_problem('The docs say "loop over the file object" [2].', PASSAGES)
    assert "any passage" in quote_problem('As they say, "files are always read backwards".', PASSAGES)
    assert quote_problem('Call print("hi there") to greet [1].', PASSAGES) == ""  # two words: a string, not a quote
    quoted = 'The message "invalid literal for int() with base 10" means the text is no number.'
    assert "any passage" in quote_problem(quoted, PASSAGES)
    assert quote_problem(quoted, PASSAGES, "ValueError: invalid literal for int() with base 10: 'abc'") == ""


def test_word_support_accepts_copies_and_catches_flipped_negations() -> None:
    assert word_support("Tuples are immutable, and usually contain a heterogeneous sequence [1].", TUPLES)[0]
    assert "adds a negation" in word_support("Tuples are not immutable and contain a sequence [1].", TUPLES)[1]
    assert "drops a negation" in word_support(
        "Raised when a sequence subscript is in range [1].", INDEX_ERROR.model_copy(update={"chunk": INDEX_ERROR.chunk.model_copy(
            update={"text": "Raised when a sequence subscript is not in range."})}))[1]
    assert word_support("Iterate through each line with a for statement [1].", FILE) == ("", "")  # undecided: the LLM's


class TwoPassageEmbedder:
    """Texts about looping point at [1] (the file-object passage), everything else at [2]."""

    name, dim = "two-2", 2

    def embed(self, texts: list[str], progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        return np.array([[1.0, 0.0] if "loop" in t.lower() else [0.0, 1.0] for t in texts], dtype=np.float32)


def test_problems_and_re_citing() -> None:
    claims = ["Use open() to get one [9].", "It returns a file object [1, 9].", "Loop over the lines of the file [2]."]
    findings = find_problems(claims, PASSAGES, TwoPassageEmbedder())
    assert "not retrieved" in findings[0].problem
    assert findings[1].problem == ""  # a real source beside the bad one: only the [9] goes, later
    assert findings[2].recite == (2, 1)
    result = verdicts(claims, findings, ())
    assert [c.verdict for c in result] == ["unsupported", "supported", "supported"]
    text, shown = revise(" ".join(claims), result, findings)
    # "It" pointed at the removed sentence's open(), but it cites its own source: it stays.
    assert text == "It returns a file object [1, 9]. Loop over the lines of the file [1]."
    assert [c.shown for c in shown] == [False, True, True] and shown[2].cites == [1]


def test_a_sentence_leaning_on_a_removed_one_goes_with_it() -> None:
    text = ("Python compiles source when it imports it [9]. This module provides a function to compile a file. "
            "For example:\n\n```python\nimport py_compile\n```\n\nThis writes a .pyc file [1].")
    claims = verdicts(claim_texts(text), find_problems(claim_texts(text), PASSAGES), ())
    revised, shown = revise(text, claims, find_problems(claim_texts(text), PASSAGES))
    assert revised.startswith("```python") and revised.endswith("This writes a .pyc file [1].")
    assert [c.shown for c in shown] == [False, False, False, True] and "removed sentence" in shown[1].reason


def test_with_no_passage_nothing_is_called_supported_and_no_llm_is_asked() -> None:
    result = verify_claims(ScriptedChatModel(), [], "The capital of Australia is Canberra.", [], UsageCounter())
    check = next(c for c in result.checks if c.name == "claims_supported")
    assert not check.passed and "no documentation passage" in check.detail and not result.withheld
    assert [c.verdict for c in result.claims] == ["unchecked"]
    assert result.text == "The capital of Australia is Canberra."


def test_no_clear_verdict_leaves_open_claims_unchecked() -> None:
    claims = ["Iterate through each line with a for statement [1]."]
    assert verdicts(claims, find_problems(claims, PASSAGES), None)[0].verdict == "unchecked"


def test_the_llm_is_asked_only_about_what_the_rules_left_open() -> None:
    draft = ("You can loop over the file object [1]. Iterate through each line with a for statement [1]. "
             'As they say, "files are always read backwards" [1].')
    llm = ScriptedChatModel().enqueue(["1, 2"])  # it also names sentence 1, which was not asked about
    counter = UsageCounter()
    result = verify_claims(llm, [], draft, PASSAGES, counter)
    asked = str(llm.history[0][-1].content)
    assert "(2) Iterate" in asked and "(1)" not in asked and "(3)" not in asked
    assert "sentence 3: quotes" in asked  # the rules' finding is told to the judge
    assert [c.verdict for c in result.claims] == ["supported", "unsupported", "unsupported"]
    assert result.text == "You can loop over the file object [1]." and counter.calls == 1
    decided = verify_claims(ScriptedChatModel(), [], "You can loop over the file object [1].", PASSAGES, UsageCounter())
    assert decided.claims[0].reason == "its words are in [1]"  # no call: the fake would have raised


def test_without_rules_the_llm_judges_every_sentence() -> None:
    # molly-basic in `molly eval`: reflection as it was before the claim rules.
    draft = "You can loop over the file object [1]. Files are read backwards [1]."
    llm = ScriptedChatModel().enqueue(["2"])
    result = verify_claims(llm, [], draft, PASSAGES, UsageCounter(), rules=False)
    asked = str(llm.history[0][-1].content)
    assert "(1) You can loop" in asked and "(2) Files" in asked
    assert [c.verdict for c in result.claims] == ["supported", "unsupported"]
    assert result.text == "You can loop over the file object [1]."


def test_lead_ins_are_not_claims_and_never_reach_the_llm() -> None:
    # Found by the seeded benchmark: the 1.5B judge called 22 of 120 clean "For example:" lines unsupported.
    draft = "You can loop over the file object [1]. For example:\n\n```python\nprint(1)\n```"
    result = verify_claims(ScriptedChatModel(), [], draft, PASSAGES, UsageCounter())  # no call: the fake would raise
    assert [(c.verdict, c.reason) for c in result.claims] == [("supported", "its words are in [1]"),
                                                              ("not_a_claim", "a lead-in, not a claim")]
    assert "For example:" in result.text


def test_a_lead_in_does_not_save_an_answer_whose_every_claim_fails() -> None:
    # Before lead-ins had their own verdict, "For example:" counted as a supported sentence, so a
    # draft whose only claim was unsupported was shown as the lead-in and its code.
    draft = "Files are always read backwards [1]. For example:\n\n```python\nprint(1)\n```"
    result = verify_claims(ScriptedChatModel().enqueue(["1"]), [], draft, PASSAGES, UsageCounter())
    assert result.withheld and [c.verdict for c in result.claims] == ["unsupported", "not_a_claim"]
    only_code = verify_claims(ScriptedChatModel(), [], "For example:\n\n```python\nprint(1)\n```", PASSAGES, UsageCounter())
    assert not only_code.withheld and only_code.checks[0].detail == "no factual sentence to check"


def test_claim_texts_skip_code() -> None:
    assert claim_texts("One [1].\n\n```python\nx = 1\n```\n\nTwo.") == ["One [1].", "Two."]


def test_rules_catch_every_citation_quote_negation_and_code_fault_of_the_seeded_set() -> None:
    """The whole seeded set (120 faulty, 120 clean) with a judge that finds nothing: what the rules
    alone catch. The real judge's figures come from eval/benchmarks/seeded_faults.py."""
    items = load_seeded(ROOT / "eval" / "datasets" / "seeded_answers.jsonl")
    assert sum(i["fault"] is None for i in items) >= 100 and sum(i["fault"] is not None for i in items) >= 100
    chunks = docs_sample()
    sandbox = Sandbox()
    rows = [check_item(i, chunks, ScriptedChatModel(default="NONE"), None, sandbox) for i in items]
    summary = summarize(rows)
    for fault in ("unknown_citation", "fabricated_quote", "broken_code", "failing_code"):
        assert summary["per_fault"][fault]["caught_by_rules"] == 1.0, (fault, summary)
    # Negations flipped in a copied sentence; one of 19 is two docs sentences run together, left to the LLM.
    assert summary["per_fault"]["contradiction"]["caught_by_rules"] >= 0.9, summary
    assert summary["false_alarms"] == 0.0, summary["false_alarms_by_check"]


class CountingEmbedder(HashEmbedder):
    """Counts how often each text reaches the model."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def embed(self, texts: list[str], progress: object = None) -> np.ndarray:
        self.seen += texts
        return super().embed(texts)


def test_reflection_embeds_each_passage_once() -> None:
    # The re-cite rule and attribution both compare sentences with the passages.
    draft = ("Iterate over the file object to read it line by line [2]. "
             "The with statement closes the file for you when the block ends.")
    inner = CountingEmbedder()
    verify_claims(ScriptedChatModel(default="NONE"), [], draft, PASSAGES, UsageCounter(), inner)
    texts = [p.chunk.embedding_text() for p in PASSAGES]
    assert all(inner.seen.count(t) == 1 for t in texts)
    memo = MemoEmbedder(HashEmbedder())
    again = memo.embed(["b", "a", "b"])
    assert np.array_equal(again, HashEmbedder().embed(["b", "a", "b"])) and memo.embed([]).shape == (0, memo.dim)


def test_an_uncited_draft_is_attributed_before_it_is_judged() -> None:
    # CI once withheld "How do I read a file line by line?": the draft cited nothing, the judge was
    # told so and called every sentence unsupported. Attributed first, its copied sentence is
    # settled by the word rules, and the judge is not told "makes no citation".
    draft = ("For reading lines from a file, you can loop over the file object. "
             "Each line then ends with its newline character, which print may add again.")
    llm = ScriptedChatModel().enqueue(["NONE"])
    result = verify_claims(llm, [], draft, PASSAGES, UsageCounter(), HashEmbedder())
    asked = str(llm.history[0][-1].content)
    assert "(2) Each line" in asked and "(1)" not in asked and "no citation" not in asked
    assert result.claims[0].reason == "its words are in [1]" and not result.withheld
    assert result.text.startswith("For reading lines from a file, you can loop over the file object [1].")
    assert any(c.name == "citations_attributed" for c in result.checks)
