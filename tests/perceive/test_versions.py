"""The learner's Python version and the passages' version notes."""

from __future__ import annotations

from molly.agent import Tutor
from molly.config import Settings
from molly.fakes import ScriptedChatModel
from molly.perceive.versions import stated_version, version_notes
from molly.retrieval.retriever import DenseRetriever
from molly.schemas import Chunk, Passage


def passage(text: str, title: str = "Built-in Types > str.removeprefix", ref: int = 1) -> Passage:
    chunk = Chunk(id=f"library/stdtypes.html#x{ref}", source="pydocs", page="library/stdtypes.html", anchor=f"x{ref}",
                  title=title, text=text)
    return Passage(ref=ref, chunk=chunk, score=0.5)


def test_stated_versions() -> None:
    assert stated_version("I'm on Python 3.8, how do I strip a prefix?") == (3, 8)
    assert stated_version("py3.10 match statement") == (3, 10)
    assert stated_version("How do I strip a prefix?") is None
    assert stated_version("I have 3.8 apples") is None  # a bare number is not a Python version


def test_only_notes_newer_than_the_learners_version_are_raised() -> None:
    ps = [passage("str.removeprefix(prefix, /)\n\nNew in version 3.9."),
          passage("zip(*iterables, strict=False)\n\nChanged in version 3.10: Added the strict argument.",
                  "Built-in Functions > zip", 2),
          passage("Old thing.\n\nNew in version 3.2.", "Something > old", 3)]
    assert version_notes(ps, (3, 8)) == ["str.removeprefix — new in Python 3.9 [1]",
                                         "zip — changed in Python 3.10: Added the strict argument [2]"]
    assert version_notes(ps, (3, 9)) == ["zip — changed in Python 3.10: Added the strict argument [2]"]
    assert version_notes(ps, (3, 11)) == []


def test_the_draft_is_told_and_the_checks_say_so(settings: Settings, hash_retriever: DenseRetriever) -> None:
    llm = ScriptedChatModel().enqueue(['{"kind": "howto", "search_query": "file object lines"}',
                                       "Loop over the file [1].", "NONE"])
    hash_retriever.store.chunks[0] = hash_retriever.store.chunks[0].model_copy(
        update={"text": hash_retriever.store.chunks[0].text + "\n\nChanged in version 3.10: lines are faster."})
    answer = Tutor(settings, llm, hash_retriever).ask("I'm on Python 3.8: how do I read a file line by line?")
    draft_prompt = str(llm.history[1][1].content)
    assert "The learner uses Python 3.8" in draft_prompt and "changed in Python 3.10" in draft_prompt
    assert any(c.name == "python_version" and "3.8" in c.detail for c in answer.checks)
