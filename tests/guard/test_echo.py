"""Degenerate drafts: the prompt's scaffolding and the request's narration never reach the learner."""

from __future__ import annotations

from molly.guard.echo import strip_echo
from molly.schemas import Chunk, Passage


def passage(ref: int, title: str, text: str) -> Passage:
    chunk = Chunk(id=f"library/x.html#a{ref}", source="pydocs", page="library/x.html", anchor=f"a{ref}",
                  title=title, text=text)
    return Passage(ref=ref, chunk=chunk, score=0.5)


def test_scaffolding_lines_and_narration_go_and_the_learner_is_spoken_to() -> None:
    passages = [passage(1, "Expressions > Binary arithmetic operations", "The / operator yields the quotient.")]
    draft = ("Why am I getting strange results with simple arithmetic?\n\n"
             "The learner is encountering unexpected outcomes with arithmetic.\n\n"
             "Documentation passages:\n[1] Expressions > Binary arithmetic operations\n"
             "Floats are stored in binary, so 0.1 is not exact [1]. The learner's code adds them in a loop.")
    text, removed = strip_echo(draft, "Why am I getting strange results with simple arithmetic?", passages)
    assert removed == 4
    assert text == "Floats are stored in binary, so 0.1 is not exact [1]. Your code adds them in a loop."


def test_an_ordinary_answer_is_unchanged() -> None:
    passages = [passage(1, "Built-in Functions > len", "Return the length of an object.")]
    draft = "Use `len(word)` to get the number of characters [1].\n\n```python\nprint(len('hi'))\n```"
    assert strip_echo(draft, "How do I get the length of a word?", passages) == (draft, 0)
    assert strip_echo("Hi.", "len?", [])[1] == 0  # a question under four words is never matched


def test_a_lead_in_left_last_goes() -> None:
    draft = "Look at line 3 first.\n\nTo help you look at this line, consider the following question:"
    assert strip_echo(draft, "why?", []) == ("Look at line 3 first.", 1)
    kept = "Strip a prefix with `str.removeprefix` [1]:"
    assert strip_echo(kept, "why?", []) == (kept, 0)  # it says something of its own


def test_advice_about_the_learner_is_said_to_them_and_advice_to_the_tutor_goes() -> None:
    # Sentences of real debugging answers (eval/grades/debug_hint_ab and earlier runs).
    draft = ("Line 3 stops one short [1]. To fix this, the learner should check if `x` is in the list first. "
             "If the learner wants to make their code clearer, they could add a comment. "
             "The learner needs to keep the order. "
             "To help the learner look at line 9 (`counter+=1`), I would ask them to consider what happens next. "
             "To help the learner look at line 1, Molly could ask: \"What does `lst.sort()` return?\"")
    text, removed = strip_echo(draft, "Why does my search fail?", [])
    assert text == ("Line 3 stops one short [1]. To fix this, you should check if `x` is in the list first. "
                    "If you want to make your code clearer, you could add a comment. You need to keep the order.")
    assert removed == 2
    # "student" as an ordinary word, and "their" outside a sentence about the learner, stay.
    kept = "Sort the student records by age [1]. The list keeps their order."
    assert strip_echo(kept, "How do I sort records?", [])[0] == kept


def test_inline_code_and_other_pronouns_are_not_reworded() -> None:
    text = strip_echo("Ok [1]. The learner should call `len(them)` first. It is None when they are empty.", "q", [])[0]
    assert text == "Ok [1]. You should call `len(them)` first. It is None when they are empty."
