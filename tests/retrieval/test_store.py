"""The FAISS store: round trip, and every kind of corruption detected on load (R2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from molly.errors import KnowledgeBaseError
from molly.retrieval.embedder import HashEmbedder
from molly.retrieval.store import VectorStore, load_corpus, open_store
from tests.conftest import SMALL_CORPUS, write_kb


def test_round_trip_finds_the_same_chunks(small_kb: Path, hash_store: VectorStore) -> None:
    chunks, digest = load_corpus(small_kb)
    loaded = VectorStore.load(small_kb / "index", chunks, digest, HashEmbedder())
    q = HashEmbedder().embed(["IndexError sequence subscript out of range"])
    assert [c.id for c, _ in loaded.search(q, 2)[0]] == [c.id for c, _ in hash_store.search(q, 2)[0]]
    assert loaded.search(q, 1)[0][0][0].id == "library/exceptions.html#IndexError"
    assert not any((small_kb).glob(".index-*"))  # no temp folder left behind


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["flip_index", "truncate_index", "no_manifest", "no_ids", "bad_manifest_json", "ids_edit"])
def test_corruption_is_detected(small_kb: Path, hash_store: VectorStore, damage: str) -> None:
    index = small_kb / "index"
    if damage == "flip_index":
        _flip(index / "index.faiss")
    elif damage == "truncate_index":
        (index / "index.faiss").write_bytes((index / "index.faiss").read_bytes()[:100])
    elif damage == "no_manifest":
        (index / "manifest.json").unlink()
    elif damage == "no_ids":
        (index / "ids.json").unlink()
    elif damage == "bad_manifest_json":
        (index / "manifest.json").write_text("{not json")
    else:
        ids = json.loads((index / "ids.json").read_text())
        (index / "ids.json").write_text(json.dumps(list(reversed(ids))))
    chunks, digest = load_corpus(small_kb)
    with pytest.raises(KnowledgeBaseError) as err:
        VectorStore.load(index, chunks, digest, HashEmbedder())
    assert "molly index build" in str(err.value)


def test_embedder_or_corpus_change_is_a_mismatch(small_kb: Path, hash_store: VectorStore) -> None:
    chunks, digest = load_corpus(small_kb)
    with pytest.raises(KnowledgeBaseError, match="embedder"):
        VectorStore.load(small_kb / "index", chunks, digest, HashEmbedder(dim=32))
    write_kb(small_kb, SMALL_CORPUS[:3])
    chunks, digest = load_corpus(small_kb)
    with pytest.raises(KnowledgeBaseError):
        VectorStore.load(small_kb / "index", chunks, digest, HashEmbedder())


def test_open_store_rebuilds_a_bad_index_or_refuses(small_kb: Path, hash_store: VectorStore) -> None:
    _flip(small_kb / "index" / "index.faiss")
    with pytest.raises(KnowledgeBaseError):
        open_store(small_kb, small_kb / "index", HashEmbedder(), rebuild=False)
    store = open_store(small_kb, small_kb / "index", HashEmbedder(), rebuild=True)
    assert len(store) == len(SMALL_CORPUS)
    chunks, digest = load_corpus(small_kb)
    VectorStore.load(small_kb / "index", chunks, digest, HashEmbedder())  # now valid again


def test_corrupt_or_missing_corpus_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="missing"):
        load_corpus(tmp_path)
    (tmp_path / "chunks.jsonl").write_bytes(b"\x00\xff garbage\n")
    with pytest.raises(KnowledgeBaseError, match="corrupt"):
        load_corpus(tmp_path)
