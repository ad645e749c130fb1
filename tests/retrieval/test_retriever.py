"""Retrieval policy: score floor, several queries, token budget."""

from __future__ import annotations

from molly.config import Settings
from molly.retrieval.embedder import HashEmbedder
from molly.retrieval.passages import fit_budget, passage_cost
from molly.retrieval.retriever import DenseRetriever
from molly.retrieval.store import VectorStore, load_corpus
from molly.schemas import Chunk
from tests.conftest import SMALL_CORPUS


def test_relevant_passage_ranks_first_and_is_numbered(hash_retriever: DenseRetriever) -> None:
    passages = hash_retriever.retrieve(["IndexError: list index out of range"])
    assert passages[0].chunk.id == "library/exceptions.html#IndexError"
    assert [p.ref for p in passages] == list(range(1, len(passages) + 1))


def test_score_floor_keeps_irrelevant_passages_out(hash_store: VectorStore) -> None:
    strict = DenseRetriever(hash_store, HashEmbedder(), top_k=3, score_floor=0.9)
    assert strict.retrieve(["zebra giraffe saxophone"]) == []
    assert strict.retrieve(["", "   "]) == []


def test_several_queries_merge_by_best_score(hash_retriever: DenseRetriever) -> None:
    one = {c.id for c, _ in hash_retriever.search(["tuples immutable"])}
    both = {c.id for c, _ in hash_retriever.search(["tuples immutable", "open file object"])}
    assert "library/functions.html#open" in both - one or "library/functions.html#open" in one


def test_budget_is_respected_and_last_passage_trimmed() -> None:
    long = SMALL_CORPUS[0].model_copy(update={"text": "A sentence about files. " * 200})
    ranked = [(SMALL_CORPUS[1], 0.9), (long, 0.8), (SMALL_CORPUS[2], 0.7)]
    passages = fit_budget(ranked, budget=200)
    used = sum(passage_cost(p.chunk) for p in passages)
    assert used <= 200 + 2
    assert passages[1].chunk.text.endswith("…") and len(passages) == 2


def test_passages_cut_to_their_opening_let_more_of_them_share_the_budget() -> None:
    long = SMALL_CORPUS[0].model_copy(update={"text": "A sentence about files. " * 200})
    ranked = [(long, 0.9), (SMALL_CORPUS[1], 0.8), (SMALL_CORPUS[2], 0.7)]
    assert [p.chunk.id for p in fit_budget(ranked, budget=200)] == [long.id]  # the long one eats it all
    passages = fit_budget(ranked, budget=200, max_passage_tokens=60)
    assert [p.chunk.id for p in passages] == [long.id, SMALL_CORPUS[1].id, SMALL_CORPUS[2].id]
    assert passages[0].chunk.text.startswith("A sentence about files.") and passages[0].chunk.text.endswith("…")
    assert passage_cost(passages[0].chunk) <= 60 + 2
    assert passages[1].chunk == SMALL_CORPUS[1]  # short passages are left whole


def test_a_passage_is_labelled_by_its_page_and_innermost_section() -> None:
    def label(title: str, locator: str = "") -> str:
        return SMALL_CORPUS[0].model_copy(update={"title": title, "locator": locator}).label

    assert label("io — Core tools for working with streams > Class hierarchy > io.IOBase > io.IOBase.seek") \
        == "io.IOBase.seek"
    assert label("Built-in Functions > open") == "Built-in Functions > open"
    assert label("Input and Output > Reading and Writing Files > Methods of File Objects") \
        == "Input and Output > Methods of File Objects"
    assert label("re — Regular expression operations") == "re"
    assert label("week1.md › Loops › For loops", "lines 5–9") == "week1.md › For loops (lines 5–9)"


def test_course_passages_are_not_cut_to_their_opening() -> None:
    """A lesson often gives its example after a lead-in; only docs entries open with their point."""
    text = "To count things, use a dictionary:\n\n" + "counts[x] = counts.get(x, 0) + 1\n" * 12
    lesson = SMALL_CORPUS[0].model_copy(update={"source": "intro", "title": "week3.md › Counting", "text": text})
    docs = SMALL_CORPUS[0].model_copy(update={"text": text})
    passages = fit_budget([(lesson, 0.9), (docs, 0.8)], budget=400, max_passage_tokens=60)
    assert passages[0].chunk.text == text and passages[1].chunk.text != text


def test_a_cut_inside_a_code_block_closes_it() -> None:
    # Otherwise the </passage> tag and every later passage read as code to the model.
    code = "```\n" + "".join(f">>> x{i} = {i}\n" for i in range(40)) + "```\n\nAfter the example."
    intro = "An example follows here:\n\n"
    for text in (code, intro + code):
        chunk = SMALL_CORPUS[0].model_copy(update={"text": text})
        cut = fit_budget([(chunk, 0.9)], budget=400, max_passage_tokens=80)[0].chunk.text
        assert cut.count("```") % 2 == 0 and cut.endswith("```\n\n…") and ">>> x0 = 0" in cut, cut
    lead = "The example below builds one long list of numbers, all on a single line:\n\n"
    only_fence = SMALL_CORPUS[0].model_copy(update={"text": lead + "```python\nys = [" + "1, " * 200 + "]\n```"})
    cut = fit_budget([(only_fence, 0.9)], budget=400, max_passage_tokens=60)[0].chunk.text
    assert cut == lead + "…", cut  # none of the code fits: no empty code block
    inline = "Markdown marks code with ``` on its own line; Python needs none of that here. " * 12
    cut = fit_budget([(SMALL_CORPUS[0].model_copy(update={"text": inline}), 0.9)], budget=400,
                     max_passage_tokens=60)[0].chunk.text
    assert cut.endswith("of that here …") and "\n```" not in cut, cut  # an inline ``` opens no block to close


def test_a_cut_passage_skips_an_opening_example_whose_lead_in_is_elsewhere() -> None:
    # "How do I read a file line by line?" got the f.readline() outputs that open this chunk and a cut
    # just before "for line in f:", so the answer led with readline().
    chunks = {c.id: c for c in load_corpus(Settings().kb_dir)[0]}
    part = chunks["tutorial/inputoutput.html#methods-of-file-objects~1"]
    question = "How do I read a file line by line?"
    [opening] = fit_budget([(part, 0.6)], 350, max_passage_tokens=110)
    [passage] = fit_budget([(part, 0.6)], 350, max_passage_tokens=110, focus=question)
    assert opening.chunk.text.startswith("```\n>>> f.readline()") and "for line in f" not in opening.chunk.text
    assert passage.chunk.text.startswith("…\n\nFor reading lines from a file") and ">>> for line in f:" in passage.chunk.text
    assert passage.whole_text == part.text  # the recipe repair still reads the whole chunk
    # A run of code blocks (recipes) is the content itself: it keeps its opening.
    recipe = "```\ndef pairs(items):\n    return zip(items, items[1:])\n```"
    recipes = part.model_copy(update={"text": "\n\n".join([recipe] * 3 + ["These work on any sequence. " * 20])})
    [kept] = fit_budget([(recipes, 0.5)], 350, max_passage_tokens=110, focus=question)
    assert kept.chunk.text == opening_of(recipes) and kept.chunk.text.startswith("```\ndef pairs")
    # ... and so does a passage whose opening example holds more of the question's words.
    about = "f.readline() outputs the first line of the file"
    [example] = fit_budget([(part, 0.6)], 350, max_passage_tokens=110, focus=about)
    assert example.chunk.text == opening.chunk.text


def test_a_cut_passage_shows_the_sentence_that_answers_after_a_shorter_opening() -> None:
    # "How can I check if a key exists in a dictionary?" got the tutorial's opening on storing and
    # deleting keys, cut before the one sentence that answers it; the answer then used dict.get().
    part = {c.id: c for c in load_corpus(Settings().kb_dir)[0]}["tutorial/datastructures.html#dictionaries~1"]
    key = "To check whether a single key is in the dictionary, use the in keyword."
    assert key not in opening_of(part)
    [passage] = fit_budget([(part, 0.6)], 350, max_passage_tokens=110,
                           focus="How can I check if a key exists in a dictionary?")
    text = passage.chunk.text
    assert text.startswith("The main operations on a dictionary are storing a value") and f"…\n\n{key}" in text
    assert passage_cost(passage.chunk) <= 110 and passage.whole_text == part.text
    # A question the opening already serves, or one whose words no sentence holds twice, keeps it.
    for question in ("What are the main operations on a dictionary?", "How do I use zip?"):
        [same] = fit_budget([(part, 0.6)], 350, max_passage_tokens=110, focus=question)
        assert same.chunk.text == opening_of(part), question


def opening_of(chunk: Chunk) -> str:
    """``chunk``'s text cut as a docs passage is cut without a question to focus on."""
    return fit_budget([(chunk, 0.5)], 350, max_passage_tokens=110)[0].chunk.text
