"""Wire concrete parts together from ``Settings``: the only place (with cli/app) that knows them."""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.language_models import BaseChatModel

from molly.agent import Tutor
from molly.config import REPO_ROOT, Settings
from molly.courses.db import CourseDB
from molly.courses.ingest import Ingestor
from molly.guard.policy import RequestPolicy
from molly.ingest.sources import MB, Limits
from molly.instructors import InstructorDesk
from molly.llm import build_chat_model, build_intent_model, check_server
from molly.perceive.kinds import IntentClassifier
from molly.retrieval.embedder import Embedder, MiniLMEmbedder
from molly.retrieval.inventory import Inventory
from molly.retrieval.retriever import DenseRetriever
from molly.retrieval.store import VectorStore, load_aliases, open_store
from molly.sandbox import Sandbox
from molly.schemas import CourseProfile

Progress = Callable[[int, int], None]
SAMPLE_COURSE = REPO_ROOT / "knowledge_base" / "courses" / "intro-python"


def build_embedder(settings: Settings) -> Embedder:
    """The packaged MiniLM, or a sentence-transformers folder named in settings."""
    return MiniLMEmbedder(settings.embedder_path)


def build_store(settings: Settings, embedder: Embedder, progress: Progress | None = None,
                rebuild: bool = True) -> VectorStore:
    """The verified index over ``settings.kb_dir`` (rebuilt if stale, when allowed)."""
    return open_store(settings.kb_dir, settings.index_dir, embedder, rebuild=rebuild, progress=progress)


def build_course_db(settings: Settings, embedder: Embedder) -> CourseDB:
    """The course database; with ``sample_course`` on and no course yet, the sample course is
    loaded into it (a few seconds), so a fresh install has a course to try."""
    db = CourseDB(settings.courses_db, embedder)
    if settings.sample_course and not db.courses() and SAMPLE_COURSE.is_dir():
        load_sample_course(db, settings)
    return db


def build_ingestor(settings: Settings, db: CourseDB) -> Ingestor:
    """Ingestion with the limits from settings."""
    limits = Limits(max_file_bytes=int(settings.max_upload_mb * MB), max_zip_entries=settings.max_zip_entries,
                    max_unpacked_bytes=int(settings.max_unpacked_mb * MB), max_ratio=settings.max_zip_ratio)
    return Ingestor(db, limits, parse_memory_mb=settings.parse_memory_mb, parse_timeout_s=settings.parse_timeout_s)


def build_desk(settings: Settings, db: CourseDB) -> InstructorDesk:
    """The instructors' page actions over ``db``."""
    return InstructorDesk(settings, db, build_ingestor(settings, db))


def load_sample_course(db: CourseDB, settings: Settings, name: str = "intro-python") -> None:
    """Ingest ``knowledge_base/courses/intro-python`` (lessons for learners, the solution and
    rubric for instructors only) with its steering from ``course.json``."""
    import json

    steer = json.loads((SAMPLE_COURSE / "course.json").read_text(encoding="utf-8"))
    db.set_profile(CourseProfile(name=name, **steer))
    ingestor = build_ingestor(settings, db)
    ingestor.run(name, [SAMPLE_COURSE / "learner"], "learner")
    ingestor.run(name, [SAMPLE_COURSE / "instructor"], "instructor")


def build_retriever(settings: Settings, progress: Progress | None = None, with_courses: bool = True) -> DenseRetriever:
    """Embedder + docs store + course materials + the retrieval policy from settings."""
    embedder = build_embedder(settings)
    store = build_store(settings, embedder, progress)
    if isinstance(embedder, MiniLMEmbedder):
        embedder.warm_up()  # load now, not inside the first learner's turn
    courses = build_course_db(settings, embedder) if with_courses else None
    inv_path = settings.kb_dir / "objects.inv"
    inventory = Inventory.load(inv_path) if settings.traceback_lookup and inv_path.is_file() else None
    retriever = DenseRetriever(store, embedder, top_k=settings.top_k, candidate_k=settings.candidate_k,
                               score_floor=settings.score_floor, token_budget=settings.passage_token_budget,
                               max_passage_tokens=settings.passage_max_tokens,
                               per_page=settings.per_page, courses=courses, course_boost=settings.course_boost,
                               inventory=inventory, aliases=load_aliases(settings.kb_dir),
                               hybrid=settings.hybrid_retrieval)
    if settings.hybrid_retrieval:
        _ = store.lexical  # build the BM25 index now (~1 s), not inside the first learner's turn
    return retriever


def build_tutor(settings: Settings, llm: BaseChatModel | None = None, progress: Progress | None = None,
                retriever: DenseRetriever | None = None) -> Tutor:
    """A ready tutor; ``llm`` overrides the configured backend (tests pass fakes here), ``retriever``
    reuses one already built. A served backend is checked first, so a down server or a wrong
    model name fails here, clearly."""
    if llm is None:
        check_server(settings)
    retriever = retriever or build_retriever(settings, progress)
    sandbox = Sandbox(hide=(settings.cache_dir, settings.courses_db.parent)) if settings.run_code else None
    main = llm if llm is not None else build_chat_model(settings)
    courses = retriever.courses if isinstance(retriever.courses, CourseDB) else None
    # The classifiers need the real sentence embedder; a test's hash embedder gets the rules (and,
    # for the intent, the LLM) alone.
    policy = RequestPolicy(retriever.embedder if isinstance(retriever.embedder, MiniLMEmbedder) else None,
                           cache_dir=settings.cache_dir)
    kinds = (IntentClassifier(retriever.embedder, tuple(settings.intent_examples), settings.cache_dir)
             if isinstance(retriever.embedder, MiniLMEmbedder) and settings.intent_classifier else None)
    return Tutor(settings, main, retriever, retriever.embedder, courses, sandbox,
                 intent_llm=build_intent_model(settings, main) if llm is None else None, policy=policy, kinds=kinds)
