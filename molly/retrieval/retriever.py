"""Retrieval policy: several queries, dense (+ BM25) ranking, a score floor, a prompt-token budget.

Not here: how vectors are stored (``store.py``) or made (``embedder.py``).
"""

from __future__ import annotations

import math
import re
from typing import Protocol

import numpy as np

from molly.retrieval.embedder import Embedder
from molly.retrieval.inventory import Inventory
from molly.retrieval.lexical import KEYWORD_GAP, RRF_K, rrf
from molly.retrieval.store import VectorStore
from molly.schemas import Chunk, Passage
from molly.text import QUESTION_WORDS, STOPWORDS
from molly.tracebacks import read_traceback

DOCS = "pydocs"


class CourseViews(Protocol):
    """Where course material comes from: a store per course holding what learners may see."""

    def view(self, course: str, audience: str) -> VectorStore:
        """The course's store for ``audience`` ('learner' never holds instructor-only chunks)."""
        ...

MAX_PINNED = 2  # docs entries a traceback may pin: its exception and the first call that resolves
PASSAGE_OVERHEAD = 8  # the <passage id="n"> tags and "[n]" around each passage
CHARS_PER_TOKEN = 3.5  # Qwen's tokenizer on English docs text; code is a little denser


def estimate_tokens(text: str) -> int:
    """A cheap, slightly pessimistic token count for budgeting prompts."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


class Retriever(Protocol):
    """Finds the passages that ground an answer."""

    def retrieve(self, queries: list[str], exclude: tuple[str, ...] = (), course: str | None = None) -> list[Passage]:
        """Passages for the queries (the first is the main one), best first, numbered from 1,
        from the Python docs plus ``course``'s learner material; pages whose path starts with a
        prefix in ``exclude`` are never returned."""
        ...


class DenseRetriever:
    """Several queries scored together, a floor, a cap per page, then a token budget.

    Each candidate (from any query's nearest neighbours) is scored by its weighted mean cosine
    over all the queries, the first (the learner's own question) counting double: a passage
    must fit the question and the perceived knowledge points, not just one narrow facet.
    At most ``per_page`` passages come from one page, so one API page cannot crowd out the rest.

    With ``hybrid``, each store's BM25 ranking for the queries (``lexical.py``) adds its top
    chunks to the pool and the order becomes the reciprocal rank fusion of the dense ranking and
    the keyword ranking; every passage still has to clear the cosine floor, and a keyword-only hit
    must also come within ``keyword_gap`` of the best dense hit's cosine.

    When the question carries a traceback or an exception line and an ``inventory`` is given,
    the docs entries it names (the exception, then the functions called on the failing line) are
    pinned first, at most ``MAX_PINNED``, before the dense results (``inventory.py``).

    With a ``course``, the course's learner store is searched beside the docs and its passages
    get ``course_boost`` added (the instructor's own words fit the class better than the
    reference manual). Isolation is enforced here, twice: only the learner view of that one
    course is searched, and any chunk from another source or marked instructor-only is dropped.
    """

    def __init__(self, store: VectorStore, embedder: Embedder, *, top_k: int = 4, candidate_k: int = 12,
                 score_floor: float = 0.3, token_budget: int = 600, max_passage_tokens: int | None = None,
                 per_page: int = 2,
                 courses: CourseViews | None = None, course_boost: float = 0.05,
                 inventory: Inventory | None = None, aliases: dict[str, str] | None = None,
                 hybrid: bool = False, keyword_depth: int = 10, keyword_weight: float = 0.5,
                 rrf_k: int = RRF_K, keyword_gap: float = KEYWORD_GAP) -> None:
        if top_k <= 0:
            raise ValueError(f"top_k must be > 0, got {top_k}")
        self.store, self.embedder, self.courses = store, embedder, courses
        self.top_k, self.candidate_k = top_k, max(candidate_k, top_k)
        self.score_floor, self.token_budget, self.per_page = score_floor, token_budget, per_page
        self.max_passage_tokens = max_passage_tokens
        self.course_boost = course_boost
        self.inventory, self.aliases = inventory, aliases or {}
        self.hybrid, self.keyword_depth, self.keyword_weight, self.rrf_k = hybrid, keyword_depth, keyword_weight, rrf_k
        self.keyword_gap = keyword_gap

    def search(self, queries: list[str], exclude: tuple[str, ...] = (), pool: int = 0,
               course: str | None = None) -> list[tuple[Chunk, float]]:
        """Candidates above the floor with their combined cosine, best first (no page cap).
        ``pool`` widens the nearest-neighbour pool per query (default ``candidate_k``)."""
        queries = list(dict.fromkeys(q.strip() for q in queries if q and q.strip()))
        if not queries:
            return []
        vectors = self.embedder.embed(queries)
        # Over-fetch when excluding, so the excluded pages do not eat the candidate pool.
        k = max(pool, self.candidate_k) * (3 if exclude else 1)
        stores = [(self.store, 0.0)]
        if course is not None:
            if self.courses is None:
                raise ValueError("this retriever has no course materials")
            stores.append((self.courses.view(course, "learner"), self.course_boost))
        weights = np.array([2.0] + [1.0] * (len(queries) - 1), dtype=np.float32)
        scored: list[tuple[Chunk, float]] = []
        keyword_rankings: list[list[str]] = []
        for store, boost in stores:
            def keep(c: Chunk) -> bool:
                return not c.page.startswith(exclude) and _allowed(c, course)

            candidates = {c.id: c for hits in store.search(vectors, k) for c, _ in hits if keep(c)}
            dense_ids = set(candidates)
            if self.hybrid:
                # Keyword hits join the pool with their own cosine, so the floor judges them too.
                keyword = store.lexical.top(" ".join(queries), self.keyword_depth, keep)
                keyword_rankings.append([c.id for c in keyword])
                candidates.update((c.id, c) for c in keyword)
            ids = list(candidates)
            scores = store.similarity(vectors, ids) @ weights / weights.sum() + boost
            pairs = list(zip(ids, scores.tolist(), strict=True))
            best = max((s for i, s in pairs if i in dense_ids), default=None)
            if best is not None:
                pairs = [(i, s) for i, s in pairs if i in dense_ids or s >= best - self.keyword_gap]
            scored += [(candidates[i], s) for i, s in pairs]
        scored.sort(key=lambda x: (-x[1], x[0].id))
        scored = [(c, s) for c, s in scored if s >= self.score_floor]
        if self.hybrid:
            fused = rrf([[c.id for c, _ in scored], *keyword_rankings],
                        [1.0] + [self.keyword_weight] * len(keyword_rankings), self.rrf_k)
            scored.sort(key=lambda x: (-fused[x[0].id], x[0].id))
        pinned = self.pinned(queries, exclude)
        if pinned:
            sims = self.store.similarity(vectors, pinned) @ weights / weights.sum()
            return [(self.store.get(i), float(s)) for i, s in zip(pinned, sims.tolist(), strict=True)] + [
                (c, s) for c, s in scored if c.id not in pinned]
        return scored

    def pinned(self, queries: list[str], exclude: tuple[str, ...] = ()) -> list[str]:
        """Ids of the docs chunks named by the first traceback among ``queries`` (see ``inventory.py``)."""
        if self.inventory is None:
            return []
        facts = next((f for f in map(read_traceback, queries) if f is not None), None)
        if facts is None:
            return []
        ids = []
        for url in self.inventory.anchors(facts):  # type: ignore[union-attr]
            chunk_id = url if self.store.has(url) else self.aliases.get(url)
            if chunk_id and self.store.has(chunk_id) and not chunk_id.startswith(exclude) and chunk_id not in ids:
                ids.append(chunk_id)
        return ids[:MAX_PINNED]

    def rank(self, queries: list[str], k: int, exclude: tuple[str, ...] = (),
             course: str | None = None) -> list[tuple[Chunk, float]]:
        """The top ``k`` after the floor and the per-page cap: the ranking ``retrieve`` draws from
        (evaluation scores hit@k and MRR on it)."""
        chosen: list[tuple[Chunk, float]] = []
        per_page: dict[tuple[str, str], int] = {}
        for chunk, score in self.search(queries, exclude, pool=3 * k, course=course):
            page = (chunk.source, chunk.page)
            if per_page.get(page, 0) < self.per_page:
                per_page[page] = per_page.get(page, 0) + 1
                chosen.append((chunk, score))
            if len(chosen) == k:
                break
        return chosen

    def retrieve(self, queries: list[str], exclude: tuple[str, ...] = (), course: str | None = None) -> list[Passage]:
        return fit_budget(self.rank(queries, self.top_k, exclude, course), self.token_budget,
                          max_passage_tokens=self.max_passage_tokens, focus=" ".join(queries))


def _allowed(chunk: Chunk, course: str | None) -> bool:
    """What a learner may be shown: the docs, and learner material of their own course."""
    return chunk.visibility == "learner" and chunk.source in (DOCS, course)


def fit_budget(ranked: list[tuple[Chunk, float]], budget: int, min_tail_tokens: int = 60,
               max_passage_tokens: int | None = None, focus: str = "") -> list[Passage]:
    """Number the passages in rank order until ``budget`` tokens are spent; the last one may be
    cut at a paragraph (or line) boundary if at least ``min_tail_tokens`` of room remain.

    ``max_passage_tokens`` first cuts each docs passage to its opening (where an entry gives its
    signature and definition), so more distinct passages share the budget: on the dev sets'
    194 questions with gold pages, 350 tokens cut at 110 put a gold page before the model more
    often (0.526) than 600 uncut tokens (0.495), and the model reads ~220 tokens (~4 s) less.
    A cut docs passage may show, instead of its opening alone, the part that holds more of the
    words of ``focus`` (the queries; see ``_focused``)."""
    passages: list[Passage] = []
    left = budget
    for chunk, score in ranked:
        whole = chunk.text
        if max_passage_tokens is not None and chunk.source == DOCS:
            # Only docs entries open with their point; a lesson's example often follows its lead-in.
            chunk = _cut(chunk, max_passage_tokens, focus) or chunk
        cost = passage_cost(chunk)
        if cost > left:
            if left < min_tail_tokens:
                break
            cut = _cut(chunk, left)
            if cut is None:
                break
            chunk, cost = cut, left
        passages.append(Passage(ref=len(passages) + 1, chunk=chunk, score=score,
                                whole_text=whole if chunk.text != whole else ""))
        left -= cost
        if left < min_tail_tokens:
            break
    return passages


def passage_cost(chunk: Chunk) -> int:
    """Estimated prompt tokens of one passage as ``prompting.format_passages`` writes it."""
    return estimate_tokens(chunk.label) + estimate_tokens(chunk.text) + PASSAGE_OVERHEAD


def _cut(chunk: Chunk, tokens: int, focus: str = "") -> Chunk | None:
    """``chunk`` with its text cut at a boundary to fit ``tokens`` in all; None if no text fits."""
    max_chars = int((tokens - estimate_tokens(chunk.label) - PASSAGE_OVERHEAD) * CHARS_PER_TOKEN)
    text = _focused(chunk.text, max_chars, focus) or _truncate(chunk.text, max_chars)
    if not text:
        return None
    return chunk if text == chunk.text else chunk.model_copy(update={"text": text})


def _focused(text: str, max_chars: int, focus: str) -> str | None:
    """``text`` cut to ``max_chars`` around what the question (``focus``) asks, or None to cut
    at its opening as usual. Two cases, both judged by how many of the question's words
    (``_stems``) a sentence or block holds:

    * A passage opening with a code block whose lead-in is in the previous chunk starts after it,
      when prose follows (a run of recipes stays whole) and the question's words occur at least as
      often, block by block, in what the cut then shows: "read a file line by line" got the
      tutorial's `f.readline()` outputs and a cut just before "for line in f:".
    * Else a sentence the opening cut leaves out that holds more of the question's words (at least
      two) than any sentence or example the cut keeps is shown after a shorter opening, with the
      code block it introduces: "check if a key exists in a dictionary" got the tutorial's opening
      on storing and deleting keys, cut before "To check whether a single key is in the
      dictionary, use the in keyword."
    """
    if not focus or len(text) <= max_chars:
        return None
    blocks, wanted = _blocks(text), _stems(focus)
    opening = _truncate(text, max_chars)
    if len(blocks) > 1 and blocks[0].startswith("```") and not blocks[1].startswith("```"):
        after = _truncate("\n\n".join(blocks[1:]), max_chars - len(SKIPPED))
        if _matches(after, blocks[1:], wanted) >= _matches(opening, blocks, wanted):
            return SKIPPED + after
    shown, left_out = [], []
    for i, block in enumerate(blocks):
        if block.startswith("```"):
            if block in opening:  # an example the opening shows may already answer
                shown.append((block, i))
        else:
            for sentence in _SENTENCE_END.split(block):
                # _truncate cuts before a sentence's last stop, so a kept sentence lacks it
                (shown if sentence.rstrip(".!?:") in opening else left_out).append((sentence, i))
    best = max((len(_stems(s) & wanted) for s, _ in shown), default=0)
    key = next(((s, i) for s, i in left_out if len(_stems(s) & wanted) > max(best, 1)), None)
    if key is None:
        return None
    sentence, i = key
    if sentence.endswith(":") and i + 1 < len(blocks) and blocks[i + 1].startswith("```"):
        sentence = f"{sentence}\n\n{blocks[i + 1]}"
    excerpt = _truncate(sentence, max_chars - 2 * len(SKIPPED))
    head = _opening_sentences(text, max_chars - len(excerpt) - 2 * len(SKIPPED))
    tail = "" if text.rstrip().endswith(excerpt) else " …"
    return f"{head} …\n\n{excerpt}{tail}" if head else f"{SKIPPED}{excerpt}{tail}"


def _opening_sentences(text: str, max_chars: int) -> str:
    """The whole sentences that open ``text`` within ``max_chars`` (not ending inside a code block);
    "" if they fill less than a quarter of it (too little to set the scene) or ``text`` opens with code."""
    if text.startswith("```"):
        return ""
    ends = [m.end() for m in _SENTENCE_STOP.finditer(text, 0, max(max_chars, 0))
            if text.count("\n```", 0, m.end()) % 2 == 0]
    return text[:ends[-1]].rstrip() if ends and ends[-1] >= max_chars // 4 else ""


SKIPPED = "…\n\n"
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=[A-Z`'\"])")
_SENTENCE_STOP = re.compile(r"(?<=[a-z0-9)\]\"'’])[.!?](?=\s)")  # not after a capital: "A." is a label
_STOP = STOPWORDS | QUESTION_WORDS


def _stems(text: str) -> set[str]:
    """Content words of ``text``, lower-cased, with an -s, -ing or -ed ending dropped ("lines" = "line")."""
    words = {w for w in re.findall(r"[a-z][a-z0-9]*", text.lower()) if w not in _STOP and len(w) > 1}
    return {re.sub(r"(?<=\w{3})(?<!s)(s|ing|ed)$", "", w) for w in words}


def _blocks(text: str) -> list[str]:
    """``text``'s paragraphs and code blocks (a blank line inside a code block does not split it)."""
    blocks, lines, fenced = [], [], False
    for line in text.split("\n"):
        fenced ^= line.startswith("```")
        if line.strip() or fenced:
            lines.append(line)
        elif lines:
            blocks.append("\n".join(lines))
            lines = []
    return [*blocks, "\n".join(lines)] if lines else blocks


def _matches(shown: str, blocks: list[str], wanted: set[str]) -> int:
    """Question words found, block by block, in the whole blocks that ``shown`` (their cut) keeps."""
    total, used = 0, 0
    for block in blocks:
        used += len(block) + 2
        if used > len(shown) + 2:
            break
        total += len(_stems(block) & wanted)
    return total


def _truncate(text: str, max_chars: int) -> str:
    """The opening of ``text`` within ``max_chars``, cut at a paragraph, line or sentence end. A code
    block the cut falls inside is closed (or left out if none of its lines fit): 112 of 1,931 dev
    passages were cut inside one, so the rest of the prompt read as code."""
    if max_chars <= 0:
        return ""
    if len(text) <= max_chars:
        return text
    limit = max_chars - len("\n```")
    for sep in ("\n\n", "\n", ". "):
        cut = text.rfind(sep, 0, limit)
        if cut > max_chars // 3:
            return _close_fence(text[:cut].rstrip(), " …" if sep != "\n\n" else "\n\n…")
    return _close_fence(text[:limit].rstrip(), " …")


def _close_fence(piece: str, ellipsis: str) -> str:
    """``piece`` plus ``ellipsis``, closing a code block it leaves open. Fences are counted at line
    starts, as ``chunking.balance_fences`` counts them: a ``` written inside a line opens nothing."""
    fences = [m.start() for m in re.finditer(r"^```", piece, flags=re.M)]
    if len(fences) % 2 == 0:
        return piece + ellipsis
    opener = fences[-1]
    if "\n" not in piece[opener:]:  # only the fence line fits
        before = piece[:opener].rstrip()
        return f"{before}\n\n…" if before else ""
    return f"{piece}\n```\n\n…"
