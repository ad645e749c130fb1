"""A small text classifier: logistic regression over sentence vectors of labelled examples.

Shared by the request policy (``guard/policy.py``: harmful, jailbreak, extraction, ordinary) and
perception (``perceive/kinds.py``: what the learner needs). The examples ship with the package as
JSON lines; their vectors are cached under the settings' cache dir, keyed by the examples' texts
and the embedder, because embedding a thousand examples takes seconds on 2 cores and fitting on
them a tenth of that.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from molly.retrieval.embedder import Embedder


def read_examples(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """The labelled examples in ``paths`` (JSON lines), in order."""
    return [json.loads(line) for path in paths
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass(frozen=True)
class Fitted:
    """The fitted model (scikit-learn, untyped) and the examples' vectors it learned from."""

    model: Any
    vectors: np.ndarray


class ExampleClassifier:
    """Fits at first use on ``examples`` (``text_key`` and ``label_key`` of each), embedding each
    text through ``prepare`` first (the same function is applied to every text classified), with
    ``features`` of the raw text, when given, beside the vector."""

    def __init__(self, embedder: Embedder, examples: list[dict[str, Any]], *, name: str,
                 cache_dir: Path | None = None, text_key: str = "text", label_key: str = "label",
                 prepare: Callable[[str], str] = str.strip,
                 features: Callable[[str], np.ndarray] | None = None, c: float = 10.0) -> None:
        """``name`` prefixes the cache file; ``c`` is the regression's inverse regularisation."""
        self.embedder, self.examples, self.name, self.cache_dir = embedder, examples, name, cache_dir
        self.text_key, self.label_key, self.prepare, self.c = text_key, label_key, prepare, c
        self.features = features

    @cached_property
    def fitted(self) -> Fitted:
        from sklearn.linear_model import LogisticRegression  # only here: sklearn takes a second to import

        vectors = self._vectors()
        rows = vectors
        if self.features is not None:
            rows = np.hstack([vectors, np.stack([self.features(e[self.text_key]) for e in self.examples])])
        model = LogisticRegression(C=self.c, max_iter=3000, class_weight="balanced")
        model.fit(rows, [e[self.label_key] for e in self.examples])
        return Fitted(model, vectors)

    def vector(self, text: str) -> np.ndarray:
        """The sentence vector of ``text`` (as prepared)."""
        return self.embedder.embed([self.prepare(text)])[0]

    def probabilities(self, text: str) -> dict[str, float]:
        """Each label's probability for ``text``."""
        fitted = self.fitted
        row = self.vector(text)
        if self.features is not None:
            row = np.concatenate([row, self.features(text)])
        p = fitted.model.predict_proba(row[None, :])[0]
        return {str(label): float(x) for label, x in zip(fitted.model.classes_, p, strict=True)}

    def _vectors(self) -> np.ndarray:
        """The examples' vectors, from the cache when the examples and embedder are unchanged."""
        texts = [self.prepare(e[self.text_key]) for e in self.examples]
        key = hashlib.sha256("\n".join([self.embedder.name, *texts]).encode()).hexdigest()[:16]
        path = self.cache_dir / f"{self.name}-vectors-{key}.npy" if self.cache_dir else None
        if path is not None and path.is_file():
            try:
                cached = np.load(path)
                if cached.shape == (len(texts), self.embedder.dim):
                    return cached
            except (OSError, ValueError):
                pass  # a damaged cache file is rebuilt below
        vectors = self.embedder.embed(texts)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as f:
                np.save(f, vectors)
            tmp.replace(path)
        return vectors
