"""Evaluation datasets: one JSON object per line, validated into ``EvalItem``.

Format: ``id``, ``question``, optional ``reference_answer``, optional ``gold_urls`` (``page.html#anchor``
relative to the docs root), optional ``intent`` (an ``IntentKind``), optional ``exclude_sources``
(page-path prefixes left out of the index for that question, e.g. ``["faq/"]``). Not here: metrics.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from molly.errors import MollyError
from molly.schemas import IntentKind


class EvalItem(BaseModel):
    """One question of an evaluation set."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    question: str
    reference_answer: str | None = None
    gold_urls: list[str] = Field(default_factory=list)
    intent: IntentKind | None = None
    exclude_sources: list[str] = Field(default_factory=list)
    # Bug datasets (see ``bugs.py``): never given to the tutor unless the question itself holds them.
    code: str | None = None
    tests: list[str | dict[str, str]] = Field(default_factory=list)
    fix_code: str | None = None
    bug_lines: list[int] = Field(default_factory=list)
    problem: str | None = None
    split: str | None = None
    source: dict[str, str] | str | None = None  # where the item comes from (attribution)
    note: str | None = None  # the labeller's note on a hard case


def load_dataset(path: Path) -> tuple[list[EvalItem], str]:
    """The items of a JSONL dataset and the file's sha256; a bad line is an error naming it."""
    raw = path.read_bytes()
    items = []
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append(EvalItem.model_validate_json(line))
        except ValidationError as e:
            raise MollyError(f"Dataset {path.name} line {n} is not a valid item.", detail=str(e)[:500]) from e
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        raise MollyError(f"Dataset {path.name} repeats item ids.")
    return items, hashlib.sha256(raw).hexdigest()
