"""The LLM seam: LangChain chat models chosen by settings, plus call/usage accounting.

``embedded`` runs the packaged GGUF through ``ChatLlamaCpp`` (llama.cpp, in process);
``openai`` talks to any OpenAI-compatible server (vLLM, llama.cpp's server) through
``ChatOpenAI``; ``fake`` is the scripted model from ``molly.fakes`` for tests and demos.
``llama_cpp`` is imported here and nowhere else. Not here: prompts and stage logic.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import LLMResult
from pydantic import BaseModel

from molly.config import Settings
from molly.errors import BackendError, MollyError
from molly.model_files import check_gguf, packaged_gguf
from molly.text import estimate_tokens

log = logging.getLogger(__name__)


def build_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model named by ``settings.llm_backend``."""
    if settings.llm_backend == "embedded":
        return _embedded(settings)
    if settings.llm_backend == "openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            base_url=settings.openai_base_url, api_key=settings.openai_api_key,  # type: ignore[arg-type]
            model=settings.openai_model, temperature=settings.temperature,
            **served_limit(settings.max_answer_tokens), timeout=settings.llm_timeout_s, max_retries=1,
            metadata={"structured_output": settings.openai_structured_output},
        )
    from molly.fakes import TutorFakeChatModel

    return TutorFakeChatModel()


def served_limit(max_tokens: int) -> dict[str, Any]:
    """A reply-length limit for ``ChatOpenAI``, under both names: it sends ``max_completion_tokens``
    (which vLLM honours), but llama.cpp's server reads only ``max_tokens`` and ignored the limit
    (measured: a 5-token limit gave a 60-token reply, "stop")."""
    return {"max_completion_tokens": max_tokens, "extra_body": {"max_tokens": max_tokens}}


def build_intent_model(settings: Settings, main: BaseChatModel) -> BaseChatModel:
    """The chat model for the intent call. Embedded: a second llama.cpp context on the same
    GGUF (the weights are memory-mapped once; the context adds ~0.8 GB). llama.cpp keeps one
    cached prefix per context, so with its own context the intent instructions stay cached
    between turns and each turn reads only the question (~3 s less per turn on 2 cores), while
    the main context keeps the tutor's system prompt. A served model caches both prefixes
    itself, so it is used as is."""
    return _embedded(settings) if settings.llm_backend == "embedded" else main


def check_server(settings: Settings, timeout_s: float = 10.0) -> None:
    """For a served backend, fail at start-up with a clear message if the server is down or does
    not serve ``settings.openai_model`` (instead of a vague error at the first question)."""
    if settings.llm_backend != "openai":
        return
    import httpx

    url = settings.openai_base_url.rstrip("/")
    try:
        r = httpx.get(f"{url}/models", headers={"Authorization": f"Bearer {settings.openai_api_key}"},
                      timeout=timeout_s)
        r.raise_for_status()
        names = [m.get("id") for m in r.json().get("data", [])]
    except (httpx.HTTPError, ValueError, AttributeError) as e:
        raise BackendError(f"The model server at {url} is not answering. Is it running? "
                           "(scripts/vllm_server.py serve starts one.)", detail=f"{type(e).__name__}: {e}") from e
    if settings.openai_model not in names:
        raise BackendError(f"The model server at {url} serves {', '.join(map(repr, names)) or 'no model'}, "
                           f"not {settings.openai_model!r}: set MOLLY_OPENAI_MODEL to one of those.")


def _embedded(settings: Settings) -> BaseChatModel:
    path = check_gguf(settings.model_path) if settings.model_path else packaged_gguf(settings.cache_dir)
    from langchain_community.chat_models import ChatLlamaCpp

    try:
        chat = ChatLlamaCpp(
            model_path=str(path), n_ctx=settings.n_ctx, n_batch=512,
            n_threads=settings.n_threads or os.cpu_count() or 2,
            temperature=settings.temperature, max_tokens=settings.max_answer_tokens,
            verbose=False, seed=0,
        )
    except (ValueError, RuntimeError) as e:  # llama.cpp refuses a truncated or foreign file
        raise MollyError("The language model file could not be loaded.", detail=f"{path}: {e}") from e
    grammar_checks_top_k(chat.client)
    return chat


GRAMMAR_TOP_K = 128  # candidates the JSON grammar checks per token (of ~152k); see grammar_checks_top_k


def grammar_checks_top_k(client: Any, k: int = GRAMMAR_TOP_K) -> None:
    """Make greedy, grammar-constrained sampling (the intent call's JSON) check only the ``k``
    likeliest tokens against the grammar, not the whole vocabulary: llama.cpp's grammar sampler
    costs ~35 ms a token over Qwen's 152k tokens on 2 cores, ~0.7 s per intent call.

    The result is the same token: greedy takes the likeliest grammar-valid token, which is among
    the top ``k`` whenever any of them is valid. When none is, the rest of the vocabulary is put
    back and checked by a second grammar sampler (both accept every token, so they stay in step).
    Other sampling (temperature, no grammar) keeps llama-cpp-python's own chain."""
    import ctypes

    import numpy as np
    from llama_cpp import _internals, llama_token_data

    default = functools.partial(type(client)._init_sampler, client)  # the library's, even if called twice
    record = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)])
    if record.itemsize != ctypes.sizeof(llama_token_data):  # a layout this code does not know
        return

    def view(cur_p: Any) -> Any:
        arr = cur_p.contents
        buf = (llama_token_data * arr.size).from_address(ctypes.addressof(arr.data.contents))
        return np.frombuffer(buf, dtype=record)

    def init_sampler(**kw: Any) -> Any:
        grammar = kw.get("grammar")
        if grammar is None or kw.get("temp") != 0.0 or kw.get("logits_processor") or kw.get("mirostat_mode"):
            return default(**kw)
        vocab = [0]

        def top(cur_p: Any) -> None:  # the k likeliest first (a permutation: nothing is lost), size k
            data = view(cur_p)
            vocab[0] = len(data)
            if len(data) > k:
                data[:] = data[np.argpartition(-data["logit"], k)]
                cur_p.contents.size, cur_p.contents.sorted = k, False

        def widen(cur_p: Any) -> None:  # the grammar rejected all k: check the whole vocabulary
            data = view(cur_p)
            if vocab[0] > len(data) and np.isneginf(data["logit"]).all():
                cur_p.contents.size = vocab[0]

        chain = _internals.LlamaSampler()
        chain.add_penalties(n_vocab=client._n_vocab, penalty_last_n=client.last_n_tokens_size,
                            penalty_repeat=kw["repeat_penalty"], penalty_freq=kw["frequency_penalty"],
                            penalty_present=kw["presence_penalty"])
        chain.add_custom(top)
        chain.add_grammar(client._model, grammar)
        chain.add_custom(widen)
        chain.add_grammar(client._model, grammar)
        chain.add_greedy()
        return chain

    client._init_sampler = init_sampler


def llama_counters(llm: BaseChatModel, reset: bool = False) -> dict[str, float] | None:
    """llama.cpp's own counters for an embedded model since their last reset: prompt tokens read,
    tokens written (llama.cpp reports at least 1 of each), and the milliseconds each took
    (``reset``: start them again afterwards).
    None for other backends. Benchmarks use them to say how fast the machine was in that run."""
    ctx = getattr(getattr(getattr(llm, "client", None), "_ctx", None), "ctx", None)
    if ctx is None:
        return None
    import llama_cpp

    p = llama_cpp.llama_perf_context(ctx)
    out = {"read": p.n_p_eval, "read_ms": p.t_p_eval_ms, "written": p.n_eval, "written_ms": p.t_eval_ms}
    if reset:
        llama_cpp.llama_perf_context_reset(ctx)
    return out


class UsageCounter(BaseCallbackHandler):
    """Counts chat-model calls and prompt tokens for one turn (thread-safe)."""

    def __init__(self) -> None:
        self.calls = 0
        self.prompt_tokens = 0
        # Why the last call that ended stopped ("stop", "length", ...; None if it did not say):
        # an answer cut off at max_tokens is trimmed back to its last complete part.
        self.last_finish_reason: str | None = None
        self._lock = threading.Lock()
        self._pending: dict[Any, int] = {}

    def on_chat_model_start(self, serialized: dict[str, Any], messages: list[list[BaseMessage]], *,
                            run_id: Any, **kwargs: Any) -> None:
        estimate = sum(estimate_tokens(str(m.content)) + 4 for m in messages[0]) if messages else 0
        with self._lock:
            self.calls += 1
            self._pending[run_id] = estimate

    def on_llm_end(self, response: LLMResult, *, run_id: Any, **kwargs: Any) -> None:
        reported, finish = 0, None
        for gens in response.generations:
            for gen in gens:
                msg = getattr(gen, "message", None)
                usage = getattr(msg, "usage_metadata", None)
                if usage:
                    reported += int(usage.get("input_tokens", 0))
                info = {**(getattr(msg, "response_metadata", None) or {}), **(gen.generation_info or {})}
                finish = info.get("finish_reason") or finish
        if not reported and response.llm_output:
            reported = int((response.llm_output.get("token_usage") or {}).get("prompt_tokens", 0))
        with self._lock:
            estimate = self._pending.pop(run_id, 0)
            # Servers report real counts; where a backend reports none, use the estimate.
            self.prompt_tokens += reported or estimate
            self.last_finish_reason = finish


def _invoke(runnable: Any, messages: list[BaseMessage], counter: UsageCounter) -> Any:
    try:
        return runnable.invoke(messages, config={"callbacks": [counter]})
    except MollyError:
        raise
    except Exception as e:  # connection refused, timeout, server error: all mean "no answer"
        log.warning("LLM call failed: %s", type(e).__name__)
        raise BackendError("The language model did not answer. Please try again in a moment.",
                           detail=f"{type(e).__name__}: {e}") from e


def _text(message: Any) -> str:
    content = getattr(message, "content", "")
    return content if isinstance(content, str) else str(content)


def call_llm(llm: BaseChatModel, messages: list[BaseMessage], counter: UsageCounter, **bind: Any) -> str:
    """One chat call returning its text; backend failures become a ``BackendError``."""
    if "max_tokens" in bind and type(llm).__name__ == "ChatOpenAI":
        limit = bind.pop("max_tokens")  # popped first: ChatOpenAI would send it on renamed
        bind = {**bind, **served_limit(limit)}
    return _text(_invoke(llm.bind(**bind) if bind else llm, messages, counter))


def stream_llm(llm: BaseChatModel, messages: list[BaseMessage], counter: UsageCounter) -> Iterator[str]:
    """One chat call yielding the text so far as it grows (models that cannot stream yield it once);
    backend failures, even mid-answer, become a ``BackendError``."""
    text = ""
    try:
        for chunk in llm.stream(messages, config={"callbacks": [counter]}):
            text += _text(chunk)
            yield text
    except MollyError:
        raise
    except Exception as e:
        log.warning("LLM stream failed: %s", type(e).__name__)
        raise BackendError("The language model stopped answering. Please try again in a moment.",
                           detail=f"{type(e).__name__}: {e}") from e


def call_json(llm: BaseChatModel, messages: list[BaseMessage], counter: UsageCounter, schema: type[BaseModel],
              max_tokens: int) -> str:
    """One call whose reply should be a JSON object for ``schema``, returned as text for validation.

    OpenAI-compatible servers get a json_schema response format (vLLM enforces it) or forced
    function calling (llama.cpp's server; ``MOLLY_OPENAI_STRUCTURED_OUTPUT``); llama.cpp in
    process gets a JSON-schema grammar; other models are asked by the prompt alone.
    """
    name = type(llm).__name__
    if name == "ChatOpenAI":
        method = (llm.metadata or {}).get("structured_output", "json_schema")
        runnable = llm.bind(**served_limit(max_tokens)).with_structured_output(  # type: ignore[attr-defined]
            schema, method=method, include_raw=True)
        try:
            result = _invoke(runnable, messages, counter)
        except BackendError as e:
            from openai import LengthFinishReasonError

            if isinstance(e.__cause__, LengthFinishReasonError):
                # A reply cut off at max_tokens is invalid output (re-ask, then the fallback), not a
                # dead server: seen with vLLM's 0.5B model listing knowledge points on and on.
                log.info("structured reply cut off at %d tokens", max_tokens)
                return ""
            raise
        raw = result.get("raw") if isinstance(result, dict) else None
        calls = getattr(raw, "tool_calls", None) or []
        return json.dumps(calls[0]["args"]) if calls else _text(raw)
    if name == "ChatLlamaCpp":
        fmt = {"type": "json_object", "schema": schema.model_json_schema()}
        return call_llm(llm, messages, counter, max_tokens=max_tokens, response_format=fmt)
    return call_llm(llm, messages, counter, max_tokens=max_tokens)
