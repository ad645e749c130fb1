#!/usr/bin/env python3
"""Plant one meaning-level fault in each clean tutor answer of ``semantic_clean.jsonl``.

Input: ``semantic_clean.jsonl`` -- 80 short tutor answers written for Molly from the shipped
Python 3.11 docs corpus (``knowledge_base/pydocs-3.11/chunks.jsonl``), each citing 1-3 chunks as
[1], [2], [3]. Every code block was run and every stated output is what Python 3.11 prints.

Output: ``semantic_faults.jsonl`` -- every clean answer (``fault: null``) plus ONE faulty variant of
it. The fault is planted by a general operator that keeps almost every word and changes the meaning
in one sentence (or one stated output) only:

- ``true_false``      True <-> False, true <-> false (in prose, not in a stated output)
- ``antonym``         a word swapped for its opposite, from the pair list ``ANTONYMS`` below
- ``number``          a number in prose changed (2 -> 3, 0 -> 1, 70 -> 700, 0.6 -> 0.7, a year + 1,
                      Python 3.11 -> 3.10)
- ``type_name``       a Python type name in prose swapped for another (list -> tuple, str -> bytes ...)
- ``exception_name``  an exception name in prose swapped for an unrelated one (ValueError -> TypeError)
- ``wrong_output``    a stated output (``# comment`` on a print line, an ``Output:`` block, "This
                      prints `...`" after a block, or "`expr` returns / evaluates to `value`",
                      evaluated after the answer's block) changed next to the
                      code that gives the right one: a number changed, a list reversed, an element or
                      a word dropped, or True/False swapped
- ``entity_swap``     the API name of an entry swapped for a neighbouring entry of the same module or
                      class (order of the docs chunks), never for a documented alias

The kind is chosen per answer by a seeded random generator, most constrained answers first, always
taking a kind with the fewest uses so far (in the answer's split, then overall) among those the
answer offers a site for; the site is then drawn at random. ``BLOCKED`` lists sites that were read by hand and found not to make the answer
false (or to read as nonsense); they are skipped. A row's ``split`` is a stable hash of the clean id,
so a clean answer and its faulty variant always share a split.

This script uses only the standard library and never imports Molly: it knows nothing of Molly's
answer checks. Run ``python eval/datasets/make_semantic_faults.py`` (add ``--no-exec`` to skip
running the code blocks). It verifies, and exits non-zero on any failure, that every passage id
exists, that citations are in order, that every clean code block runs and its stated output is exact,
that every inline "`expr` returns `value`" claim holds, and that every faulty answer differs from its
clean answer in exactly one place (one contiguous edit inside the planted site, one token -- two for a
reversed list or an article fixed after a swap); then it prints the counts per kind and split.
"""
from __future__ import annotations

import argparse
import builtins
import difflib
import hashlib
import json
import random
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CHUNKS = ROOT / "knowledge_base" / "pydocs-3.11" / "chunks.jsonl"
CLEAN = HERE / "semantic_clean.jsonl"
OUT = HERE / "semantic_faults.jsonl"
SEED = 20261207
SOURCE = "written for Molly from the Python 3.11 docs, 2026-12-07"
KINDS = ["true_false", "antonym", "number", "type_name", "exception_name", "wrong_output", "entity_swap"]

# --- operator tables -------------------------------------------------------------------------

_PAIRS = """
ascending descending | first last | smallest largest | smaller larger | small large | left right
before after | mutable immutable | mutability immutability | inclusive exclusive | included excluded
increase decrease | increases decreases | increasing decreasing | minimum maximum | min max
lowest highest | lower upper | low high | shallow deep | start end | starts ends | starting ending
top bottom | always never | fast slow | faster slower | efficient inefficient
efficiently inefficiently | positive negative | even odd | shorter longer | shortest longest
most least | more less | sorted unsorted | ordered unordered | equal unequal
hashable unhashable | absolute relative | appended prepended | innermost outermost | inner outer
sensitive insensitive | backwards forwards | composes decomposes | non-empty empty | above below
final initial | common uncommon | removes adds | removed added | pushes pops
push pop | securely insecurely | secure insecure | explicitly implicitly | strongly weakly
valid invalid | enabled disabled | preserved discarded | higher lower
"""
# one way only: the reverse swap reads as an idiom ("gives back", "the same as")
_ONE_WAY = """
front back | identical different | beginning end | closest farthest | nearest farthest
greatest smallest | fewer more
"""
PHRASE_ANTONYMS = {"away from": "toward", "toward": "away from"}
ANTONYMS: dict[str, str] = {}
for _pair in _PAIRS.replace("\n", " | ").split("|"):
    _words = _pair.split()
    if len(_words) == 2:
        _a, _b = _words
        ANTONYMS.setdefault(_a, _b)
        ANTONYMS.setdefault(_b, _a)
for _pair in _ONE_WAY.replace("\n", " | ").split("|"):
    _words = _pair.split()
    if len(_words) == 2:
        ANTONYMS.setdefault(_words[0], _words[1])

TYPE_SWAP = {
    "list": "tuple", "tuple": "list", "dict": "list", "set": "list", "frozenset": "set",
    "str": "bytes", "bytes": "str", "int": "float", "float": "int", "bool": "str",
    "iterator": "list", "lists": "tuples", "tuples": "lists", "dicts": "lists", "sets": "lists",
}
TYPE_FAMILY = {"lists": "list", "tuples": "tuple", "dicts": "dict", "sets": "set"}

EXC_SWAP = {
    "ValueError": "TypeError", "TypeError": "ValueError", "KeyError": "IndexError",
    "IndexError": "KeyError", "AttributeError": "TypeError", "ZeroDivisionError": "ValueError",
    "StatisticsError": "TypeError", "StopIteration": "IndexError", "NameError": "AttributeError",
    "FileNotFoundError": "FileExistsError", "SameFileError": "FileExistsError",
    "FrozenInstanceError": "TypeError", "OSError": "ValueError", "RuntimeError": "ValueError",
    "KeyboardInterrupt": "SystemExit", "SystemExit": "KeyboardInterrupt",
}

# Sites read by hand and found still true (or nonsense) after the change: (id, kind, window, after),
# where window is the clean text around the site with the site in brackets, e.g. "range [start] at",
# and after (None: any) the replacement that is blocked.
BLOCKED: list[tuple[str, str, str, str | None]] = [
    ("sem-005", "type_name", "the sorted [list] `a`", None),  # bisect also works on a sorted tuple
    ("sem-005", "type_name", "assume the [list] is", None),
    ("sem-013", "antonym", "[After] `f", None),  # nonsense, not a false claim
    ("sem-014", "type_name", "an empty [list] is false", None),  # an empty tuple is false too
    ("sem-016", "entity_swap", "`statistics.[mean]()`", "fmean"),  # fmean is also the arithmetic mean
    ("sem-020", "entity_swap", "`textwrap.[wrap]()`", "fill"),  # fill wraps to width 70 as well
    ("sem-024", "number", "the float `[1.1]`", None),  # 1.2 is not exactly 11/10 either
    ("sem-024", "number", "equal to [11]/10", None),  # 1.1 is not 10/10 either
    ("sem-024", "number", "equal to 11/[10]", None),
    ("sem-029", "true_false", "answers `[True]` or", None),  # "True or True" is degenerate
    ("sem-029", "true_false", "or `[False]`", None),
    ("sem-032", "number", "so [0] is included", None),  # 1 is included as well
    ("sem-036", "entity_swap", "`SequenceMatcher.[ratio]()`", "quick_ratio"),  # also a float in [0, 1]
    ("sem-037", "entity_swap", "`pprint.[pprint]()`", "pp"),  # pp also prints to sys.stdout
    ("sem-045", "entity_swap", "`@enum.[unique]`", "verify"),  # verify(UNIQUE) also looks for aliases
    ("sem-048", "entity_swap", "`tempfile.[gettempdir]()`", None),  # gettempdirb / mkdtemp: near-true
    ("sem-049", "number", "not [2024] itself", None),  # 2025 is not counted either
    ("sem-052", "entity_swap", "`shutil.[copy](src, dst)`", "copy2"),  # copy2 also does this
    ("sem-055", "entity_swap", "`date.[isoweekday]()`", "isocalendar"),  # its weekday is also 1..7
    ("sem-057", "number", "Since [0.1] is not", None),  # 0.2 is not representable either
    ("sem-057", "entity_swap", "`Decimal.[from_float](0.1)`", None),  # exp / fma: not a claim
    ("sem-058", "entity_swap", "`[ROUND_HALF_UP]` rounds", "ROUND_UP"),  # ROUND_UP sends ties away too
    ("sem-063", "entity_swap", "`time.[perf_counter]()`", None),  # perf_counter_ns is the same clock
    ("sem-001", "entity_swap", "`heapq.[heappop]()` removes", "heappushpop"),  # it also pops the smallest
    ("sem-008", "antonym", "value is [left]", None),  # "left" = remaining, not a direction
    ("sem-009", "antonym", "are [appended] after", None),  # "prepended after" contradicts itself
    ("sem-036", "antonym", "in [common]", None),  # ungrammatical
    ("sem-064", "antonym", "that was [added] last", None),  # "removed last" reads as nonsense
    ("sem-065", "type_name", "but [lists] are not", None),  # vacuous, not false
    ("sem-067", "type_name", "so nested [tuples] are", None),  # a wrong reason, not a clear claim
    ("sem-067", "type_name", "iterating over the [list]", None),
    ("sem-069", "antonym", "range [start] at", None),  # you may choose where the range ends too
    ("sem-069", "antonym", "can even be [negative]", None),  # the step can be positive too
    ("sem-075", "type_name", "a single [list] would", None),  # a class-level tuple is shared too
    ("sem-079", "antonym", "[Most] of", None),  # ungrammatical
    ("sem-043", "entity_swap", "`[auto]()`", "FlagBoundary"),  # the class neighbour reads as nonsense
    ("sem-043", "entity_swap", "For `[Enum]`", "EnumType"),  # the metaclass: nonsense, not a claim
]

# --- parsing ---------------------------------------------------------------------------------

FENCE = re.compile(r"```([a-z]*)\n(.*?)\n```", re.S)
BACKTICK = re.compile(r"`[^`\n]+`")
CITATION = re.compile(r"\[\d\]")
INLINE = re.compile(r"`([^`\n]+)` (?:returns|evaluates to) `([^`\n]+)`")
PRINTS = re.compile(r"\b(?:prints|displays|outputs|shows) `([^`\n]+)`")
COMMENT = re.compile(r"^(\s*print\(.*\))(\s+#\s)(.+)$")
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w]|\.\d)")
WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
TYPE_RE = re.compile(r"(?<![\w.])(" + "|".join(sorted(TYPE_SWAP, key=len, reverse=True)) + r")(?![\w])")
EXC_RE = re.compile(r"(?<![\w.])([A-Z][A-Za-z]*(?:Error|Exception)|StopIteration|KeyboardInterrupt|SystemExit)(?!\w)")
BOOL_RE = re.compile(r"(?<![\w.])(True|False|true|false)(?!\w)")


class Answer:
    """Positions of prose, code blocks, output blocks, sentences and protected spans."""

    def __init__(self, text: str):
        self.text = text
        self.blocks = []  # (lang, start, end, body_start, body_end)
        for m in FENCE.finditer(text):
            self.blocks.append((m.group(1), m.start(), m.end(), m.start(2), m.end(2)))
        self.prose = []  # (start, end)
        pos = 0
        for _, s, e, _, _ in self.blocks:
            self.prose.append((pos, s))
            pos = e
        self.prose.append((pos, len(text)))
        self.output_blocks = []  # (body_start, body_end, index of the python block it belongs to)
        self.python_blocks = [i for i, b in enumerate(self.blocks) if b[0] == "python"]
        for i, (lang, s, _, bs, be) in enumerate(self.blocks):
            if lang == "" and text[:s].rstrip().endswith("Output:"):
                owner = max(j for j in self.python_blocks if j < i)
                self.output_blocks.append((bs, be, owner))
        self.sentences = []
        for ps, pe in self.prose:
            seg = text[ps:pe]
            masked = BACKTICK.sub(lambda m: "`" + "x" * (len(m.group()) - 2) + "`", seg)
            start = 0
            for m in re.finditer(r"(?<=[.!?])\s+(?=[A-Z`\"'(])|\n\s*\n", masked):
                self._add_sentence(ps + start, ps + m.start())
                start = m.end()
            self._add_sentence(ps + start, pe)
        self.backticks = [(ps + m.start(), ps + m.end()) for ps, pe in self.prose
                          for m in BACKTICK.finditer(text[ps:pe])]
        # stated outputs in prose, and the code spans of inline claims
        self.inline = []  # (expr_span, value_span)
        self.prints = []  # (value_span, python block index)
        self.citations = [(ps + m.start(), ps + m.end()) for ps, pe in self.prose
                          for m in CITATION.finditer(text[ps:pe])
                          if not self.in_backticks(ps + m.start(), ps + m.end())]
        protected = list(self.citations)
        for ps, pe in self.prose:
            for m in INLINE.finditer(text[ps:pe]):
                self.inline.append(((ps + m.start(1), ps + m.end(1)), (ps + m.start(2), ps + m.end(2))))
                protected += [(ps + m.start(1) - 1, ps + m.end(1) + 1), (ps + m.start(2) - 1, ps + m.end(2) + 1)]
        for i in self.python_blocks:
            after = self.blocks[i][2]
            sent = next((s for s in self.sentences if s[0] >= after), None)
            if sent is None or any(b[1] < sent[0] and b[1] >= after for b in self.blocks):
                continue
            m = PRINTS.search(text[sent[0]:sent[1]])
            if m:
                span = (sent[0] + m.start(1), sent[0] + m.end(1))
                self.prints.append((span, i))
                protected.append((span[0] - 1, span[1] + 1))
        self.protected = protected

    def _add_sentence(self, s, e):
        while s < e and self.text[s].isspace():
            s += 1
        while e > s and self.text[e - 1].isspace():
            e -= 1
        if e > s:
            self.sentences.append((s, e))

    def sentence_of(self, pos):
        for s, e in self.sentences:
            if s <= pos < e:
                return s, e
        raise ValueError(pos)

    def in_backticks(self, s, e):
        return any(bs <= s and e <= be for bs, be in self.backticks)

    def backtick_of(self, s, e):
        return next(((bs, be) for bs, be in self.backticks if bs <= s and e <= be), None)

    def is_protected(self, s, e):
        return any(ps < e and s < pe for ps, pe in self.protected)

    def prose_matches(self, regex, group=0):
        for ps, pe in self.prose:
            for m in regex.finditer(self.text[ps:pe]):
                s, e = ps + m.start(group), ps + m.end(group)
                if not self.is_protected(s, e):
                    yield s, e, m.group(group)

    def comment_outputs(self, block_index):
        """[(start, end)] of the output comments on print lines of a python block."""
        _, _, _, bs, be = self.blocks[block_index]
        out, pos = [], bs
        for line in self.text[bs:be].split("\n"):
            m = COMMENT.match(line)
            if m:
                out.append((pos + m.start(3), pos + m.end(3)))
            pos += len(line) + 1
        return out


# --- value operators -------------------------------------------------------------------------

def changed_number(tok: str, rng: random.Random, in_output: bool) -> str:
    neg = tok.startswith("-")
    body = tok[1:] if neg else tok
    if "." in body:
        whole, frac = body.split(".")
        if not in_output and len(frac) <= 2:  # 0.6 -> 0.7, 3.10 -> 3.11, 1.0 -> 1.1
            last = int(frac[-1])
            frac = frac[:-1] + str(last + 1 if last < 9 else 8)
            new = whole + "." + frac
        else:  # first non-zero digit moved: 2.8 -> 3.8, 0.25 -> 0.35
            digits = list(body)
            i = next((k for k, c in enumerate(digits) if c.isdigit() and c != "0"), None)
            if i is None:
                new = body[:-1] + "1"
            else:
                digits[i] = str(int(digits[i]) + 1) if digits[i] != "9" else "8"
                new = "".join(digits)
    else:
        n = int(body)
        if in_output and n >= 100:
            digits = list(body)
            digits[0] = str(int(digits[0]) + 1) if digits[0] != "9" else "8"
            new = "".join(digits)
        elif 1000 <= n <= 2999:  # a year
            new = str(n + 1)
        elif n <= 20:
            options = [n + 1] + ([n - 1] if n > 0 else [])
            new = str(rng.choice(options))
        elif n % 10 == 0 and n < 1000:
            new = str(n * 10)
        elif n % 10 == 0:
            new = str(n // 10)
        elif n & (n - 1) == 0:
            new = str(n * 2)
        else:
            new = str(n + 1)
    if body.isdigit() and body.startswith("0") and len(body) > 1:
        new = new.zfill(len(body))  # keep zero padding: 04 -> 03
    return ("-" if neg else "") + new


def output_variants(value: str, rng: random.Random) -> list[tuple[str, str, str]]:
    """Plausible wrong versions of a stated output: [(operator, before, after)] over the whole value."""
    out = []
    m = BOOL_RE.search(value)
    if m and m.group() in ("True", "False"):
        flip = "False" if m.group() == "True" else "True"
        out.append(("swap True/False", value, value[:m.start()] + flip + value[m.end():]))
    for m in re.finditer(r"[\[(]([^\[\]()]*)[\])]", value):
        items = [x.strip() for x in m.group(1).split(",") if x.strip()]
        if len(items) >= 2:
            o, c = m.group()[0], m.group()[-1]
            if items != items[::-1]:
                out.append(("reverse a list", value, value[:m.start()] + o + ", ".join(items[::-1]) + c + value[m.end():]))
            drop = o + ", ".join(items[:-1]) + ("," if o == "(" and len(items) == 2 else "") + c
            out.append(("drop an element", value, value[:m.start()] + drop + value[m.end():]))
        elif len(items) == 1 and m.group().startswith("["):
            out.append(("drop an element", value, value[:m.start()] + "[]" + value[m.end():]))
    nums = [m for m in NUMBER.finditer(value)]
    if nums:
        m = rng.choice(nums)
        new = changed_number(m.group(), rng, in_output=True)
        out.append(("change a number", value, value[:m.start()] + new + value[m.end():]))
    words = value.split(" ")
    if not out and len(words) >= 2 and not re.search(r"['\"\[\]()]", value):
        out.append(("drop a word", value, " ".join(words[:-1])))
    return [v for v in out if v[2] != v[1]]


# --- API names from the docs corpus (for entity_swap) ---------------------------------------

API_NAME = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")
SIGNATURE = re.compile(r"^(?:@|class |exception |classmethod |staticmethod )?([A-Za-z_][\w.]*)(?:\(.*\))?(?: → \w+)?$")


def load_api(chunks):
    """siblings: parent -> [qualified names in docs order]; aliases: name -> names sharing its chunk;
    kinds: name -> function / class / exception / decorator / attribute / constant."""
    siblings, aliases, kinds = {}, {}, {}
    for c in chunks:
        anchor = c["anchor"]
        if not c["page"].startswith("library/") or "~" in c["id"] or not API_NAME.match(anchor):
            continue
        parent, _, short = anchor.rpartition(".")
        if short.startswith("_"):
            continue
        siblings.setdefault(parent, [])
        if anchor not in siblings[parent]:
            siblings[parent].append(anchor)
        names, first = set(), None
        for para in c["text"].split("\n\n"):
            m = SIGNATURE.match(para.strip())
            if not m:
                break
            first = first or para.strip()
            names.add(m.group(1).rpartition(".")[2])
        aliases[anchor] = names
        first = first or ""
        if first.startswith("exception "):
            kinds[anchor] = "exception"
        elif first.startswith("class "):
            kinds[anchor] = "class"
        elif first.startswith("@"):
            kinds[anchor] = "decorator"
        elif short.isupper():
            kinds[anchor] = "constant"
        elif "(" in first:
            kinds[anchor] = "function"
        else:
            kinds[anchor] = "attribute"
    return siblings, aliases, kinds


def neighbours(anchor, api):
    """The nearest entry of the same kind on each side of ``anchor``, skipping documented aliases."""
    siblings, aliases, kinds = api
    parent, _, short = anchor.rpartition(".")
    order = siblings[parent]
    k = order.index(anchor)
    out = []
    for step in (-1, 1):
        j = k + step
        while 0 <= j < len(order):
            other = order[j]
            o_short = other.rpartition(".")[2]
            if (kinds[other] == kinds[anchor] and o_short not in aliases[anchor]
                    and short not in aliases[other] and o_short != short):
                out.append(o_short)
                break
            j += step
    return out


# --- sites -----------------------------------------------------------------------------------

def with_article(text, s, new):
    """(start, replacement) for a word at ``s`` replaced by ``new``, fixing a preceding a/an."""
    art = re.search(r"\b(a|an|A|An) (`?)$", text[max(0, s - 5):s])
    if not art:
        return s, new
    bare = new.lstrip("`")
    want = "an" if bare[:1].lower() in "aeiou" else "a"
    if art.group(1)[0].isupper():
        want = want.capitalize()
    if want == art.group(1):
        return s, new
    return s - len(art.group(0)), want + " " + art.group(2) + new


def find_sites(row, ans: Answer, api, rng: random.Random):
    text = ans.text
    sites = {k: [] for k in KINDS}

    def add(kind, s, e, after, sent=None):
        before = text[s:e]
        sent = sent or ans.sentence_of(s)
        sites[kind].append({"start": s, "end": e, "before": before, "after": after, "sent": sent})

    def same_sentence_has(s, word_re):
        ss, se = ans.sentence_of(s)
        return re.search(word_re, text[ss:se]) is not None

    for s, e, tok in ans.prose_matches(BOOL_RE):
        flip = {"True": "False", "False": "True", "true": "false", "false": "true"}[tok]
        add("true_false", s, e, flip)

    for s, e, tok in ans.prose_matches(WORD):
        if ans.in_backticks(s, e):
            continue
        low = tok.lower()
        candidates = []
        if low in ANTONYMS:
            candidates.append((s, e, tok, ANTONYMS[low]))
        elif "-" in tok:
            off = 0
            for part in tok.split("-"):
                if part.lower() in ANTONYMS:
                    candidates.append((s + off, s + off + len(part), part, ANTONYMS[part.lower()]))
                off += len(part) + 1
        for cs, ce, word, opp in candidates:
            prev = re.search(r"(\w+)\W*$", text[max(0, cs - 20):cs])
            if word.lower() == "even" and not (prev and prev.group(1).lower() in ("is", "are", "to", "nearest", "the")):
                continue  # "even" as an adverb
            if word.lower() in ("first", "last") and "-" not in tok and not (
                    prev and prev.group(1).lower() in ("the", "its", "their", "a", "an")):
                continue  # "first" as an adverb ("it first evaluates x")
            if word[0].isupper():
                opp = opp[0].upper() + opp[1:]
            s2, after = with_article(text, cs, opp)
            add("antonym", s2, ce, after, ans.sentence_of(cs))
    for phrase, opp in PHRASE_ANTONYMS.items():
        for s, e, _ in ans.prose_matches(re.compile(r"\b" + phrase + r"\b")):
            if not ans.in_backticks(s, e):
                add("antonym", s, e, opp)

    for s, e, tok in ans.prose_matches(NUMBER):
        bt = ans.backtick_of(s, e)
        if bt and (bt[0] + 1, bt[1] - 1) != (s, e):
            continue
        before_text = text[max(0, s - 6):s]
        if re.search(r"(ISO|PEP|\bO\() ?$", before_text):
            continue
        version = re.search(r"(since )?Python $", text[max(0, s - 13):s], re.I)
        if version and re.fullmatch(r"3\.\d+", tok):
            minor = int(tok.split(".")[1])
            add("number", s, e, f"3.{minor - 1}")  # the behaviour is older or newer than claimed
        else:
            add("number", s, e, changed_number(tok, rng, in_output=False))

    for s, e, tok in ans.prose_matches(TYPE_RE, 1):
        bt = ans.backtick_of(s, e)
        if bt:
            inner = text[bt[0] + 1:bt[1] - 1]
            if inner not in (tok, tok + "()"):
                continue
        elif tok in ("set", "sets", "str", "int", "float", "bool", "bytes", "dict", "dicts", "frozenset"):
            # bare English words: only "set(s)" after an article/adjective counts as the type
            if not re.search(r"\b(a|an|the|empty|of|no)\s+$", text[max(0, s - 8):s], re.I) or tok not in ("set", "sets"):
                continue
        new = TYPE_SWAP[tok]
        fam = TYPE_FAMILY.get(new, new)
        if same_sentence_has(s, r"(?<![\w.])" + fam + r"s?(?!\w)"):
            continue
        s2, after = with_article(text, s, new)
        add("type_name", s2, e, after, ans.sentence_of(s))

    for s, e, tok in ans.prose_matches(EXC_RE, 1):
        if tok not in EXC_SWAP:
            continue
        new = EXC_SWAP[tok]
        if same_sentence_has(s, r"(?<!\w)" + new + r"(?!\w)"):
            continue
        exc_before = getattr(builtins, tok, None)
        exc_after = getattr(builtins, new, None)
        if exc_before and exc_after and (issubclass(exc_before, exc_after) or issubclass(exc_after, exc_before)):
            continue
        add("exception_name", s, e, new)

    # wrong_output: stated outputs next to the code
    outputs = []  # (start, end, sentence-or-line span)
    for i in ans.python_blocks:
        for s, e in ans.comment_outputs(i):
            line_s = text.rfind("\n", 0, s) + 1
            outputs.append((s, e, (line_s, e)))
    for bs, be, _ in ans.output_blocks:
        pos = bs
        for line in text[bs:be].split("\n"):
            if line:
                outputs.append((pos, pos + len(line), (pos, pos + len(line))))
            pos += len(line) + 1
    for (s, e), _ in ans.prints:
        outputs.append((s, e, ans.sentence_of(s)))
    for _, (s, e) in ans.inline:
        outputs.append((s, e, ans.sentence_of(s)))
    for s, e, sent in outputs:
        for op, _, after in output_variants(text[s:e], rng):
            add("wrong_output", s, e, after, sent)
            sites["wrong_output"][-1]["operator"] = op

    # entity_swap: API names of the answer's own entries, in code spans of the prose
    for pid in row["passages"]:
        page, anchor = pid.split("#", 1)
        if anchor not in api[1] or api[2][anchor] == "exception":
            continue
        module = page[len("library/"):-len(".html")]
        parent, _, short = anchor.rpartition(".")
        neigh = neighbours(anchor, api)
        pat = re.compile(r"(?<![\w])" + re.escape(short) + r"(?![\w.])")
        for s, e, _ in ans.prose_matches(pat):
            bt = ans.backtick_of(s, e)
            if not bt:
                continue
            qualifier = re.search(r"([\w.]*)\.$", text[bt[0] + 1:s])
            if short == module and not qualifier:
                continue  # the module itself, not the entry
            if qualifier and not (parent.endswith(qualifier.group(1)) or qualifier.group(1).endswith(parent.rpartition(".")[2])):
                continue
            for other in neigh:
                if same_sentence_has(s, r"(?<!\w)" + re.escape(other) + r"(?!\w)"):
                    continue
                add("entity_swap", s, e, other)
    # drop blocked sites
    for kind in KINDS:
        keep = []
        for site in sites[kind]:
            ss, se = site["sent"]
            sent = text[ss:se]
            if any(b[0] == row["id"] and b[1] == kind and window_matches(text, site, b[2])
                   and b[3] in (None, site["after"]) for b in BLOCKED):
                continue
            keep.append(site)
        sites[kind] = keep
    return sites


def window_matches(text, site, window):
    pre, _, rest = window.partition("[")
    mid, _, post = rest.rpartition("]")
    s, e = site["start"], site["end"]
    return (text[s:e] == mid and text[max(0, s - len(pre)):s] == pre and text[e:e + len(post)] == post)


# --- verification ----------------------------------------------------------------------------

def run(code: str) -> tuple[int, str, str]:
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={"PYTHONHASHSEED": "0", "PYTHONIOENCODING": "utf-8", "LC_ALL": "C.UTF-8"})
    return p.returncode, p.stdout, p.stderr


def verify_clean(row, ans: Answer, chunk_ids, execute: bool) -> list[str]:
    errs = []
    for pid in row["passages"]:
        if pid not in chunk_ids:
            errs.append(f"unknown passage {pid}")
    if not 1 <= len(row["passages"]) <= 3:
        errs.append("needs 1-3 passages")
    cites = [int(row["answer"][s + 1]) for s, _ in ans.citations]
    first = list(dict.fromkeys(cites))
    if first != list(range(1, len(row["passages"]) + 1)):
        errs.append(f"citations {first} do not cite passages 1..{len(row['passages'])} in order")
    if len(ans.python_blocks) > 1:
        errs.append("more than one python block")
    if not execute:
        return errs
    modules = []
    for pid in row["passages"]:
        page = pid.split("#")[0]
        if page.startswith("library/"):
            modules.append(page[len("library/"):-len(".html")])
    for i in ans.python_blocks:
        code = ans.text[ans.blocks[i][3]:ans.blocks[i][4]]
        rc, out, err = run(code)
        if rc != 0:
            errs.append(f"block fails: {err.strip()[-300:]}")
            continue
        lines = out.rstrip("\n").split("\n")
        comments = [ans.text[s:e] for s, e in ans.comment_outputs(i)]
        blocks = [ans.text[bs:be] for bs, be, owner in ans.output_blocks if owner == i]
        prints = [ans.text[s:e] for (s, e), owner in ans.prints if owner == i]
        if comments:
            if lines != comments:
                errs.append(f"comments {comments} != stdout {lines}")
        elif blocks:
            if out.rstrip("\n") != blocks[0]:
                errs.append(f"output block {blocks[0]!r} != stdout {out!r}")
        elif prints:
            if out.rstrip("\n") != prints[0]:
                errs.append(f"stated {prints[0]!r} != stdout {out!r}")
        elif out or not ans.inline:
            errs.append("python block without a stated output")
    setup = "".join(f"from {m} import *\nimport {m}\n" for m in modules)
    setup += "import io, contextlib\nwith contextlib.redirect_stdout(io.StringIO()):\n"
    body = "".join(ans.text[ans.blocks[i][3]:ans.blocks[i][4]] + "\n" for i in ans.python_blocks)
    setup += "".join("    " + line + "\n" for line in (body or "pass").split("\n"))
    for (es, ee), (vs, ve) in ans.inline:
        expr, value = ans.text[es:ee], ans.text[vs:ve]
        rc, out, err = run(setup + f"print(repr({expr}))")
        if rc != 0 or out.rstrip("\n") != value:
            errs.append(f"inline claim `{expr}` -> {out.strip() or err.strip()[-200:]!r}, stated {value!r}")
    return errs


def one_place(clean: str, faulty: str, site) -> bool:
    """One contiguous edit, inside the planted site (one sentence or one output), of at most two
    tokens (two only for a reversed list or an article that follows a swapped type name)."""
    if clean == faulty:
        return False
    p = 0
    while p < min(len(clean), len(faulty)) and clean[p] == faulty[p]:
        p += 1
    q = 0
    while q < min(len(clean), len(faulty)) - p and clean[-1 - q] == faulty[-1 - q]:
        q += 1
    if not (site["start"] <= p and len(clean) - q <= site["end"]):
        return False
    ta = re.findall(r"\w+|[^\w\s]", clean)
    tb = re.findall(r"\w+|[^\w\s]", faulty)
    ops = [op for op in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes() if op[0] != "equal"]
    return len(ops) == 1 or (len(ops) == 2 and site.get("operator") in ("reverse a list", None))


def split_of(clean_id: str) -> str:
    return "heldout" if int(hashlib.sha256(clean_id.encode()).hexdigest(), 16) % 2 else "tune"


# --- main ------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-exec", action="store_true", help="do not run code blocks and inline claims")
    ap.add_argument("--show-sites", action="store_true", help="list every candidate site and exit")
    args = ap.parse_args()

    chunks = [json.loads(line) for line in CHUNKS.open(encoding="utf-8")]
    chunk_ids = {c["id"] for c in chunks}
    api = load_api(chunks)
    rows = [json.loads(line) for line in CLEAN.open(encoding="utf-8") if line.strip()]

    problems = []
    answers = {r["id"]: Answer(r["answer"]) for r in rows}
    for r in rows:
        for err in verify_clean(r, answers[r["id"]], chunk_ids, not args.no_exec):
            problems.append(f"{r['id']}: {err}")

    rng = random.Random(SEED)
    sites = {r["id"]: find_sites(r, answers[r["id"]], api, random.Random(f"{SEED}-{r['id']}")) for r in rows}
    if args.show_sites:
        for r in rows:
            for k in KINDS:
                for s in sites[r["id"]][k]:
                    print(f"{r['id']} {k:15} {s['before']!r} -> {s['after']!r} | {r['answer'][s['sent'][0]:s['sent'][1]][:110]}")
        return 0

    order = rows[:]
    rng.shuffle(order)
    order.sort(key=lambda r: sum(1 for k in KINDS if sites[r["id"]][k]))
    counts = {k: 0 for k in KINDS}
    split_counts = {(sp, k): 0 for sp in ("tune", "heldout") for k in KINDS}
    chosen = {}
    for r in order:
        avail = [k for k in KINDS if sites[r["id"]][k]]
        if not avail:
            problems.append(f"{r['id']}: no fault site of any kind")
            continue
        sp = split_of(r["id"])
        rank = {k: (split_counts[sp, k], counts[k]) for k in avail}
        low = min(rank.values())
        kind = rng.choice([k for k in avail if rank[k] == low])
        counts[kind] += 1
        split_counts[sp, kind] += 1
        chosen[r["id"]] = (kind, random.Random(f"{SEED}-site-{r['id']}").choice(sites[r["id"]][kind]))

    out_rows = []
    for r in rows:
        base = {"question": r["question"], "passages": r["passages"]}
        split = split_of(r["id"])
        out_rows.append({"id": f"{r['id']}-clean", **base, "answer": r["answer"], "fault": None,
                         "fault_detail": None, "split": split, "source": SOURCE})
        if r["id"] not in chosen:
            continue
        kind, site = chosen[r["id"]]
        text = r["answer"]
        faulty = text[:site["start"]] + site["after"] + text[site["end"]:]
        ss, se = site["sent"]
        delta = len(site["after"]) - (site["end"] - site["start"])
        sentence = faulty[ss:se + delta]
        detail = {"before": site["before"], "after": site["after"], "sentence": sentence}
        if "operator" in site:
            detail["operator"] = site["operator"]
        if not one_place(text, faulty, site):
            problems.append(f"{r['id']}: faulty answer does not differ in exactly one place")
        out_rows.append({"id": f"{r['id']}-{kind}", **base, "answer": faulty, "fault": kind,
                         "fault_detail": detail, "split": split, "source": SOURCE})

    with OUT.open("w", encoding="utf-8") as f:
        for row in out_rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")

    n_code = sum(1 for r in rows if answers[r["id"]].python_blocks)
    pages = {p.split("#")[0] for r in rows for p in r["passages"]}
    print(f"{len(rows)} clean answers ({n_code} with a python block) from {len(pages)} pages; "
          f"{len(out_rows)} rows written to {OUT.name}")
    by_kind = {}
    for row in out_rows:
        key = row["fault"] or "clean"
        by_kind.setdefault(key, {"tune": 0, "heldout": 0})[row["split"]] += 1
    print(f"{'kind':16} {'tune':>5} {'heldout':>8} {'total':>6}")
    for key in ["clean"] + KINDS:
        c = by_kind.get(key, {"tune": 0, "heldout": 0})
        print(f"{key:16} {c['tune']:>5} {c['heldout']:>8} {c['tune'] + c['heldout']:>6}")
    if problems:
        print("\nPROBLEMS:", *problems, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
