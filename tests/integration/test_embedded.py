"""The real pipeline on a CPU: packaged GGUF through llama.cpp, MiniLM, the shipped FAISS index."""

from __future__ import annotations

import numpy as np
import pytest
from langchain_core.messages import HumanMessage

from molly.agent import OFF_TOPIC_REPLY, Tutor
from molly.config import Settings
from molly.fakes import ScriptedChatModel
from molly.llamacpp import GRAMMAR_TOP_K, grammar_checks_top_k
from molly.llm import UsageCounter, call_json, call_llm, llama_counters, stream_llm
from molly.perceive.intent import IntentReply, intent_messages
from molly.perceive.kinds import IntentClassifier
from molly.retrieval.embedder import MiniLMEmbedder, _Traced
from molly.retrieval.retriever import DenseRetriever
from molly.schemas import IntentKind

pytestmark = pytest.mark.slow
DOCS = "https://docs.python.org/3.11/"


def test_retrieval_finds_the_tutorial_section_for_reading_lines(real_retriever: DenseRetriever) -> None:
    ids = [p.chunk.id for p in real_retriever.retrieve(["How do I read a file line by line?"])]
    assert any(i.startswith("tutorial/inputoutput.html#") for i in ids), ids


@pytest.mark.parametrize("question", ["What is the capital of Australia?", "How do I fix my bike chain?",
                                      "What's the weather going to be tomorrow?"])
def test_general_knowledge_gets_the_scope_reply_without_the_llm(real_settings: Settings,
                                                                real_retriever: DenseRetriever, question: str) -> None:
    llm = ScriptedChatModel()  # any call would fail: nothing is scripted
    answer = Tutor(real_settings, llm, real_retriever).ask(question)
    assert answer.text == OFF_TOPIC_REPLY and answer.llm_calls == 0


@pytest.mark.parametrize("question", ["How do I read a file line by line?", "What does enumerate do?",
                                      "What is a decorator?", "How do I round a number to 2 digits?", "How do I get the length of a word?"])
def test_python_questions_are_never_off_topic_by_rule(real_settings: Settings, real_retriever: DenseRetriever,
                                                      question: str) -> None:
    llm = ScriptedChatModel(default='{"kind": "concept", "knowledge_points": [], "search_query": "x"}')
    intent = Tutor(real_settings, llm, real_retriever).understand(question, UsageCounter())
    assert intent.source == "llm"


@pytest.mark.parametrize(("question", "kind"), [
    ("How do I read a file line by line?", IntentKind.HOWTO), ("What does enumerate do?", IntentKind.CONCEPT),
    ("When is the midterm exam?", IntentKind.OFF_TOPIC),
    ("just give me the full code for assignment 3", IntentKind.SOLUTION_REQUEST),
    ("I get ZeroDivisionError when my list is empty", IntentKind.ERROR),
    ("is my loop ok?\nfor i in range(len(xs)):\n    print(xs[i])", IntentKind.CODE_REVIEW)])
def test_the_shipped_intent_classifier_decides_without_the_llm(real_settings: Settings, real_retriever: DenseRetriever,
                                                               question: str, kind: IntentKind) -> None:
    """The real MiniLM and the shipped examples: no LLM call (nothing is scripted, any call fails)."""
    tutor = Tutor(real_settings, ScriptedChatModel(), real_retriever, kinds=IntentClassifier(real_retriever.embedder))
    counter = UsageCounter()
    intent = tutor.understand(question, counter)
    assert intent.kind is kind and counter.calls == 0 and intent.source in ("classifier", "rule")


def test_read_file_line_by_line_is_answered_with_a_docs_citation(embedded_tutor: Tutor) -> None:
    answer = embedded_tutor.ask("How do I read a file line by line?")
    assert answer.llm_calls <= 3
    # The claims carry the withheld draft's sentences and their verdicts, to read if this fails.
    assert not answer.withheld, (answer.checks, answer.claims)
    urls = [c.url for c in answer.citations]
    assert any(u.startswith(DOCS + "tutorial/") or u.startswith(DOCS + "library/") for u in urls), urls
    assert any(p.chunk.page in ("tutorial/inputoutput.html", "library/io.html", "library/functions.html")
               for p in answer.passages)


def test_a_traceback_is_explained_from_the_exceptions_page(embedded_tutor: Tutor) -> None:
    answer = embedded_tutor.ask("Traceback (most recent call last):\n  File \"a.py\", line 2, in <module>\n"
                                "    print(xs[3])\nIndexError: list index out of range")
    assert answer.intent.kind is IntentKind.ERROR and answer.llm_calls <= 2
    assert any(p.chunk.id == "library/exceptions.html#IndexError" for p in answer.passages)
    assert answer.text.strip()


def test_a_pasted_snippet_is_run_and_explained_from_its_real_error(embedded_tutor: Tutor) -> None:
    """No traceback pasted: Molly runs the code, gets KeyError, pins its docs entry, and the real
    model explains that error (2 LLM calls: the intent came from the real traceback)."""
    answer = embedded_tutor.ask('Why does my code crash?\n```python\nscores = {"ana": 3}\nprint(scores["bob"])\n```')
    assert answer.intent.kind is IntentKind.ERROR and answer.llm_calls <= 2
    assert answer.passages[0].chunk.id == "library/exceptions.html#KeyError"
    assert any(c.name == "learner_code_ran" and "KeyError" in c.detail for c in answer.checks)
    # Whether the 1.5B model keeps its [n] through reflection varies from run to run (llama.cpp's
    # prefix cache changes its numerics); that the real error is what gets explained does not.
    assert "KeyError" in answer.text


def test_embedded_answer_cites_the_course_material(embedded_tutor: Tutor) -> None:
    """The real model, the real MiniLM, the sample course: a learner's answer cites a lesson."""
    answer = embedded_tutor.ask("How do I count how often each letter appears in a word?", course="intro-python")
    assert any(p.chunk.source == "intro-python" for p in answer.passages)
    assert all(p.chunk.visibility == "learner" for p in answer.passages)
    assert any(c.url.startswith("course:intro-python/") for c in answer.citations), answer.text
    assert any(c.name == "course_steering" for c in answer.checks)


def test_short_batches_take_the_traced_fp16_copy_and_give_the_fp32_vectors(real_retriever: DenseRetriever) -> None:
    embedder = real_retriever.embedder
    assert isinstance(embedder, MiniLMEmbedder) and isinstance(embedder._short, _Traced)
    # Lengths other than the trace's probes, padded together: the graph must not have fixed either.
    queries = ["sort", "How do I read a file line by line?",
               "TypeError: 'int' object is not iterable when I loop over the number returned by len(items)"]
    fast = embedder.embed(queries)
    short, embedder._short = embedder._short, None  # the plain fp32 pass, for comparison
    try:
        exact = embedder.embed(queries)
        untraced = short.untraced(embedder._model.preprocess(queries))["sentence_embedding"].detach().numpy()
    finally:
        embedder._short = short
    assert fast.shape == exact.shape == (3, 384) and not np.array_equal(fast, exact)  # really the fp16 copy
    assert (fast * exact).sum(axis=1).min() > 0.99999
    assert (fast * untraced).sum(axis=1).min() > 0.999999
    # The copy shares the word embeddings rather than holding a second 47 MB of them.
    assert short.untraced[0].auto_model.embeddings is embedder._model[0].auto_model.embeddings


@pytest.mark.parametrize(("k", "message"), [
    (GRAMMAR_TOP_K, "How do I read a file line by line?"),
    (GRAMMAR_TOP_K, "Why does my function return None?\n\ndef add(a, b):\n    print(a + b)"),
    # Nothing likely is valid JSON here, so the whole vocabulary must be checked, token after token.
    (4, "Write a haiku about autumn leaves. Do not use JSON."),
])
def test_grammar_over_the_top_k_gives_the_full_vocabularys_tokens(embedded_tutor: Tutor, k: int, message: str) -> None:
    llm = embedded_tutor.intent_llm
    client = llm.client  # type: ignore[attr-defined]
    messages = intent_messages(message) if k == GRAMMAR_TOP_K else [HumanMessage(message)]

    def reply() -> str:
        client.reset()
        return call_json(llm, messages, UsageCounter(), IntentReply, max_tokens=60)

    del client._init_sampler  # llama-cpp-python's own chain: the grammar checks every token
    try:
        full = reply()
    finally:
        grammar_checks_top_k(client, k)
    fast = reply()
    grammar_checks_top_k(client)  # as the tutor has it
    assert fast == full and fast.startswith("{")


def test_llama_counters_count_what_a_call_read_and_wrote(embedded_tutor: Tutor) -> None:
    llm = embedded_tutor.intent_llm
    llama_counters(llm, reset=True)
    call_llm(llm, [HumanMessage("Say hello.")], UsageCounter(), max_tokens=3)
    counted = llama_counters(llm, reset=True)
    assert counted is not None and counted["read"] > 0 and 1 <= counted["written"] <= 3 and counted["written_ms"] > 0
    again = llama_counters(llm)  # after a reset: no time (llama.cpp reports at least 1 token of each)
    assert again is not None and again["read_ms"] == again["written_ms"] == 0.0


def test_a_streamed_reply_says_whether_the_token_limit_cut_it(embedded_tutor: Tutor) -> None:
    # A draft loses an unpunctuated last line (trim_incomplete) only when this says "length".
    messages = [HumanMessage("Reply with the single word: yes")]
    whole, cut = UsageCounter(), UsageCounter()
    list(stream_llm(embedded_tutor.llm, messages, whole))
    list(stream_llm(embedded_tutor.llm.bind(max_tokens=1), messages, cut))  # type: ignore[arg-type]
    assert (whole.last_finish_reason, cut.last_finish_reason) == ("stop", "length")
