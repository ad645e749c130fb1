"""Shared fixtures: a small corpus over the hash embedder, settings isolated from the environment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from molly.config import Settings
from molly.retrieval.embedder import HashEmbedder
from molly.retrieval.retriever import DenseRetriever
from molly.retrieval.store import VectorStore, load_corpus
from molly.schemas import Chunk

SMALL_CORPUS = [
    Chunk(id="tutorial/inputoutput.html#methods-of-file-objects", source="pydocs", page="tutorial/inputoutput.html",
          anchor="methods-of-file-objects", title="Input and Output > Methods of File Objects",
          text="For reading lines from a file, you can loop over the file object. This is memory efficient, "
               "fast, and leads to simple code:\n\n```\n>>> for line in f:\n...     print(line, end='')\n```"),
    Chunk(id="library/functions.html#open", source="pydocs", page="library/functions.html", anchor="open",
          title="Built-in Functions > open", text="open(file, mode='r')\n\nOpen file and return a corresponding file object."),
    Chunk(id="library/exceptions.html#IndexError", source="pydocs", page="library/exceptions.html", anchor="IndexError",
          title="Built-in Exceptions > IndexError", text="exception IndexError\n\nRaised when a sequence subscript is out of range."),
    Chunk(id="tutorial/datastructures.html#tuples-and-sequences", source="pydocs", page="tutorial/datastructures.html",
          anchor="tuples-and-sequences", title="Data Structures > Tuples and Sequences",
          text="Tuples are immutable, and usually contain a heterogeneous sequence of elements. Lists are mutable."),
]


# A test's tier follows from what it needs; `make test-fast` runs the tests that need none of
# these (markers in pyproject.toml). Folders and fixtures mark most tests here; a unit test that
# loads a packaged model itself carries its marker.
_NEEDS_BY_FOLDER = {"e2e": "browser", "integration": "model"}
_NEEDS_BY_FILE = {"test_vllm.py": "vllm", "test_crash.py": "server", "test_ui.py": "server"}
_NEEDS_BY_FIXTURE = {"real_settings": "model", "real_retriever": "model", "embedded_tutor": "model",
                     "browser": "browser"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.fspath))
        needs = {_NEEDS_BY_FOLDER.get(path.parent.name), _NEEDS_BY_FILE.get(path.name)}
        needs |= {_NEEDS_BY_FIXTURE.get(name) for name in getattr(item, "fixturenames", ())}
        for need in sorted(n for n in needs if n):
            item.add_marker(getattr(pytest.mark, need))


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No MOLLY_* variable from the developer's shell leaks into a test, and no test touches the
    developer's course database."""
    import os

    for key in list(os.environ):
        if key.startswith("MOLLY_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("MOLLY_COURSES_DB", str(tmp_path / "courses.sqlite"))


def free_port() -> int:
    """A loopback port nobody is listening on right now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


DOCS_SAMPLE = Path(__file__).resolve().parent / "fixtures" / "docs_sample"
"""Shipped docs chunks that tests read as they are (the itertools recipes, the seeded set's
passages), copied so a rebuilt corpus breaks one contract test (tests/test_shipped_corpus.py)
instead of every test that reads them."""


def docs_sample() -> dict[str, Chunk]:
    """The sample's chunks by id."""
    return {c.id: c for c in load_corpus(DOCS_SAMPLE)[0]}


def write_kb(kb_dir: Path, chunks: list[Chunk]) -> Path:
    kb_dir.mkdir(parents=True, exist_ok=True)
    (kb_dir / "chunks.jsonl").write_text("".join(json.dumps(c.model_dump()) + "\n" for c in chunks))
    return kb_dir


@pytest.fixture
def small_kb(tmp_path: Path) -> Path:
    return write_kb(tmp_path / "kb", SMALL_CORPUS)


@pytest.fixture
def hash_store(small_kb: Path) -> VectorStore:
    chunks, digest = load_corpus(small_kb)
    return VectorStore.build(chunks, digest, HashEmbedder(), small_kb / "index")


@pytest.fixture
def hash_retriever(hash_store: VectorStore) -> DenseRetriever:
    return DenseRetriever(hash_store, HashEmbedder(), top_k=3, score_floor=0.05, token_budget=600)


@pytest.fixture
def settings(small_kb: Path, tmp_path: Path) -> Settings:
    return Settings(kb_dir=small_kb, cache_dir=tmp_path / "cache", llm_backend="fake",
                    courses_db=tmp_path / "courses.sqlite")
