"""Post-hoc citation: attach ``[n]`` to prose sentences that name no source but clearly come from one.

Small models often answer correctly from the passages yet forget to cite. Each uncited sentence
is embedded and compared with the passages; if its best passage is similar enough, that
passage's number is appended. Else, if it names an API whose own docs entry is a passage (`int()`,
`ValueError`), the first such sentence cites that entry. Citations the model wrote are never
changed or removed here, and a sentence that matches no passage stays uncited (reflection then
judges it). Not here: judging whether a cited passage supports its sentence.
"""

from __future__ import annotations

import re

import numpy as np

from molly.document import INLINE_CODE, cited_refs, has_citation, python_blocks, segments
from molly.retrieval.embedder import Embedder
from molly.schemas import Passage

# Shorter sentences are lead-ins and asides; not measured.
MIN_WORDS = 5
_IDENTIFIER = re.compile(r"[A-Za-z_][\w.]*")
_CALLED = re.compile(r"([A-Za-z_][\w.]*)\(\)")


def api_name(passage: Passage) -> str | None:
    """The object a docs API entry documents (``int``, ``io.IOBase.readline``), or None for a
    section: an entry's anchor is its title's last part; a section's is a slug ("numbers")."""
    chunk = passage.chunk
    return chunk.anchor if chunk.anchor and chunk.anchor == chunk.title.split(" > ")[-1] else None


def named_apis(sentence: str) -> set[str]:
    """The names a sentence writes as code or as calls (`int()`, `str.split`, open())."""
    words = [w for span in INLINE_CODE.findall(sentence) for w in _IDENTIFIER.findall(span)]
    names = (w.rstrip(".") for w in [*words, *_CALLED.findall(sentence)])
    return {n for n in names if n}


MIN_SHARED_LINES = 2  # code lines an example must share with a passage to come from it


def _code_lines(code: str) -> set[str]:
    """An example's lines that say something (not blank, not only a comment), spaces ignored."""
    return {"".join(ln.split("#")[0].split()) for ln in code.splitlines()
            if len("".join(ln.split("#")[0].split())) >= 6}


def cite_examples(text: str, passages: list[Passage]) -> tuple[str, int]:
    """An example taken from a passage that the answer never cites gets a note citing it: the
    learner should know where it comes from (a real answer showed the course lesson's
    letter-counting loop and cited nothing)."""
    cited, added, out = set(cited_refs(text)), 0, []
    for is_sentence, piece in segments(text):
        out.append(piece)
        blocks = python_blocks(piece) if not is_sentence else []
        if not blocks:
            continue
        lines = _code_lines(blocks[0][1])
        source = next((p for p in passages if p.ref not in cited and len(lines & _code_lines(
            p.whole_text or p.chunk.text)) >= min(MIN_SHARED_LINES, len(lines)) > 0), None)
        if source is not None:
            out.append(f"\n\n*(This example comes from [{source.ref}].)*")
            cited.add(source.ref)
            added += 1
    return "".join(out), added


def attribute(text: str, passages: list[Passage], embedder: Embedder, threshold: float = 0.55) -> tuple[str, int]:
    """The text with citations added to uncited sentences and examples, and how many were added."""
    if not passages:
        return text, 0
    text, examples = cite_examples(text, passages)
    segs = segments(text)
    todo = [i for i, (is_s, piece) in enumerate(segs)
            if is_s and not has_citation(piece) and len(piece.split()) >= MIN_WORDS and not piece.rstrip().endswith(":")]
    if not todo:
        return text, examples
    vecs = embedder.embed([segs[i][1] for i in todo] + [p.chunk.embedding_text() for p in passages])
    sims = vecs[: len(todo)] @ vecs[len(todo):].T
    # An error answer names `ValueError` and `int()` without citing their pinned entries
    # (speed runs: the traceback answer cited nothing, though both entries were passages [1], [2]).
    # Whole names only: the learner's own `add` is not `operator.add`.
    entries = {name: p for p in passages if (name := api_name(p))}
    added = 0
    for row, i in enumerate(todo):
        best = int(np.argmax(sims[row]))
        piece = segs[i][1]
        if sims[row, best] >= threshold:
            refs = [passages[best].ref]
        elif not (refs := sorted(entries.pop(n).ref for n in named_apis(piece) if n in entries)):
            continue
        m = re.search(r"([.!?]?)(\s*)$", piece)
        end = m.start() if m else len(piece)
        segs[i] = (True, f"{piece[:end]} [{', '.join(map(str, refs))}]{piece[end:]}")
        added += 1
    return "".join(p for _, p in segs), added + examples
