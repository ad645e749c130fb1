"""Support by meaning: a claim that keeps a passage sentence's words but flips one of them is
caught, per kind of flip, and the faithful claim beside it is kept."""

from __future__ import annotations

import pytest

from molly.reflect.claims import claim_texts, find_problems
from molly.reflect.meaning import antonyms, mismatch
from molly.schemas import Chunk, Passage


def passage(ref: int, anchor: str, title: str, text: str) -> Passage:
    return Passage(ref=ref, score=0.9, chunk=Chunk(id=f"library/x.html#{anchor}", source="pydocs",
                                                   page="library/x.html", anchor=anchor, title=title, text=text))


SORTED = passage(1, "sorted", "Built-in Functions > sorted",
                 "Return a new sorted list from the items in iterable. The reverse flag can be set to request "
                 "the result in descending order. The sort is stable: it does not change the relative order "
                 "of equal elements.")
HEAPPUSH = passage(1, "heapq.heappush", "heapq > heapq.heappush",
                   "Push the value item onto the heap, maintaining the heap invariant.")
NEXT = passage(1, "next", "Built-in Functions > next",
               "Retrieve the next item from the iterator by calling its __next__() method. If default is given, "
               "it is returned if the iterator is exhausted, otherwise StopIteration is raised.")
ROUND = passage(1, "round", "Built-in Functions > round",
                "Return number rounded to ndigits precision after the decimal point. If ndigits is omitted or "
                "is None, it returns the nearest integer to its input. Values are rounded to the closest "
                "multiple of 10 to the power minus ndigits.")
ISDIGIT = passage(1, "str.isdigit", "Built-in Types > str.isdigit",
                  "Return True if all characters in the string are digits and there is at least one character, "
                  "False otherwise.")
RANGE = passage(1, "range", "Built-in Types > range",
                "The range type represents an immutable sequence of numbers and is commonly used for looping "
                "a specific number of times in for loops. If the step argument is omitted, it defaults to 1.")


@pytest.mark.parametrize(("good", "bad", "said"), [
    ("The reverse flag asks for the result in descending order [1].",
     "The reverse flag asks for the result in ascending order [1].", "antonym"),
    ("`sorted` returns a new sorted list from the items of an iterable [1].",
     "`sorted` returns a new sorted tuple from the items of an iterable [1].", "type"),
    ("When the iterator is exhausted and no default is given, `next` raises StopIteration [1].",
     "When the iterator is exhausted and no default is given, `next` raises IndexError [1].", "exception"),
    ("If the step argument is omitted, a range's step defaults to 1 [1].",
     "If the step argument is omitted, a range's step defaults to 0 [1].", "number"),
    ("`str.isdigit` returns True if all characters in the string are digits [1].",
     "`str.isdigit` returns False if all characters in the string are digits [1].", "value"),
    ("A range represents an immutable sequence of numbers [1].",
     "A range represents a mutable sequence of numbers [1].", "antonym"),
])
def test_each_kind_of_flip_is_caught_and_the_faithful_claim_kept(good: str, bad: str, said: str) -> None:
    passages = [SORTED, NEXT, RANGE, ISDIGIT]
    assert mismatch(good, passages) == ""
    assert mismatch(bad, passages), bad


def test_an_api_swapped_for_its_neighbour_is_caught() -> None:
    good = "`heapq.heappush` pushes the value item onto the heap, keeping the heap invariant [1]."
    bad = "`heapq.heappop` pushes the value item onto the heap, keeping the heap invariant [1]."
    assert mismatch(good, [HEAPPUSH]) == ""
    assert "heappush" in mismatch(bad, [HEAPPUSH])


def test_numbers_the_passage_names_elsewhere_and_unaligned_claims_are_left_alone() -> None:
    # "10" is in the passage, so a claim naming it is not a changed number.
    assert mismatch("`round` rounds to the closest multiple of 10 to the power minus ndigits [1].", [ROUND]) == ""
    # Nothing in the passage says this; the meaning check has no sentence to compare it with.
    assert mismatch("Python was first released in 1991 [1].", [ROUND]) == ""


def test_the_antonyms_come_from_wordnet() -> None:
    table = antonyms()
    assert "descending" in table["ascending"] and "immutable" in table["mutable"] and "false" in table["true"]
    assert len(table) > 3000


def test_a_flipped_claim_is_a_problem_for_the_claim_rules() -> None:
    text = "The sort is stable: it does not change the relative order of equal elements [1]. " \
           "The reverse flag asks for the result in ascending order [1]."
    findings = find_problems(claim_texts(text), [SORTED])
    assert not findings[0].problem and findings[0].supported
    assert "ascending" in findings[1].problem and not findings[1].supported
