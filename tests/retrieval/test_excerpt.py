"""Cutting a passage to size: the opening by default, the paragraphs the question is about when
they hold more of its words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from molly.retrieval.excerpt import ELLIPSIS, excerpt, focus_words, stem, truncate

# The tutorial's second chunk on file methods, as the docs corpus has it (shortened).
FILE_METHODS = (
    "```\n>>> f.readline()\n'This is the first line of the file.\\n'\n>>> f.readline()\n''\n```\n\n"
    "For reading lines from a file, you can loop over the file object. This is memory efficient, fast, "
    "and leads to simple code:\n\n```\n>>> for line in f:\n...     print(line, end='')\n```\n\n"
    "If you want to read all the lines of a file in a list you can also use list(f) or f.readlines().\n\n"
    "f.write(string) writes the contents of string to the file, returning the number of characters written.")


def test_the_paragraph_with_more_of_the_question_is_kept_instead_of_the_opening() -> None:
    # Cut to its opening, this passage taught readline() for "read a file line by line".
    focus = focus_words(["How do I read a file line by line?"])
    assert focus == {"read", "file", "line"}
    cut = excerpt(FILE_METHODS, 200, focus)
    assert cut.startswith(f"{ELLIPSIS}\n\nFor reading lines from a file") and "for line in f:" in cut
    assert cut.endswith(ELLIPSIS) and len(cut) <= 200
    assert "f.readline()" in truncate(FILE_METHODS, 200) and "loop over" not in truncate(FILE_METHODS, 200)


def test_the_opening_stays_without_focus_or_when_nothing_later_fits_better() -> None:
    assert excerpt(FILE_METHODS, 260) == truncate(FILE_METHODS, 260)
    assert excerpt(FILE_METHODS, 260, focus_words(["Which is the first line?"])) == truncate(FILE_METHODS, 260)
    assert excerpt(FILE_METHODS, 10_000, focus_words(["write a file"])) == FILE_METHODS  # fits: untouched


def test_a_signature_stays_on_top_and_a_lead_in_needs_what_it_leads_into() -> None:
    entry = ("sum(iterable, /, start=0)\n\nSums start and the items of an iterable from left to right and "
             "returns the total.\n\nFor some use cases, there are good alternatives to sum(). The preferred, "
             "fast way to concatenate a sequence of strings is by calling ''.join(sequence).\n\nFor example:"
             "\n\n```\n" + "x = 1\n" * 40 + "```")
    cut = excerpt(entry, 260, focus_words(["What is the most efficient way to concatenate many strings?"]))
    assert cut.startswith(f"sum(iterable, /, start=0)\n\n{ELLIPSIS}\n\nFor some use cases")
    assert "For example:" not in cut  # its example does not fit, so the lead-in goes too
    only_code = "Intro words here.\n\n" + "```\n>>> read_file_line()\n```\n\n" + "Other text. " * 40
    assert excerpt(only_code, 120, focus_words(["read file line"])) == truncate(only_code, 120)


@given(st.lists(st.text(alphabet="ab cd\n.:`(", min_size=1, max_size=80), min_size=1, max_size=12),
       st.integers(min_value=20, max_value=400))
def test_an_excerpt_never_grows_past_its_size(paragraphs: list[str], max_chars: int) -> None:
    text = "\n\n".join(paragraphs)
    cut = excerpt(text, max_chars, frozenset({"ab", "cd"}))
    assert len(cut) <= max_chars + 2 or cut == text  # truncate's " …" may stand past a sentence end


def test_stems_match_the_forms_a_question_and_a_doc_use() -> None:
    pairs = [("reading", "read"), ("lines", "line"), ("files", "file"), ("strings", "string"),
             ("classes", "class"), ("matches", "match"), ("sorted", "sort"), ("cases", "case")]
    assert all(stem(a) == stem(b) for a, b in pairs)
    assert stem("class") == "class" and stem("is") == "is"
