"""Wire concrete parts together from ``Settings``: the only place (with cli/app) that knows them."""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.language_models import BaseChatModel

from molly.agent import Tutor
from molly.config import Settings
from molly.llm import build_chat_model
from molly.retrieval.embedder import Embedder, MiniLMEmbedder
from molly.retrieval.retriever import DenseRetriever
from molly.retrieval.store import VectorStore, open_store

Progress = Callable[[int, int], None]


def build_embedder(settings: Settings) -> Embedder:
    """The packaged MiniLM, or a sentence-transformers folder named in settings."""
    return MiniLMEmbedder(settings.embedder_path)


def build_store(settings: Settings, embedder: Embedder, progress: Progress | None = None,
                rebuild: bool = True) -> VectorStore:
    """The verified index over ``settings.kb_dir`` (rebuilt if stale, when allowed)."""
    return open_store(settings.kb_dir, settings.index_dir, embedder, rebuild=rebuild, progress=progress)


def build_retriever(settings: Settings, progress: Progress | None = None) -> DenseRetriever:
    """Embedder + store + the retrieval policy from settings."""
    embedder = build_embedder(settings)
    store = build_store(settings, embedder, progress)
    if isinstance(embedder, MiniLMEmbedder):
        embedder.warm_up()  # load now, not inside the first learner's turn
    return DenseRetriever(store, embedder, top_k=settings.top_k, candidate_k=settings.candidate_k,
                          score_floor=settings.score_floor, token_budget=settings.passage_token_budget,
                          per_page=settings.per_page)


def build_tutor(settings: Settings, llm: BaseChatModel | None = None, progress: Progress | None = None) -> Tutor:
    """A ready tutor; ``llm`` overrides the configured backend (tests pass fakes here)."""
    retriever = build_retriever(settings, progress)
    return Tutor(settings, llm if llm is not None else build_chat_model(settings), retriever, retriever.embedder)
