"""S3: learners only ever get the Python docs and their own course's learner material.

Two courses, each with learner lessons and instructor-only solutions and rubrics whose words
the queries deliberately use. Enforced in the retriever (a learner view holds no instructor
chunk; a second filter drops anything from another source), so no prompt is involved.
"""

from __future__ import annotations

import random
from pathlib import Path

from molly.courses.db import CourseDB
from molly.courses.ingest import Ingestor
from molly.retrieval.embedder import HashEmbedder
from molly.retrieval.retriever import DenseRetriever
from molly.retrieval.store import VectorStore
from molly.schemas import Chunk

TOPICS = ["loops", "lists", "dictionaries", "functions", "strings", "recursion", "files", "classes", "sorting", "sets"]


def _course(root: Path, course: str) -> tuple[Path, Path]:
    learner, instructor = root / course / "learner", root / course / "instructor"
    learner.mkdir(parents=True)
    instructor.mkdir(parents=True)
    for i, topic in enumerate(TOPICS):
        (learner / f"{i:02d}-{topic}.md").write_text(
            f"# {course} lesson on {topic}\n\nIn {course} we study {topic} with examples.\n\n"
            f"## Practice\n\nExercise {i}: write code about {topic} and test it.\n", encoding="utf-8")
        (instructor / f"solution-{topic}.py").write_text(
            f'"""{course} SOLUTION for exercise {i} about {topic}: answer key."""\n\n'
            f"def solution_{i}():\n    return 'secret answer key for {topic} in {course}'\n", encoding="utf-8")
        (instructor / f"rubric-{topic}.md").write_text(
            f"# {course} rubric {topic}\n\nMarks for {topic}: answer key, solution, grading notes.\n", encoding="utf-8")
    return learner, instructor


def test_five_hundred_learner_queries_never_see_another_course_or_instructor_material(
        tmp_path: Path, hash_store: VectorStore) -> None:
    embedder = HashEmbedder()
    db = CourseDB(tmp_path / "courses.sqlite", embedder)
    for course in ("cs101", "cs102"):
        learner, instructor = _course(tmp_path / "materials", course)
        Ingestor(db).run(course, [learner], "learner")
        Ingestor(db).run(course, [instructor], "instructor")
    assert len(db.view("cs101", "instructor")) > len(db.view("cs101", "learner")) > 0
    retriever = DenseRetriever(hash_store, embedder, top_k=6, candidate_k=30, score_floor=-1.0, courses=db)
    rng = random.Random(7)
    words = ["solution", "answer key", "rubric", "grading", "secret", "marks", "exercise", "lesson", "cs101", "cs102",
             "def", "return", "practice", "test"] + TOPICS
    queries = [" ".join(rng.sample(words, rng.randint(1, 4))) for _ in range(520)]
    forbidden, course_hits, total = [], 0, 0
    for n, query in enumerate(queries):
        course = ("cs101", "cs102")[n % 2]
        for chunk, _ in retriever.rank([query], 10, course=course):
            total += 1
            if chunk.source != "pydocs":
                course_hits += 1
            if chunk.source not in ("pydocs", course) or chunk.visibility != "learner" or "instructor/" in chunk.page:
                forbidden.append((query, course, chunk.id))
    assert len(queries) >= 500 and forbidden == []
    assert course_hits > total // 2  # the course material really was searched (the test can fail)


def test_the_retriever_drops_forbidden_chunks_even_from_a_bad_view(hash_store: VectorStore) -> None:
    """Second guard: if a view ever held another course's or instructor-only chunks, they are dropped."""
    import faiss

    embedder = HashEmbedder()
    leaked = [Chunk(id="x:1", source="cs102", page="l.md", title="other course", text="loops in cs102"),
              Chunk(id="x:2", source="cs101", page="s.py", title="solution", text="loops solution",
                    visibility="instructor"),
              Chunk(id="x:3", source="cs101", page="ok.md", title="lesson", text="loops lesson")]
    index = faiss.IndexFlatIP(embedder.dim)
    index.add(embedder.embed([c.embedding_text() for c in leaked]))
    bad_view = VectorStore(index, leaked, {})

    class BadViews:
        def view(self, course: str, audience: str) -> VectorStore:
            return bad_view

    retriever = DenseRetriever(hash_store, embedder, top_k=10, score_floor=-1.0, courses=BadViews())
    ids = [c.id for c, _ in retriever.rank(["loops"], 10, course="cs101")]
    assert "x:3" in ids and "x:1" not in ids and "x:2" not in ids
