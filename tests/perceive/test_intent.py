"""Intent: rules first, LLM JSON validated, one re-ask, then the fallback."""

from __future__ import annotations

import json

import pytest

from molly.fakes import ScriptedChatModel
from molly.llm import UsageCounter, llama_counters
from molly.perceive.intent import fallback_intent, may_be_off_topic, parse_intent, perceive, rule_intent
from molly.perceive.tracebacks import exception_of
from molly.schemas import IntentKind

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
    intent = perceive("How do I sort a dict by value?", llm, counter)
    assert intent.source == "fallback" and intent.kind is IntentKind.CONCEPT
    assert counter.calls == 2


@pytest.mark.parametrize(("text", "kind"), [
    ("Can you solve my homework assignment for me?", IntentKind.SOLUTION_REQUEST),
    ("Write the whole program for my assignment: a menu that adds and removes contacts", IntentKind.SOLUTION_REQUEST),
    ("Give me the finished code for the tic-tac-toe project we have to hand in tomorrow.", IntentKind.SOLUTION_REQUEST),
    ("Solve the lab for me: read a CSV of students and print the top scorer.", IntentKind.SOLUTION_REQUEST),
    # code shown with a request for feedback, and no error
    ("Is this good Python style?\n```python\ndef is_even(n):\n    if n % 2 == 0:\n        return True\n```",
     IntentKind.CODE_REVIEW),
    ("Could you review my function?\n    for x in xs:\n        print(x)", IntentKind.CODE_REVIEW),
])
def test_unmistakable_requests_are_decided_by_rule_without_the_llm(text: str, kind: IntentKind) -> None:
    llm = ScriptedChatModel()  # any call would fail: nothing is scripted
    intent = perceive(text, llm, UsageCounter())
    assert intent.kind is kind and intent.source == "rule" and llm.history == []


@pytest.mark.parametrize("text", ["In this exercise, what does the code do?", "What is the whole code doing here?",
                                  "How do I check my answer to a quiz question in Python?"])
def test_questions_that_mention_homework_are_not_solution_requests_by_rule(text: str) -> None:
    assert rule_intent(text) is None


@pytest.mark.parametrize("text", [
    "Can you review it? It fails with an error:\n```python\nprint(items[5])\n```",  # an error, not a review
    "Is there a better way to loop over two lists at once?",  # no code: the model decides
])
def test_feedback_words_without_code_or_with_an_error_are_not_reviews_by_rule(text: str) -> None:
    assert rule_intent(text) is None


@pytest.mark.parametrize("text", ["What is the capital of Australia?", "How do I fix my bike chain?",
                                  "Should I buy a new phone or wait for the next model?", "Tell me a joke about cats."])
def test_questions_with_no_programming_word_may_be_off_topic(text: str) -> None:
    assert may_be_off_topic(text)


@pytest.mark.parametrize("text", ["How do I sort a list?", "what's the difference between = and ==",
                                  "Why does my_total stay 0?", "Why does greet() print twice?",
                                  "Please explain task 4", "Can you give me a hint for the lab?",
                                  "it broke", "I'm stuck, it doesn't work"])
def test_programming_words_code_and_vague_reports_are_never_off_topic_by_rule(text: str) -> None:
    assert not may_be_off_topic(text)


def test_only_a_vague_first_message_is_asked_about_clarification() -> None:
    asks = json.dumps({"kind": "concept", "knowledge_points": ["lambda"], "search_query": "lambda",
                       "needs_clarification": True, "clarifying_question": "Which lambda do you mean?"})
    llm = ScriptedChatModel().enqueue([asks, asks])
    clear = perceive("What is a lambda function?", llm, UsageCounter())
    assert not clear.needs_clarification and "clarification" not in str(llm.history[0][-1].content)
    vague = perceive("it doesn't work", llm, UsageCounter())
    assert vague.needs_clarification and "clarification" in str(llm.history[1][-1].content)


def test_the_intent_call_reads_only_the_question_after_the_cached_system_prompt() -> None:
    llm = ScriptedChatModel().enqueue([GOOD])
    perceive("How do I read a file line by line?", llm, UsageCounter())
    system, user = llm.history[0]
    assert '"search_query"' in str(system.content)  # the instructions: cached from turn to turn
    assert "Molly" not in str(system.content)  # not the tutor's: it has its own context (llm.build_intent_model)
    assert str(user.content).startswith("<question>") and len(str(user.content)) < 100


@pytest.mark.parametrize("text,kind", [
    ("Please write the complete solution for my assignment", IntentKind.SOLUTION_REQUEST),
    ("```\ndef f(x):\n    return x\n```\nCan you review this?", IntentKind.CODE_REVIEW),
    ("my loop doesn't work", IntentKind.ERROR),
    ("How do I sort a dict by value?", IntentKind.CONCEPT),  # how-to and concept are answered alike
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


def test_the_models_kind_is_kept_as_it_said() -> None:
    assert parse_intent('{"kind": "concept"}', "How do I read a file line by line?").kind is IntentKind.CONCEPT
    assert parse_intent('{"kind": "howto"}', "How do I read a file line by line?").kind is IntentKind.HOWTO


def test_llama_counters_are_none_for_a_model_that_is_not_llama_cpp() -> None:
    assert llama_counters(ScriptedChatModel()) is None


def test_a_shape_of_code_is_code_not_an_abbreviation() -> None:
    from molly.perceive.intent import CODE_SHAPE

    assert all(CODE_SHAPE.search(q) for q in ("select `df` rows", "os.path join", "d[key] lookup", "call f(x)"))
    assert not any(CODE_SHAPE.search(q) for q in ("Who was the U.S. president?", "e.g. in 3.5 days", "a [ b"))
