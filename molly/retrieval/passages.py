"""Passages for the prompt: ranked chunks numbered and cut to a token budget.

A docs entry is cut to its opening (where it gives its signature and definition), or to the part
that holds more of the question's words; the last passage may be cut to what room is left. Not
here: ranking (``retriever.py``).
"""

from __future__ import annotations

import re

from molly.schemas import Chunk, Passage
from molly.text import CHARS_PER_TOKEN, QUESTION_WORDS, STOPWORDS, estimate_tokens

DOCS = "pydocs"
PASSAGE_OVERHEAD = 8  # the <passage id="n"> tags and "[n]" around each passage


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
    shown: list[tuple[str, int]] = []
    left_out: list[tuple[str, int]] = []
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
