"""The embedded model: llama.cpp in process, as a LangChain chat model.

``LlamaCppChat`` is a small ``BaseChatModel`` over llama-cpp-python's own chat completion
(``Llama.create_chat_completion``, which applies the GGUF's chat template): plain and streamed
replies, ``max_tokens``/``response_format`` per call, finish reason and llama.cpp's real token
counts. It replaces ``langchain_community.ChatLlamaCpp`` (a package its maintainers are
sunsetting), which also passed ``rope_freq_base=10000`` to every model: the packaged Qwen2.5-Coder
was trained with 1,000,000 (its GGUF says so), so every answer so far was written with positions
encoded at the wrong frequency. Here the model's own value is used.
``llama_cpp`` is imported here and nowhere else. Not here: choosing a backend (``llm.py``).
"""

from __future__ import annotations

import ctypes
import functools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ChatMessage, HumanMessage, SystemMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict

from molly.errors import MollyError

# Sampling as the embedded model has always had it (ChatLlamaCpp's defaults), so that only the
# rope frequency changes with the adapter.
SAMPLING = {"top_p": 0.95, "top_k": 40, "repeat_penalty": 1.1}


def load_llama(path: Path, n_ctx: int, n_threads: int | None, **overrides: Any) -> Any:
    """llama.cpp's model on ``path`` (a checked GGUF); ``MollyError`` if llama.cpp refuses it
    or llama-cpp-python is not installed (a served-only install)."""
    try:
        from llama_cpp import Llama
    except ImportError as e:
        raise MollyError("The embedded model is not installed: pip install 'molly-tutor[embedded]', "
                         "or set MOLLY_LLM_BACKEND=openai to use a served model.", detail=str(e)) from e
    try:
        return Llama(model_path=str(path), n_ctx=n_ctx, n_batch=512, n_threads=n_threads or os.cpu_count() or 2,
                     seed=0, verbose=False, **overrides)
    except (ValueError, RuntimeError) as e:  # llama.cpp refuses a truncated or foreign file
        raise MollyError("The language model file could not be loaded.", detail=f"{path}: {e}") from e


def _role(message: BaseMessage) -> str:
    if isinstance(message, SystemMessage):
        return "system"
    if isinstance(message, HumanMessage):
        return "user"
    if isinstance(message, AIMessage):
        return "assistant"
    if isinstance(message, ChatMessage):
        return message.role
    raise MollyError("This kind of message cannot go to the embedded model.", detail=type(message).__name__)


def _content(message: BaseMessage) -> str:
    return message.content if isinstance(message.content, str) else str(message.content)


class LlamaCppChat(BaseChatModel):
    """A chat model over a ``llama_cpp.Llama`` (``client``). Not thread-safe: one call at a time
    (``Tutor`` holds one answer slot for it).

    >>> chat = LlamaCppChat(client=load_llama(path, 4096, 2), temperature=0.0, max_tokens=256)  # doctest: +SKIP
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    client: Any
    temperature: float = 0.0
    max_tokens: int = 256

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]) -> dict[str, Any]:
        return {"messages": [{"role": _role(m), "content": _content(m)} for m in messages],
                "temperature": self.temperature, "max_tokens": self.max_tokens, **SAMPLING,
                "stop": stop or [], **kwargs}

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        response = self.client.create_chat_completion(**self._request(messages, stop, kwargs))
        choice = response["choices"][0]
        usage = response.get("usage") or {}
        message = AIMessage(content=choice["message"].get("content") or "", usage_metadata=UsageMetadata(
            input_tokens=usage.get("prompt_tokens", 0), output_tokens=usage.get("completion_tokens", 0),
            total_tokens=usage.get("total_tokens", 0)))
        return ChatResult(generations=[ChatGeneration(message=message, generation_info={
            "finish_reason": choice.get("finish_reason")})], llm_output={"token_usage": usage})

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        for part in self.client.create_chat_completion(**self._request(messages, stop, kwargs), stream=True):
            if not part.get("choices"):
                continue
            choice = part["choices"][0]
            text = (choice.get("delta") or {}).get("content") or ""
            finish = choice.get("finish_reason")
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=text),
                                        generation_info={"finish_reason": finish} if finish else None)
            if run_manager:
                run_manager.on_llm_new_token(text, chunk=chunk)
            yield chunk


def embedded_chat(path: Path, n_ctx: int, n_threads: int | None, temperature: float,
                  max_tokens: int) -> LlamaCppChat:
    """The packaged GGUF as a chat model, with the grammar sampler checking the top-k tokens only."""
    chat = LlamaCppChat(client=load_llama(path, n_ctx, n_threads), temperature=temperature, max_tokens=max_tokens)
    grammar_checks_top_k(chat.client)
    return chat


GRAMMAR_TOP_K = 128  # 46bf0a4: grammar ~750 -> ~65 ms per intent call; same output under greedy (full-vocab fallback)


def grammar_checks_top_k(client: Any, k: int = GRAMMAR_TOP_K) -> None:
    """Make greedy, grammar-constrained sampling (the intent call's JSON) check only the ``k``
    likeliest tokens against the grammar, not the whole vocabulary: llama.cpp's grammar sampler
    costs ~35 ms a token over Qwen's 152k tokens on 2 cores, ~0.7 s per intent call.

    The result is the same token: greedy takes the likeliest grammar-valid token, which is among
    the top ``k`` whenever any of them is valid. When none is, the rest of the vocabulary is put
    back and checked by a second grammar sampler (both accept every token, so they stay in step).
    Other sampling (temperature, no grammar) keeps llama-cpp-python's own chain."""
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


def counters(llm: BaseChatModel, reset: bool = False) -> dict[str, float] | None:
    """llama.cpp's own counters since their last reset: prompt tokens read, tokens written
    (llama.cpp reports at least 1 of each), and the milliseconds each took (``reset``: start them
    again afterwards). None if the model has no llama.cpp context."""
    ctx = getattr(getattr(getattr(llm, "client", None), "_ctx", None), "ctx", None)
    if ctx is None:
        return None
    import llama_cpp

    p = llama_cpp.llama_perf_context(ctx)
    out = {"read": p.n_p_eval, "read_ms": p.t_p_eval_ms, "written": p.n_eval, "written_ms": p.t_eval_ms}
    if reset:
        llama_cpp.llama_perf_context_reset(ctx)
    return out
