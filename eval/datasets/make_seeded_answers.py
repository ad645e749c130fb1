"""Build ``seeded_answers.jsonl``: tutor answers with planted faults, beside their clean originals.

    .venv/bin/python eval/datasets/make_seeded_answers.py

Made for this project (not from ``shared/data``). Each item is a question about one docs entry,
two passages from the shipped corpus (the entry, [1], and the next entry on its page, [2]) and an
answer built from their own sentences, so the clean answer is supported by construction; about a
quarter carry a short code example written here and checked in the sandbox. Each clean answer
gets one faulty copy with one of: ``unknown_citation`` (a [n] that was not retrieved),
``swapped_citation`` ([1] and [2] exchanged), ``fabricated_quote`` (a quotation from another entry
attributed to [1]), ``contradiction`` (a claim negated), ``broken_code`` (a syntax error),
``failing_code`` (a line that raises TypeError). The clean answers are extractive, so the false-
alarm rate measured on them is a lower bound for paraphrased real answers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from molly.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "knowledge_base" / "pydocs-3.11" / "chunks.jsonl"
OUT = Path(__file__).with_name("seeded_answers.jsonl")
PAGES = ("library/functions.html", "library/stdtypes.html", "library/exceptions.html", "library/os.path.html",
         "library/math.html", "library/json.html", "library/random.html", "library/itertools.html",
         "library/collections.html", "library/string.html", "library/re.html")
ITEMS = 120
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")

# Examples written for this set; each must run and print what its comments say.
EXAMPLES = {
    "abs": 'print(abs(-7))  # 7', "all": 'print(all([1, 2, 0]))  # False', "any": 'print(any([0, "", 3]))  # True',
    "bin": 'print(bin(5))  # 0b101', "chr": 'print(chr(65))  # A', "divmod": 'print(divmod(17, 5))  # (3, 2)',
    "enumerate": 'for i, fruit in enumerate(["apple", "pear"]):\n    print(i, fruit)',
    "hex": 'print(hex(255))  # 0xff', "len": 'print(len("hello"))  # 5', "max": 'print(max([3, 9, 4]))  # 9',
    "min": 'print(min(3, 9, 4))  # 3', "oct": 'print(oct(8))  # 0o10', "ord": 'print(ord("a"))  # 97',
    "pow": 'print(pow(2, 10))  # 1024', "round": 'print(round(3.14159, 2))  # 3.14',
    "sorted": 'print(sorted([3, 1, 2]))  # [1, 2, 3]', "sum": 'print(sum([1, 2, 3]))  # 6',
    "zip": 'print(list(zip([1, 2], ["a", "b"])))  # [(1, \'a\'), (2, \'b\')]',
    "str.upper": 'print("shout".upper())  # SHOUT', "str.split": 'print("a,b,c".split(","))  # [\'a\', \'b\', \'c\']',
    "str.join": 'print("-".join(["x", "y", "z"]))  # x-y-z', "str.strip": 'print("  hi  ".strip())  # hi',
    "str.replace": 'print("cat".replace("c", "b"))  # bat', "str.startswith": 'print("python".startswith("py"))  # True',
    "str.removeprefix": 'print("unhappy".removeprefix("un"))  # happy', "str.count": 'print("banana".count("a"))  # 3',
    "str.find": 'print("hello".find("l"))  # 2', "str.isdigit": 'print("123".isdigit())  # True',
    "math.sqrt": 'import math\nprint(math.sqrt(16))  # 4.0', "math.floor": 'import math\nprint(math.floor(2.7))  # 2',
    "math.gcd": 'import math\nprint(math.gcd(12, 18))  # 6', "json.dumps": 'import json\nprint(json.dumps({"a": 1}))  # {"a": 1}',
}
_NEGATIONS = [(" is not ", " is "), (" is ", " is not "), (" are ", " are not "), (" can ", " cannot "),
              (" must ", " must not "), (" does not ", " does "), (" returns ", " never returns "),
              ("Return ", "Never return "), ("Returns ", "Never returns "), (" True ", " False "),
              (" always ", " never "), (" only ", " never ")]


def _sentences(text: str) -> list[str]:
    text = re.sub(r"\s*\[\d+\]", "", text)  # the docs' footnote marks would read as citations
    return [s.strip() for s in _SENTENCE.split(" ".join(text.split()))
            if 6 <= len(s.split()) <= 35 and "```" not in s and ">>>" not in s and s.rstrip().endswith(".")]


def _cite(sentence: str, ref: int) -> str:
    return f"{sentence[:-1]} [{ref}]."


def _negate(sentence: str) -> str | None:
    for old, new in _NEGATIONS:
        if old in f" {sentence} ":
            return f" {sentence} ".replace(old, new, 1).strip()
    return None


def _entries() -> list[dict]:
    by_page: dict[str, list[dict]] = {}
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        c = json.loads(line)
        parts = c["text"].split("\n\n")
        if c["page"] in PAGES and "~" not in c["id"] and len(parts) >= 2 and _sentences(parts[1]):
            c["claims"] = _sentences(parts[1])
            by_page.setdefault(c["page"], []).append(c)
    return [c for page in PAGES for c in by_page.get(page, [])], by_page


def main() -> None:
    entries, by_page = _entries()
    pairs = []
    for c in entries:
        siblings = by_page[c["page"]]
        b = siblings[(siblings.index(c) + 1) % len(siblings)]
        if b is not c:
            pairs.append((c, b))
    with_code = [p for p in pairs if p[0]["anchor"] in EXAMPLES]
    rest = [p for p in pairs if p[0]["anchor"] not in EXAMPLES]
    step = len(rest) / (ITEMS - len(with_code))
    chosen = sorted(with_code + [rest[int(i * step)] for i in range(ITEMS - len(with_code))], key=lambda p: p[0]["id"])
    sandbox = Sandbox()
    for name, code in EXAMPLES.items():
        run = sandbox.run(code)
        assert run.ok, f"example for {name} fails: {run.error}"
        comments = [line.split("#", 1)[1].strip() for line in code.splitlines() if "  # " in line]
        assert comments == run.stdout.split("\n")[: len(comments)], f"example for {name} prints {run.stdout!r}"
    rows, cycle, j = [], ["unknown_citation", "swapped_citation", "fabricated_quote", "contradiction"], 0
    for i, (a, b) in enumerate(chosen):
        name = a["anchor"]
        s1, s2 = a["claims"][0], b["claims"][0]
        code = EXAMPLES.get(name)
        body = f"Here is what the documentation says about `{name}`. {_cite(s1, 1)} {_cite(s2, 2)}"
        clean = body + (f"\n\nFor example:\n\n```python\n{code}\n```" if code else "")
        base = {"question": f"What does `{name}` do in Python?", "passages": [a["id"], b["id"]]}
        rows.append({"id": f"seeded-{i:03d}-clean", **base, "answer": clean, "fault": None})
        if code:
            fault = "broken_code" if i % 2 else "failing_code"
        else:
            fault, j = cycle[j % len(cycle)], j + 1
            if fault == "contradiction" and _negate(s1) is None and _negate(s2) is None:
                fault = "fabricated_quote"
        if fault == "unknown_citation":
            bad = clean.replace("[2]", "[3]")
        elif fault == "swapped_citation":
            bad = clean.replace("[1]", "[@]").replace("[2]", "[1]").replace("[@]", "[2]")
        elif fault == "fabricated_quote":
            other = chosen[(i + 37) % len(chosen)][0]["claims"][0]
            bad = clean.replace(_cite(s1, 1), f'{_cite(s1, 1)} As the documentation puts it, "{other[:-1]}" [1].')
        elif fault == "contradiction":
            negated = _negate(s1)
            bad = (clean.replace(_cite(s1, 1), _cite(negated, 1)) if negated
                   else clean.replace(_cite(s2, 2), _cite(_negate(s2) or s2, 2)))
        elif fault == "broken_code":
            broken = code.replace(")", "", 1) if code and ")" in code else code
            bad = clean.replace(f"```python\n{code}\n```", f"```python\n{broken}\n```")
        else:
            arg = re.search(r"print\((.*)\)", code or "")
            line = f'print("Result: " + {arg.group(1) if arg else "len([1])"})'
            if sandbox.run(f"{code}\n{line}").error.split(":")[0] != "TypeError":
                line = 'print("Result: " + len([1]))'
            bad = clean.replace(f"```python\n{code}\n```", f"```python\n{code}\n{line}\n```")
        assert bad != clean, (fault, name)
        rows.append({"id": f"seeded-{i:03d}-{fault}", **base, "answer": bad, "fault": fault})
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["fault"] or "clean"] = counts.get(r["fault"] or "clean", 0) + 1
    print(f"{len(rows)} answers written to {OUT.relative_to(ROOT)}: {counts}")


if __name__ == "__main__":
    main()
