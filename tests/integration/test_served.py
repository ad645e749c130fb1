"""The served path against a real OpenAI-compatible server: llama.cpp's, on loopback, same GGUF."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from langchain_core.messages import HumanMessage

from molly.agent import Tutor
from molly.config import Settings
from molly.errors import BackendError
from molly.llm import UsageCounter, build_chat_model, call_json, call_llm, stream_llm
from molly.model_files import packaged_gguf
from molly.perceive.intent import IntentReply, intent_messages, parse_intent
from molly.retrieval.retriever import DenseRetriever
from tests.integration.conftest import free_port

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    gguf = packaged_gguf(Settings().cache_dir)
    # The server logs ~200 kB while loading: to a file, since an unread pipe would block it.
    log = (tmp_path_factory.mktemp("server") / "server.log").open("w+b")
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1", "--port", str(port),
         "--n_ctx", "4096", "--model_alias", "molly"],
        stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"llama_cpp.server exited: {log.read().decode(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            raise RuntimeError("llama_cpp.server did not start within 120 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def served(url: str) -> Settings:
    return Settings(llm_backend="openai", openai_base_url=url, openai_model="molly",
                    openai_structured_output="function_calling")


def test_structured_intent_through_function_calling(server: str) -> None:
    # llama.cpp's server answers a json_schema response_format with HTTP 500: it gets tool calls.
    llm = build_chat_model(served(server).model_copy(update={"openai_structured_output": "function_calling"}))
    counter = UsageCounter()
    intent = parse_intent(call_json(llm, intent_messages("How do I sort a list of dicts by a key?"), counter,
                                    IntentReply, 120))
    assert intent.kind.value in {"howto", "concept"}
    assert counter.calls == 1 and counter.prompt_tokens > 50  # real count reported by the server


def test_full_turn_over_the_served_backend(server: str, real_retriever: DenseRetriever) -> None:
    settings = served(server)
    answer = Tutor(settings, build_chat_model(settings), real_retriever).ask("How do I read a file line by line?")
    assert answer.llm_calls <= 3 and answer.text.strip()
    assert all(c.url.startswith("https://docs.python.org/3.11/") for c in answer.citations)


def test_the_answer_limit_holds_and_a_cut_reply_says_so(server: str) -> None:
    # llama.cpp's server ignores max_completion_tokens, the only name ChatOpenAI sends: a 1-token
    # limit gave whole replies, which the draft then trimmed as if complete.
    messages = [HumanMessage("Count from 1 to 30, separated by spaces.")]
    whole, cut = UsageCounter(), UsageCounter()
    assert "30" in list(stream_llm(build_chat_model(served(server)), messages, whole))[-1]
    short = build_chat_model(served(server).model_copy(update={"max_answer_tokens": 3}))
    assert "30" not in list(stream_llm(short, messages, cut))[-1]
    assert "30" not in call_llm(build_chat_model(served(server)), messages, UsageCounter(), max_tokens=3)
    assert (whole.last_finish_reason, cut.last_finish_reason) == ("stop", "length")


def test_unreachable_server_is_a_clear_error(real_retriever: DenseRetriever) -> None:
    settings = Settings(llm_backend="openai", openai_base_url=f"http://127.0.0.1:{free_port()}/v1", llm_timeout_s=5)
    tutor = Tutor(settings, build_chat_model(settings), real_retriever)
    with pytest.raises(BackendError, match="did not answer"):
        tutor.ask("What is a list?")
