"""Benchmark (not a test): traceback-aware retrieval against dense retrieval alone.

Twenty classic learner bugs are run for real in the sandbox; each real traceback, pasted the way a
learner would ("I get this error:" + traceback), is the question. Its gold is hand-labelled for this
project: the docs entry that explains the fix (the function or method misused, not only the
exception). Prints hit@4 of the retrieved passages for gold and for the exception's own entry, with
and without the object inventory, and writes JSON.

Usage: ``python eval/benchmarks/traceback_retrieval.py [--out FILE]``
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from molly.config import Settings
from molly.factory import build_retriever
from molly.perceive.tracebacks import read_traceback
from molly.sandbox import Sandbox

REPO = Path(__file__).resolve().parents[2]
# (bug, the docs entry that explains the fix) — labelled for this benchmark.
BUGS = [
    ("age = input_age = '12'\nprint(age + 1)", "library/functions.html#func-str"),
    ("n = int('3.5')", "library/functions.html#int"),
    ("x = float('one')", "library/functions.html#float"),
    ("nums = [1, 2, 3]\nnums.append(4, 5)", "library/stdtypes.html#mutable-sequence-types"),
    ("words = 'a b c'.split()\nprint(words[3])", "library/exceptions.html#IndexError"),
    ("ages = {'ana': 3}\nprint(ages['bob'])", "library/stdtypes.html#dict.get"),
    ("s = 'hello'\ns[0] = 'H'", "library/stdtypes.html#str.replace"),
    ("t = (1, 2)\nt.append(3)", "library/stdtypes.html#tuple"),
    ("print(len(5))", "library/functions.html#len"),
    ("import math\nprint(math.sqrt(-1))", "library/math.html#math.sqrt"),
    ("print(round('2.5'))", "library/functions.html#round"),
    ("items = [3, 'a', 1]\nitems.sort()", "library/stdtypes.html#list.sort"),
    ("print(sum(['1', '2']))", "library/functions.html#sum"),
    ("print(max([]))", "library/functions.html#max"),
    ("d = {'a': 1}\nfor k in d:\n    d['b'] = 2", "library/stdtypes.html#dict.keys"),
    ("print(open('missing.txt').read())", "library/functions.html#open"),
    ("print(','.join([1, 2, 3]))", "library/stdtypes.html#str.join"),
    ("x = [1, 2, 3]\nprint(x.index(7))", "library/stdtypes.html#common-sequence-operations"),
    ("s = {1, 2}\nprint(s[0])", "library/stdtypes.html#set"),
    ("print(chr('a'))", "library/functions.html#chr"),
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "eval/benchmarks/results/traceback_retrieval.json")
    args = ap.parse_args()
    settings = Settings(sample_course=False)
    retriever = build_retriever(settings, with_courses=False)
    inventory, sandbox = retriever.inventory, Sandbox()
    rows = []
    for code, gold in BUGS:
        run = sandbox.run(code)
        tb = run.stderr.strip()
        facts = read_traceback(tb)
        assert facts is not None, f"no traceback from {code!r}: {run}"
        question = f"I get this error, why?\n\n```python\n{code}\n```\n\n{tb}"
        row = {"code": code, "gold": gold, "exception": facts.exception}
        for name, inv in (("dense", None), ("traceback_aware", inventory)):
            retriever.inventory = inv
            ids = [p.chunk.id.split("~")[0] for p in retriever.retrieve([question])]
            row[name] = {"passages": ids, "gold_hit": gold in ids,
                         "exception_hit": f"library/exceptions.html#{facts.exception.rsplit('.', 1)[-1]}" in ids}
        rows.append(row)
    summary = {name: {"gold_hit@4": sum(r[name]["gold_hit"] for r in rows) / len(rows),
                      "exception_hit@4": sum(r[name]["exception_hit"] for r in rows) / len(rows)}
               for name in ("dense", "traceback_aware")}
    out = {"bugs": len(rows), "summary": summary, "rows": rows}
    print(json.dumps(summary, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
