"""Split section text into chunk-sized pieces on paragraph boundaries, code fences kept whole
where they fit and balanced where they do not."""

from __future__ import annotations

import re
from collections.abc import Iterator

# Not measured; MiniLM reads at most 256 word pieces, so a long code chunk may be cut when embedded.
MAX_CHARS = 1200


def split_text(text: str, max_chars: int = MAX_CHARS) -> list[str]:
    """Split on blank lines into pieces of at most ``max_chars`` (hard-splitting a single
    over-long paragraph by lines, then by characters). Joining the pieces with blank lines
    gives back every non-blank paragraph in order."""
    pieces: list[str] = []
    current = ""
    for para in _paragraphs(text, max_chars):
        if current and len(current) + 2 + len(para) > max_chars:
            pieces.append(current)
            current = para
        else:
            current = f"{current}\n\n{para}" if current else para
    if current:
        pieces.append(current)
    return pieces


def _paragraphs(text: str, max_chars: int) -> Iterator[str]:
    for para in re.split(r"\n\s*\n", text):
        para = para.strip("\n")
        if not para.strip():
            continue
        while len(para) > max_chars:
            cut = para.rfind("\n", 0, max_chars)
            if cut <= 0:
                cut = para.rfind(" ", 0, max_chars)
            if cut <= 0:
                cut = max_chars
            yield para[:cut]
            para = para[cut:].lstrip("\n ")
        if para:
            yield para


def balance_fences(pieces: list[str]) -> list[str]:
    """Close a code fence a piece leaves open and reopen it at the start of the next piece, so
    every chunk renders (and reads) as complete Markdown."""
    out: list[str] = []
    carry = ""
    for piece in pieces:
        text = carry + piece
        fences = re.findall(r"^(```|~~~)(\S*)", text, flags=re.M)
        if len(fences) % 2:
            text += "\n" + fences[-1][0]
            carry = fences[-1][0] + fences[-1][1] + "\n"
        else:
            carry = ""
        out.append(text)
    return out
