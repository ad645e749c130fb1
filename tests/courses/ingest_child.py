"""Child process for the crash test: ingest a folder, printing each file as it starts.

Usage: ``python -m tests.courses.ingest_child DB FOLDER`` (hash embedder, small batches, so
there are many commits to land a kill between).
"""

from __future__ import annotations

import sys
from pathlib import Path

from molly.courses.db import CourseDB
from molly.courses.ingest import Ingestor
from molly.retrieval.embedder import HashEmbedder


def main() -> None:
    db = CourseDB(Path(sys.argv[1]), HashEmbedder())

    def progress(done: int, total: int, name: str) -> None:
        print(done, flush=True)

    Ingestor(db, batch_chunks=6).run("crash", [Path(sys.argv[2])], progress=progress)
    print("finished", flush=True)


if __name__ == "__main__":
    main()
