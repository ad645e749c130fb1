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
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The defaults (real models, shipped index), with a course database of the session's own
    that starts with the sample course."""
    return Settings(courses_db=tmp_path_factory.mktemp("courses") / "courses.sqlite")


@pytest.fixture(scope="session")
def real_retriever(real_settings: Settings) -> DenseRetriever:
    return build_retriever(real_settings, progress=None)


@pytest.fixture(scope="session")
def embedded_tutor(real_settings: Settings) -> Iterator[Tutor]:
    yield build_tutor(real_settings)
