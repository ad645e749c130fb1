"""Real parts: the shipped docs index, the packaged MiniLM and the packaged GGUF via llama.cpp."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from molly.agent import Tutor
from molly.config import Settings
from molly.factory import build_retriever, build_tutor
from molly.retrieval.retriever import DenseRetriever

# The developer's real cache, so the 1.1 GB model is assembled once per machine, not per test run.
REAL = Settings()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def real_retriever() -> DenseRetriever:
    return build_retriever(Settings(), progress=None)


@pytest.fixture(scope="session")
def embedded_tutor() -> Iterator[Tutor]:
    yield build_tutor(Settings())
