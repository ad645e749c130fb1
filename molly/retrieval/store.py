"""A FAISS inner-product index persisted with a manifest, verified on every load.

Files in the index folder: ``index.faiss`` (``faiss.write_index``), ``ids.json`` (chunk ids in
vector order) and ``manifest.json`` (format version, embedder name and dimension, chunk count,
sha256 of the corpus, the index and the ids). A build writes to a temporary folder and renames
it into place, so a crash never leaves a half-written index. No pickle anywhere.
``faiss`` is imported here and nowhere else. Not here: chunking, embedding, ranking policy.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from molly.errors import KnowledgeBaseError
from molly.retrieval.embedder import Embedder
from molly.retrieval.lexical import LexicalIndex
from molly.schemas import Chunk

FORMAT_VERSION = 1
CORPUS_FILE = "chunks.jsonl"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def load_corpus(kb_dir: Path) -> tuple[list[Chunk], str]:
    """Read ``chunks.jsonl`` from ``kb_dir``; return the chunks and the file's sha256."""
    path = kb_dir / CORPUS_FILE
    if not path.is_file():
        raise KnowledgeBaseError("The knowledge base is missing.", detail=f"no {path}")
    try:
        raw = path.read_bytes()
        chunks = [Chunk.model_validate_json(line) for line in raw.splitlines() if line.strip()]
    except ValueError as e:
        raise KnowledgeBaseError("The knowledge base file is corrupt.", detail=f"{path}: {e}") from e
    return chunks, hashlib.sha256(raw).hexdigest()


def load_aliases(kb_dir: Path) -> dict[str, str]:
    """``anchors.json`` beside the corpus (an anchor inside a chunk -> that chunk's id; empty if absent)."""
    path = kb_dir / "anchors.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


class VectorStore:
    """Chunks plus their vectors; ``search`` returns ``(chunk, cosine)`` best first."""

    def __init__(self, index: Any, chunks: list[Chunk], manifest: dict[str, Any]) -> None:
        import faiss

        # One query against ~14k vectors takes ~1 ms on one thread; FAISS's OpenMP pool handing
        # work to a second core, right after torch used it, measured ~9 ms slower on 2 cores.
        faiss.omp_set_num_threads(1)
        self._index = index
        self.chunks = chunks
        self.manifest = manifest
        self._position = {c.id: i for i, c in enumerate(chunks)}

    def __len__(self) -> int:
        return len(self.chunks)

    def has(self, chunk_id: str) -> bool:
        """True if a chunk with this id is stored."""
        return chunk_id in self._position

    def get(self, chunk_id: str) -> Chunk:
        """The stored chunk with this id (KeyError if none)."""
        return self.chunks[self._position[chunk_id]]

    @cached_property
    def lexical(self) -> LexicalIndex:
        """A BM25 index over these chunks, built on first use (the store's chunks never change)."""
        return LexicalIndex(self.chunks)

    def search(self, vectors: np.ndarray, k: int) -> list[list[tuple[Chunk, float]]]:
        """Nearest chunks for each query vector (rows of ``vectors``)."""
        k = min(k, len(self.chunks))
        if k <= 0:
            return [[] for _ in range(len(vectors))]
        scores, ids = self._index.search(np.ascontiguousarray(vectors, dtype=np.float32), k)
        return [
            [(self.chunks[i], float(s)) for s, i in zip(row_s, row_i, strict=True) if i >= 0]
            for row_s, row_i in zip(scores, ids, strict=True)
        ]

    def similarity(self, vectors: np.ndarray, chunk_ids: list[str]) -> np.ndarray:
        """Cosine of each chunk (rows) with each query vector (columns)."""
        if not chunk_ids:
            return np.zeros((0, len(vectors)), dtype=np.float32)
        stored = self._index.reconstruct_batch(np.array([self._position[i] for i in chunk_ids], dtype=np.int64))
        return np.asarray(stored, dtype=np.float32) @ np.asarray(vectors, dtype=np.float32).T

    @classmethod
    def build(
        cls,
        chunks: list[Chunk],
        corpus_sha256: str,
        embedder: Embedder,
        index_dir: Path,
        progress: Callable[[int, int], None] | None = None,
    ) -> VectorStore:
        """Embed ``chunks`` and write the index atomically to ``index_dir``."""
        import faiss

        vectors = embedder.embed([c.embedding_text() for c in chunks], progress=progress)
        index = faiss.IndexFlatIP(embedder.dim)
        index.add(vectors)
        index_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".index-", dir=index_dir.parent))
        tmp.chmod(0o755)  # mkdtemp makes it private; the index is readable like the corpus beside it
        try:
            faiss.write_index(index, str(tmp / "index.faiss"))
            (tmp / "ids.json").write_text(json.dumps([c.id for c in chunks]), encoding="utf-8")
            manifest = {
                "format_version": FORMAT_VERSION,
                "embedder": embedder.name,
                "dim": embedder.dim,
                "count": len(chunks),
                "corpus_sha256": corpus_sha256,
                "index_sha256": _sha256(tmp / "index.faiss"),
                "ids_sha256": _sha256(tmp / "ids.json"),
            }
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
            old = index_dir.with_name(index_dir.name + ".old")
            if index_dir.exists():
                shutil.rmtree(old, ignore_errors=True)
                os.replace(index_dir, old)
            os.replace(tmp, index_dir)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return cls(index, chunks, manifest)

    @classmethod
    def load(cls, index_dir: Path, chunks: list[Chunk], corpus_sha256: str, embedder: Embedder) -> VectorStore:
        """Load and verify; raises ``KnowledgeBaseError`` on any mismatch or corruption."""
        import faiss

        def bad(why: str) -> KnowledgeBaseError:
            return KnowledgeBaseError("The search index is missing or does not match the knowledge base.",
                                      detail=f"{index_dir}: {why}; run `molly index build`")

        try:
            manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise bad(f"manifest unreadable ({e})") from e
        expected = {"format_version": FORMAT_VERSION, "embedder": embedder.name, "dim": embedder.dim,
                    "count": len(chunks), "corpus_sha256": corpus_sha256}
        for key, value in expected.items():
            if manifest.get(key) != value:
                raise bad(f"{key} is {manifest.get(key)!r}, expected {value!r}")
        for name, key in (("index.faiss", "index_sha256"), ("ids.json", "ids_sha256")):
            path = index_dir / name
            if not path.is_file() or _sha256(path) != manifest.get(key):
                raise bad(f"{name} is missing or fails its checksum")
        ids = json.loads((index_dir / "ids.json").read_text(encoding="utf-8"))
        if ids != [c.id for c in chunks]:
            raise bad("chunk ids differ from the corpus")
        index = faiss.read_index(str(index_dir / "index.faiss"))
        if index.ntotal != len(chunks) or index.d != embedder.dim:
            raise bad(f"index holds {index.ntotal}x{index.d}, expected {len(chunks)}x{embedder.dim}")
        return cls(index, chunks, manifest)


def open_store(kb_dir: Path, index_dir: Path, embedder: Embedder, *, rebuild: bool = True,
               progress: Callable[[int, int], None] | None = None) -> VectorStore:
    """Load the verified index for ``kb_dir``; if it is missing or stale, rebuild it (when
    ``rebuild``) or refuse. Never serves an index that does not match the corpus."""
    chunks, digest = load_corpus(kb_dir)
    try:
        return VectorStore.load(index_dir, chunks, digest, embedder)
    except KnowledgeBaseError:
        if not rebuild:
            raise
    return VectorStore.build(chunks, digest, embedder, index_dir, progress=progress)
