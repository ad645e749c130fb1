"""Real parts: the shipped docs index, the packaged MiniLM and the packaged GGUF via llama.cpp."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from molly.agent import Tutor
from molly.config import Settings
from molly.factory import build_retriever, build_tutor
from molly.retrieval.retriever import DenseRetriever
from tests.conftest import free_port  # noqa: F401  (re-exported for the integration tests)


@pytest.fixture(scope="session")
def real_retriever() -> DenseRetriever:
    return build_retriever(Settings(), progress=None)


@pytest.fixture(scope="session")
def embedded_tutor() -> Iterator[Tutor]:
    yield build_tutor(Settings())
