"""The LLM seam: LangChain chat models chosen by settings, plus call/usage accounting.

``embedded`` runs the packaged GGUF in process (``llamacpp.LlamaCppChat`` over llama.cpp);
``openai`` talks to any OpenAI-compatible server (vLLM, llama.cpp's server) through
``ChatOpenAI``; ``fake`` is the scripted model from ``molly.fakes`` for tests and demos.
``llama_cpp`` is imported only in ``llamacpp.py``. Not here: prompts and stage logic.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import LLMResult
from pydantic import BaseModel, SecretStr

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
            base_url=settings.openai_base_url, api_key=SecretStr(settings.openai_api_key),
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
    from molly.llamacpp import embedded_chat

    path = check_gguf(settings.model_path) if settings.model_path else packaged_gguf(settings.cache_dir)
    return embedded_chat(path, settings.n_ctx, settings.n_threads, settings.temperature, settings.max_answer_tokens)


def llama_counters(llm: BaseChatModel, reset: bool = False) -> dict[str, float] | None:
    """llama.cpp's own counters for an embedded model (see ``llamacpp.counters``); None for
    other backends. Benchmarks use them to say how fast the machine was in that run."""
    if type(llm).__name__ != "LlamaCppChat":
        return None
    from molly.llamacpp import counters

    return counters(llm, reset)


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


def _bound(llm: BaseChatModel, bind: dict[str, Any]) -> Any:
    """``llm`` with per-call arguments (``max_tokens`` as the backend reads it)."""
    if "max_tokens" in bind and type(llm).__name__ == "ChatOpenAI":
        limit = bind.pop("max_tokens")  # popped first: ChatOpenAI would send it on renamed
        bind = {**bind, **served_limit(limit)}
    return llm.bind(**bind) if bind else llm


def call_llm(llm: BaseChatModel, messages: list[BaseMessage], counter: UsageCounter, **bind: Any) -> str:
    """One chat call returning its text; backend failures become a ``BackendError``."""
    return _text(_invoke(_bound(llm, bind), messages, counter))


def stream_llm(llm: BaseChatModel, messages: list[BaseMessage], counter: UsageCounter, **bind: Any) -> Iterator[str]:
    """One chat call yielding the text so far as it grows (models that cannot stream yield it once);
    backend failures, even mid-answer, become a ``BackendError``. ``bind``: as for ``call_llm``."""
    text = ""
    try:
        for chunk in _bound(llm, bind).stream(messages, config={"callbacks": [counter]}):
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
        runnable = llm.bind(**served_limit(max_tokens)).with_structured_output(
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
    if name == "LlamaCppChat":
        fmt = {"type": "json_object", "schema": schema.model_json_schema()}
        return call_llm(llm, messages, counter, max_tokens=max_tokens, response_format=fmt)
    return call_llm(llm, messages, counter, max_tokens=max_tokens)
