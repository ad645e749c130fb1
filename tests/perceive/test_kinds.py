"""Perception without an LLM call: the classifier's input (prose, signals), and perceive's use of it."""

from __future__ import annotations

import json
from pathlib import Path

from molly.fakes import ScriptedChatModel
from molly.llm import UsageCounter
from molly.perceive.intent import named_exceptions, perceive
from molly.perceive.kinds import IntentClassifier, prose, signals_of
from molly.retrieval.embedder import HashEmbedder
from molly.schemas import IntentKind

CODE_QUESTION = """is this ok? it prints the wrong total
```python
def total(xs):
    s = 0
    for x in xs:
        s = x
    return s
```"""


class Fixed:
    """A classifier that always says one kind."""

    def __init__(self, kind: IntentKind) -> None:
        self.said = kind

    def kind(self, text: str) -> tuple[IntentKind, float]:
        return self.said, 0.9


def test_prose_drops_code_and_traceback_lines_but_keeps_an_all_code_message() -> None:
    assert prose(CODE_QUESTION) == "is this ok? it prints the wrong total"
    pasted = 'why this?\n  File "a.py", line 2, in <module>\n    x = items[3]\n           ^^^^^^^^\nIndexError: list index out of range'
    assert prose(pasted) == "why this? IndexError: list index out of range"
    assert prose("for x in xs:\n    print(x)") == "for x in xs:\n    print(x)"


def test_named_exceptions_are_builtin_names_only() -> None:
    assert named_exceptions("I keep getting an IndexError, then a MyOwnError and IndexError") == ["IndexError"]
    assert named_exceptions("it says ValueError or maybe a KeyError") == ["ValueError", "KeyError"]
    assert named_exceptions("no exception named here") == []


def test_signals_read_code_and_the_absence_of_programming_words() -> None:
    code, no_programming = signals_of(CODE_QUESTION)[0], signals_of("what time does the gym close?")[3]
    assert code == 1.0 and no_programming == 1.0
    assert signals_of("how do I sort a list?")[3] == 0.0


def test_the_classifier_decides_without_an_llm_call_and_keeps_the_question_as_query() -> None:
    llm, counter = ScriptedChatModel(), UsageCounter()
    intent = perceive("I keep getting a KeyError when I look up a name", llm, counter, kinds=Fixed(IntentKind.ERROR))
    assert intent.kind is IntentKind.ERROR and intent.source == "classifier"
    assert intent.knowledge_points == ["KeyError"] and intent.search_query.startswith("I keep getting")
    assert counter.calls == 0 and llm.history == []


def test_rules_still_come_first_and_a_vague_first_message_still_asks_the_llm() -> None:
    tb = "Traceback (most recent call last):\n  File \"a.py\", line 1, in <module>\nNameError: name 'x' is not defined"
    assert perceive(tb, ScriptedChatModel(), UsageCounter(), kinds=Fixed(IntentKind.CONCEPT)).source == "rule"
    reply = json.dumps({"kind": "error", "knowledge_points": [], "search_query": "it does not work",
                        "needs_clarification": True, "clarifying_question": "What does it print?"})
    llm, counter = ScriptedChatModel().enqueue([reply]), UsageCounter()
    intent = perceive("it doesn't work", llm, counter, kinds=Fixed(IntentKind.CONCEPT))
    assert intent.source == "llm" and intent.needs_clarification and counter.calls == 1


def test_a_classifier_learns_from_examples_and_an_instructors_file_adds_to_them(tmp_path: Path) -> None:
    examples = [{"text": t, "label": "howto"} for t in ("how do I sort a list", "how can I open a file", "how to reverse a string")]
    examples += [{"text": t, "label": "off_topic"} for t in ("when is the exam", "what room is the lab in", "is the deadline friday")]
    extra = tmp_path / "mine.jsonl"
    extra.write_text(json.dumps({"text": "give me the week 5 project code", "label": "solution_request"}) + "\n")
    classifier = IntentClassifier(HashEmbedder(), (extra,), cache_dir=tmp_path, examples=examples)
    assert classifier.kind("how do I sort a string")[0] is IntentKind.HOWTO
    assert classifier.kind("when is the lab exam")[0] is IntentKind.OFF_TOPIC
    assert classifier.kind("give me the week 5 project code")[0] is IntentKind.SOLUTION_REQUEST
    assert list(tmp_path.glob("intent-vectors-*.npy"))  # the vectors are cached for the next start


def test_every_shipped_example_has_a_known_kind_and_a_source() -> None:
    from molly.classify import read_examples
    from molly.perceive.kinds import EXAMPLES

    rows = read_examples([EXAMPLES])
    assert len(rows) >= 600 and {r["label"] for r in rows} == {k.value for k in IntentKind}
    assert all(r["text"].strip() and r["source"] for r in rows)
