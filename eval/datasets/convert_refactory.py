"""Convert the shared Refactory set into ``eval/datasets/refactory_dev.jsonl`` (a bug dataset for
``molly eval`` and ``eval/benchmarks/repair_search.py``).

Source: 150 real wrong student programs from the Refactory program-repair dataset (Hu et al.,
"Re-factoring based Program Repair applied to Programming Assignments", ASE 2019; repository
githubhuyang/refactory, data.zip; LGPL-3.0), as prepared in ``../shared/data/refactory/``.
Kept per item: ``question`` (what the learner types), ``code``, ``tests`` (the assignment's
input/expected-output pairs; never shown to the tutor), ``fix_code`` (the Refactory tool's
machine repair, which passes the tests), ``bug_lines`` (1-based lines of ``code`` whose text,
spaces ignored, is not in ``fix_code``), ``problem``, ``source`` (attribution) and ``split``:
``heldout`` for a third of the items (by a hash of the id, fixed before any tuning), else ``tune``.
The reference solutions are not copied.

Usage: ``python eval/datasets/convert_refactory.py ../shared/data``
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "refactory_dev.jsonl"


def split_of(item_id: str) -> str:
    return "heldout" if int(hashlib.sha256(item_id.encode()).hexdigest(), 16) % 3 == 0 else "tune"


def bug_lines(code: str, fix: str) -> list[int]:
    fixed = {"".join(line.split()) for line in fix.splitlines()}
    return [n for n, line in enumerate(code.splitlines(), 1)
            if line.strip() and not line.strip().startswith("#") and "".join(line.split()) not in fixed]


def main(shared: Path) -> None:
    rows = [json.loads(line) for line in (shared / "refactory" / "refactory_dev.jsonl").read_text().splitlines()]
    out = [{"id": r["id"], "question": r["question"], "code": r["code"], "tests": r["tests"], "fix_code": r["fix"],
            "bug_lines": bug_lines(r["code"], r["fix"]), "problem": r["problem"], "source": r["source"],
            "split": split_of(r["id"])} for r in rows]
    OUT.write_text("".join(json.dumps(o) + "\n" for o in out))
    print(f"{len(out)} items, {sum(o['split'] == 'heldout' for o in out)} held out -> {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
