"""Intent: rules first, LLM JSON validated, one re-ask, then the fallback."""

from __future__ import annotations

import json

import pytest

from molly.fakes import ScriptedChatModel
from molly.intent import fallback_intent, parse_intent, perceive, rule_intent
from molly.llm import UsageCounter
from molly.schemas import IntentKind
from molly.tracebacks import exception_of

TRACEBACK = """Traceback (most recent call last):
  File "main.py", line 3, in <module>
    print(items[5])
IndexError: list index out of range"""

GOOD = json.dumps({"kind": "howto", "knowledge_points": ["open()", "file iteration"],
                   "search_query": "read file line by line", "needs_clarification": False, "clarifying_question": ""})


def test_a_traceback_is_an_error_by_rule_without_the_llm() -> None:
    llm = ScriptedChatModel()
    intent = perceive(TRACEBACK, llm, UsageCounter())
    assert intent.kind is IntentKind.ERROR and intent.source == "rule"
    assert intent.knowledge_points == ["IndexError"] and "list index out of range" in intent.search_query
    assert llm.history == []


def test_exception_of_takes_the_last_exception_line() -> None:
    assert exception_of(TRACEBACK) == ("IndexError", "list index out of range")
    assert exception_of("json.decoder.JSONDecodeError: Expecting value") == ("json.decoder.JSONDecodeError", "Expecting value")
    assert exception_of("no error here") is None
    assert rule_intent("What does IndexError mean?") is None  # a question about an error is not a traceback


def test_valid_llm_json_is_one_call() -> None:
    llm = ScriptedChatModel().enqueue([f"Sure!\n```json\n{GOOD}\n```"])
    counter = UsageCounter()
    intent = perceive("How do I read a file line by line?", llm, counter)
    assert intent.kind is IntentKind.HOWTO and intent.knowledge_points == ["open()", "file iteration"]
    assert counter.calls == 1 and counter.prompt_tokens > 0


def test_invalid_output_is_re_asked_once_with_the_error() -> None:
    llm = ScriptedChatModel().enqueue(['{"kind": "philosophy"}', GOOD])
    intent = perceive("How do I read a file?", llm, UsageCounter())
    assert intent.kind is IntentKind.HOWTO and intent.source == "llm"
    assert len(llm.history) == 2
    assert "not valid" in str(llm.history[1][-1].content) and "philosophy" in str(llm.history[1][-2].content)


def test_two_invalid_outputs_fall_back_to_rules() -> None:
    llm = ScriptedChatModel().enqueue(["no json at all", "{still: broken"])
    counter = UsageCounter()
    intent = perceive("Can you solve my homework assignment for me?", llm, counter)
    assert intent.source == "fallback" and intent.kind is IntentKind.SOLUTION_REQUEST
    assert counter.calls == 2


@pytest.mark.parametrize("text,kind", [
    ("Please write the complete solution for my assignment", IntentKind.SOLUTION_REQUEST),
    ("```\ndef f(x):\n    return x\n```\nCan you review this?", IntentKind.CODE_REVIEW),
    ("my loop doesn't work", IntentKind.ERROR),
    ("How do I sort a dict by value?", IntentKind.HOWTO),
    ("What is a generator?", IntentKind.CONCEPT),
])
def test_fallback_heuristics(text: str, kind: IntentKind) -> None:
    assert fallback_intent(text).kind is kind


def test_parse_intent_is_lenient_on_case_and_strict_on_kind() -> None:
    intent = parse_intent('{"kind": "Code Review", "knowledge_points": "loops", "needs_clarification": true}')
    assert intent.kind is IntentKind.CODE_REVIEW and intent.knowledge_points == ["loops"]
    assert intent.needs_clarification is False  # no question given, so nothing to ask
    ask = '{"kind": "concept", "needs_clarification": true, "clarifying_question": "Which code?"}'
    assert parse_intent(ask, "it broke").needs_clarification is True
    # a clear, specific question is answered even if the model asks to clarify it
    assert parse_intent(ask, "What is the difference between a list and a tuple in Python?").needs_clarification is False
    with pytest.raises(ValueError):
        parse_intent('{"kind": "homework"}')
