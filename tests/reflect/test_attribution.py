"""Post-hoc citations: added only where a passage matches, never altering the model's own."""

from __future__ import annotations

from molly.reflect.attribution import api_name, attribute
from molly.retrieval.embedder import HashEmbedder
from molly.schemas import Passage
from tests.conftest import SMALL_CORPUS

PASSAGES = [Passage(ref=i + 1, chunk=c, score=0.5) for i, c in enumerate(SMALL_CORPUS)]


def test_uncited_sentence_gets_its_passage() -> None:
    text = "IndexError is raised when a sequence subscript is out of range. Tuples are immutable [4]."
    out, added = attribute(text, PASSAGES, HashEmbedder(), threshold=0.3)
    assert added == 1
    assert out == "IndexError is raised when a sequence subscript is out of range [3]. Tuples are immutable [4]."


def test_unrelated_or_short_sentences_stay_uncited() -> None:
    text = "Good luck with your studies and have a wonderful day today. Try it!"
    out, added = attribute(text, PASSAGES, HashEmbedder(), threshold=0.3)
    assert (out, added) == (text, 0)
    assert attribute("Anything at all here today.", [], HashEmbedder()) == ("Anything at all here today.", 0)


def test_code_is_never_touched() -> None:
    text = "Here is the loop over the file object lines:\n\n```python\nfor line in f:\n    print(line)\n```"
    out, _ = attribute(text, PASSAGES, HashEmbedder(), threshold=0.0)
    assert out.endswith("```python\nfor line in f:\n    print(line)\n```")


def test_a_sentence_naming_an_api_whose_entry_is_a_passage_cites_it_once() -> None:
    # The speed runs' traceback answer named `int()` and `ValueError` but cited nothing.
    text = ("Calling `open()` on a missing path raises an `IndexError`, the docs say. Then `open()` is called "
            "again on the next path. Your own `my.open` and `IndexErrors` are other names here.")
    out, added = attribute(text, PASSAGES, HashEmbedder(), threshold=1.1)  # no sentence is similar enough
    assert out == ("Calling `open()` on a missing path raises an `IndexError`, the docs say [2, 3]. Then `open()` "
                   "is called again on the next path. Your own `my.open` and `IndexErrors` are other names here.")
    assert added == 1
    assert [api_name(p) for p in PASSAGES] == [None, "open", "IndexError", None]  # sections name no API


def test_an_example_copied_from_an_uncited_passage_cites_it() -> None:
    from molly.reflect.attribution import cite_examples
    from molly.schemas import Chunk

    lesson = Chunk(id="intro-python:03#count", source="intro-python", page="03.md", anchor="count", title="Counting",
                   text='```python\ncounts = {}\nfor letter in "banana":\n    counts[letter] = counts.get(letter, 0) + 1\n```')
    passage = Passage(ref=2, chunk=lesson, score=0.8)
    text = ('Use a dictionary.\n\n```python\ncounts = {}\nfor letter in "banana":\n'
            '    counts[letter] = counts.get(letter, 0) + 1  # one more\nprint(counts)\n```\n\nThat is all.')
    cited, added = cite_examples(text, [passage])
    assert added == 1 and "*(This example comes from [2].)*" in cited and cited.endswith("That is all.")
    assert cite_examples(text.replace("dictionary.", "dictionary [2]."), [passage])[1] == 0  # already cited
    assert cite_examples("```python\nprint(1)\nx = 2\n```", [passage])[1] == 0  # not from it
