"""Append-only JSONL of finished rows, so that an interrupted long run resumes where it stopped.

Used by ``molly eval`` (``runner.py``) and the benchmarks that take an hour on a laptop CPU.
Each row is written and flushed as soon as it is finished; a line cut short by a kill is skipped
on reading, so that item simply runs again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

Row = dict[str, Any]


class RowLog:
    """Finished rows keyed by ``key(row)`` (``done``), and ``add`` to append one more."""

    def __init__(self, path: Path, key: Callable[[Row], Hashable]) -> None:
        self.path, self.key = path, key
        self.done: dict[Hashable, Row] = {}
        self._sink: IO[str] | None = None
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    row = json.loads(line)
                except ValueError:
                    continue  # cut short by an interrupt: that item runs again
                self.done[key(row)] = row

    def __enter__(self) -> RowLog:
        cut = self.path.exists() and not self.path.read_bytes().endswith(b"\n") and self.path.stat().st_size > 0
        self._sink = self.path.open("a", encoding="utf-8")
        if cut:  # end the half-written line, so the next row is not glued onto it
            self._sink.write("\n")
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self._sink is not None:
            self._sink.close()
            self._sink = None

    def add(self, row: Row) -> None:
        """Append ``row`` (flushed at once) and count it as done."""
        if self._sink is None:
            raise RuntimeError("RowLog.add outside its `with` block")
        self._sink.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._sink.flush()
        self.done[self.key(row)] = row


__all__ = ["Row", "RowLog"]
