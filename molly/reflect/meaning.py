"""Support by meaning: a claim that keeps a passage sentence's words but changes what it says.

The word rules (``claims.word_support``) accept a sentence whose content words are in its passage,
so "sorted in descending order" passes against "sorted in ascending order". Here each claim is
aligned with the passage sentence that shares most of its content words, and the two are compared
where one word flips the meaning while keeping the rest:

* an **antonym**: the claim has a word whose WordNet antonym the aligned sentence has instead
  (``antonyms.tsv``, the direct antonym pairs of Princeton WordNet 3.0; ``knowledge_base/make_antonyms.py``);
* a **number**, **type**, **constant** (True/False/None) or **exception** the passages never name,
  where the aligned sentence names another of the same kind;
* an **entity**: the claim names an API (`heapq.heappop`) other than the entry it paraphrases
  (`heapq.heappush`), and that entry's text never mentions it.

Only a mismatch is reported: a claim with none is not thereby proved right (the badge says which
check decided each sentence). Not here: calling the LLM, running code (``stated.py``).
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from molly.document import CITE
from molly.schemas import Passage
from molly.text import STOPWORDS

# An aligned sentence shares at least this share of the claim's content words, and at least
# MIN_SHARED of them (3, not 2: same tune catches, true docs sentences flagged 11 -> 7 of 600;
# ALIGNED 0.6 lost 6 of 31 tune catches for 1 fewer false alarm in 400; eval/README.md).
ALIGNED = 0.5
MIN_SHARED = 3
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?")
# Empty spans allowed, unlike document.INLINE_CODE: the docs' ``double backticks`` then pair up as
# empty spans and their text stays prose (changing it moved one tune catch).
_INLINE = re.compile(r"`([^`\n]*)`")
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
# Concrete built-in types and their English names; "set" counts only as code or after an article
# (it is more often a verb).
_TYPES = {"list": "list", "lists": "list", "tuple": "tuple", "tuples": "tuple", "dict": "dict",
          "dictionary": "dict", "dictionaries": "dict", "dicts": "dict", "frozenset": "frozenset",
          "str": "str", "string": "str", "strings": "str", "bytes": "bytes", "bytearray": "bytearray",
          "int": "int", "integer": "int", "integers": "int", "float": "float", "floats": "float",
          "complex": "complex", "bool": "bool", "boolean": "bool", "iterator": "iterator", "iterators": "iterator",
          "generator": "generator", "generators": "generator"}
_CONSTANTS = {"true": "True", "false": "False", "none": "None"}
_EXCEPTION = re.compile(r"\b(?:[A-Z][A-Za-z]*(?:Error|Exception|Warning)|StopIteration|StopAsyncIteration|"
                        r"KeyboardInterrupt|SystemExit|GeneratorExit)\b")
_BUILTIN_EXCEPTIONS = frozenset(n for n in dir(builtins)
                                if isinstance(getattr(builtins, n), type) and issubclass(getattr(builtins, n), BaseException))


@cache
def antonyms() -> dict[str, frozenset[str]]:
    """word -> its WordNet antonyms (both directions)."""
    table: dict[str, set[str]] = {}
    text = resources.files("molly.reflect").joinpath("antonyms.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            a, b = line.split("\t")
            table.setdefault(a, set()).add(b)
            table.setdefault(b, set()).add(a)
    return {w: frozenset(s) for w, s in table.items()}


def _lemmas(word: str) -> set[str]:
    """``word`` and the plain forms a regular English ending hides (sorts → sort, largest → large,
    included → include); only forms WordNet's antonym table knows are of use, so no dictionary."""
    forms = {word}
    for suffix, repl in (("s", ""), ("es", ""), ("ies", "y"), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"),
                         ("est", ""), ("est", "e"), ("er", ""), ("er", "e"), ("ly", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            forms.add(word[: len(word) - len(suffix)] + repl)
    return forms


def _stem(word: str) -> str:
    """A crude common stem: the shortest of ``_lemmas`` (raises, raised → rais)."""
    return min(_lemmas(word), key=len)


@cache
def _stopwords() -> frozenset[str]:
    """scikit-learn's English stop words (318, a maintained list) with the project's own."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | STOPWORDS


@dataclass(frozen=True)
class _Reading:
    """What one sentence says in the terms compared here."""

    words: frozenset[str]  # lower-case prose words
    content: frozenset[str]
    numbers: frozenset[str]
    types: frozenset[str]
    constants: frozenset[str]
    exceptions: frozenset[str]
    names: frozenset[str]  # identifiers written as code, last dotted part


@lru_cache(maxsize=4096)  # each passage sentence is read again for every claim of an answer
def read(sentence: str) -> _Reading:
    """The words, numbers, types, constants, exceptions and code names of a sentence."""
    text = CITE.sub(" ", sentence)
    code = _INLINE.findall(text)
    prose = _INLINE.sub(" ", text)
    prose_words = [w for w in _WORD.findall(prose)]
    lower = [w.lower() for w in prose_words]
    code_words = [w for span in code for w in _WORD.findall(span)]
    numbers = {w for w in lower if w[0].isdigit()} | {_NUMBER_WORDS[w] for w in lower if w in _NUMBER_WORDS}
    types = {_TYPES[w] for w in lower if w in _TYPES}
    types |= {"set" for i, w in enumerate(lower) if w in ("set", "sets") and i and lower[i - 1] in ("a", "an", "the", "of")}
    single = {span.strip() for span in code}
    types |= {_TYPES.get(s, s) for s in single if s in _TYPES or s == "set"}
    constants = {_CONSTANTS[w] for w in lower if w in _CONSTANTS} | {s for s in single if s in _CONSTANTS.values()}
    exceptions = set(_EXCEPTION.findall(text)) | {w for w in prose_words + code_words if w in _BUILTIN_EXCEPTIONS}
    # API names written with their module or class (`heapq.heappop`): a learner's own names
    # (`myNumber`) are not entries of the docs.
    names = {span.strip().split("(")[0].rstrip(".").split(".")[-1] for span in code
             if re.fullmatch(r"[A-Za-z_]\w*\.[\w.]*(\(.*\))?", span.strip())}
    all_words = [*lower, *(w.lower() for w in code_words)]
    # What aligns two sentences: their other words, stemmed, so "raises" meets "raised" and a
    # changed term does not count against the match.
    terms = {w.lower() for w in exceptions} | set(_TYPES) | set(_CONSTANTS) | set(_NUMBER_WORDS)
    content = {_stem(w) for w in all_words
               if w not in _stopwords() and w not in terms and len(w) > 1 and not w[0].isdigit()}
    return _Reading(frozenset(all_words), frozenset(content), frozenset(numbers), frozenset(types),
                    frozenset(constants), frozenset(exceptions), frozenset(names))


def _kind(token: str) -> str:
    """The kind of term a token is (value, type, exception, number), or "" for another word."""
    low = token.lower()
    if low in _CONSTANTS:
        return "value"
    if low in _TYPES:
        return "type"
    if token in _BUILTIN_EXCEPTIONS or _EXCEPTION.fullmatch(token):
        return "exception"
    if low in _NUMBER_WORDS or low[:1].isdigit():
        return "number"
    return ""


def _tokens_in_order(sentence: str) -> list[str]:
    return _WORD.findall(CITE.sub(" ", sentence).replace("`", " "))


def _term(token: str) -> str:
    """A term's value for comparison: "two" and "2", "tuples" and "tuple", "true" and "True" agree."""
    low = token.lower()
    return _NUMBER_WORDS.get(low) or _TYPES.get(low) or _CONSTANTS.get(low) or low


def _swapped_in_context(claim: str, aligned: str) -> tuple[str, str, str] | None:
    """(claim's term, passage's term, their context) when both sentences have the same words around
    a term (two after, one on each side, or two before) but different terms of one kind, or WordNet
    antonyms: "returns False if all characters ..." against "Return True if all characters ...",
    "in ascending order" against "in descending order". Catches the swaps the set rules miss because
    the passage names both terms elsewhere; antonyms are compared only so, in place (a bare "passed"
    against a "failed" elsewhere in the sentence is no contradiction)."""
    def contexts(tokens: list[str]) -> list[tuple[str, tuple[str, ...]]]:
        # The two words after a term, the one before and after it, or the two before it.
        stems = [_stem(t.lower()) for t in tokens]
        out = []
        for i, tok in enumerate(tokens):
            for lo, hi in ((1, 3), (-1, 2), (-2, 1)):
                around = [*tokens[max(i + lo, i - 2) : i], *tokens[i + 1 : i + hi]] if lo < 0 else tokens[i + 1 : i + hi]
                # Stop words alone place nothing ("of that float's value" against "of that integer").
                if 0 <= i + lo and i + hi <= len(tokens) and any(t.lower() not in _stopwords() for t in around):
                    out.append((tok, (str(lo), *stems[i + lo : i], "_", *stems[i + 1 : i + hi])))
        return out

    theirs: dict[tuple[str, ...], list[str]] = {}
    for tok, after in contexts(_tokens_in_order(aligned)):
        theirs.setdefault(after, []).append(tok)
    mine: dict[tuple[str, ...], set[str]] = {}
    for tok, after in (found := contexts(_tokens_in_order(claim))):
        mine.setdefault(after, set()).add(_term(tok))
    for tok, after in found:
        others = theirs.get(after, [])
        if not others or _term(tok) in {_term(o) for o in others} or mine[after] & {_term(o) for o in others}:
            continue  # the same term, or the claim says the passage's term there too
        kind = _kind(tok)
        opposite = {a for form in _lemmas(tok.lower()) for a in antonyms().get(form, ())}
        for other in others:
            if kind and _kind(other) == kind or opposite & _lemmas(other.lower()):
                return tok, other, " ".join(after[1:])
    return None


def _sentences(passage: Passage) -> list[str]:
    body = f"{passage.chunk.title.split(' > ')[-1]}. {passage.chunk.text}"
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", body) if s.strip()]


def _entry_name(passage: Passage) -> str:
    """The last dotted part of the API entry a passage documents, or "" for a section."""
    anchor, title = passage.chunk.anchor, passage.chunk.title.split(" > ")[-1]
    return anchor.split(".")[-1] if anchor and anchor == title and "." in anchor else ""


def aligned(claim: _Reading, passages: list[Passage]) -> list[tuple[Passage, str, _Reading]]:
    """The passage sentences sharing most of the claim's content words (all that tie), if they
    share enough. A docs entry's sentences are all about the entry its title names, so the
    title's words count for each of them ("Monday is 1 and Sunday is 7" under ``date.isoweekday()``)."""
    best, found = 0, []
    for p in passages:
        title = read(p.chunk.title.split(" > ")[-1]).content
        for s in _sentences(p):
            r = read(s)
            shared = len(claim.content & (r.content | title))
            if shared > best:
                best, found = shared, [(p, s, r)]
            elif shared == best:
                found.append((p, s, r))
    return found if best >= MIN_SHARED and best >= ALIGNED * len(claim.content) else []


def mismatch(sentence: str, passages: list[Passage], examples: str = "") -> str:
    """Why ``sentence`` says something other than the passage sentence it aligns with, or "".
    ``examples``: the answer's code (blocks and inline), whose numbers are its own.
    With several sentences aligned equally well, a mismatch with one of them does not count if
    another says the claim's term ("if x is true its value is returned" is the ``or`` sentence, not
    the ``and`` one beside it)."""
    claim = read(sentence)
    tied = aligned(claim, passages)
    # Numbers of the answer's own example ("the 2 hours are stored as seconds") are not the docs'.
    own = set(_WORD.findall(examples)) if examples else set()
    for found in tied:
        reason, term = _against(sentence, claim, *found, own)
        if reason and not any(_term(term) in {_term(w) for w in _tokens_in_order(other[1])}
                              for other in tied if other is not found):
            return reason
    return ""


def _against(sentence: str, claim: _Reading, passage: Passage, text: str, aligned: _Reading,
             own: frozenset[str] | set[str] = frozenset()) -> tuple[str, str]:
    """(why the claim contradicts one aligned passage sentence, the claim's term that does), or ("", "")."""
    body = read(" ".join(_sentences(passage)))
    where = f"[{passage.ref}]"
    for label, mine, theirs, known in (
            ("number", claim.numbers - own, aligned.numbers, body.numbers),
            ("type", claim.types, aligned.types, body.types),
            ("value", claim.constants, aligned.constants, body.constants),
            # An entry names the exceptions it raises, often in a sentence of their own.
            ("exception", claim.exceptions, body.exceptions, body.exceptions)):
        new, other = mine - known, theirs - mine
        if new and other:
            return f"names {label} {min(new)} where {where} says {min(other)}", min(new)
    if swapped := _swapped_in_context(sentence, text):
        return f'says "{swapped[0]}" where {where} says "{swapped[1]}" ({swapped[2]})', swapped[0]
    entry = _entry_name(passage)
    if entry and entry not in claim.names and entry.lower() not in claim.words:
        whole = f"{passage.chunk.title} {passage.chunk.text}"
        strangers = [n for n in claim.names if n != entry and n not in whole and n not in _BUILTIN_EXCEPTIONS
                     and n.lower() not in claim.types]
        if strangers:
            return f"names `{min(strangers)}`, but {where}, which it paraphrases, is about `{entry}`", min(strangers)
    return "", ""


__all__ = ["ALIGNED", "aligned", "antonyms", "mismatch", "read"]
