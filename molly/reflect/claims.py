"""Claim-level checks: each prose sentence of a draft is a claim, checked against the passages.

Deterministic, before the LLM's verdict:
* a claim citing only passages that were not retrieved has no support (a wrong ``[n]`` beside a
  right one is just dropped, later);
* a quotation (``"..."`` of three words or more) must appear in the passage it cites (or, if the
  sentence cites nothing, in some passage);
* with an embedder, a claim whose words plainly come from another passage than the one it cites
  is re-cited to that passage (a wrong citation fixed, not a claim removed).
Lead-ins ("For example:") are not claims and are never sent to the LLM. The LLM's verdict
(``reflection.parse_verdict``) then marks the sentences it finds unsupported;
``revise`` removes every unsupported claim. Not here: calling the LLM (``verifier.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from molly.document import CITE, cited_refs, drop_sentences, segments
from molly.reflect import meaning
from molly.retrieval.embedder import Embedder
from molly.schemas import Claim, Passage
from molly.text import STOPWORDS

_QUOTE = re.compile(r"\"([^\"\n]+)\"|“([^”\n]+)”")
MIN_QUOTE_WORDS = 3
# seeded_faults --rules-only: swapped citations re-cited 22/23, 0 of 120 clean answers touched (set made with the rule).
RECITE_MARGIN = 0.15  # the other passage must fit the sentence this much better (cosine) ...
RECITE_FLOOR = 0.55  # ... and fit it well in absolute terms


@dataclass(frozen=True)
class Finding:
    """What the deterministic pass found about one claim: a problem, support by its words, or a
    better citation. A claim with neither a problem nor ``supported`` goes to the LLM."""

    problem: str = ""
    recite: tuple[int, int] | None = None  # (cited, better) passage numbers
    supported: str = ""  # why the rules alone accept it
    lead_in: bool = False  # "For example:" introduces code; it asserts nothing
    ran: bool = False  # ``supported`` by comparing the result it states with a real run


_NEGATIONS = frozenset({"not", "no", "never", "cannot", "none", "nothing", "neither", "nor", "without"})
WORDS_COVERED = 0.9  # share of a claim's content words found in its passage to accept it unasked
SENTENCE_COVERED = 0.8  # ... and in one sentence of it, to compare their negations


def _tokens(text: str) -> list[str]:
    text = re.sub(r"n['’]t\b", " not", text.lower()).replace("cannot", "can not")
    return re.findall(r"[a-z_][a-z0-9_]*|\d+", CITE.sub(" ", text))


def _content(words: list[str]) -> set[str]:
    return {w for w in words if w not in STOPWORDS and w not in _NEGATIONS and len(w) > 1}


def content_words(text: str) -> set[str]:
    """The words of ``text`` that carry content: lower-cased, citations, stop words and negations left out."""
    return _content(_tokens(text))


def word_support(claim: str, passage: Passage) -> tuple[str, str]:
    """(supported, problem) from the words alone: a claim whose content words are all in the
    passage, with the same negations as the passage sentence it comes from, is supported; one
    that copies a sentence but flips its negation says the opposite. ("", "") when undecided."""
    words = _tokens(claim)
    content = _content(words)
    if len(content) < 3:
        return "", ""
    body = f"{passage.chunk.title}. {passage.chunk.text}"
    sentences = [_tokens(s) for s in re.split(r"(?<=[.!?])\s+|\n+", body) if s.strip()]
    best = max(sentences, key=lambda t: len(content & _content(t)), default=[])
    negated = any(w in _NEGATIONS for w in words)
    copied = bool(best) and len(content & _content(best)) >= SENTENCE_COVERED * len(content)
    if copied and (_flipped(words, best) or _flipped(best, words)):
        negated = _flipped(words, best)
        return "", f"copies [{passage.ref}] but {'adds' if negated else 'drops'} a negation: it says the opposite"
    if len(content & content_words(body)) >= WORDS_COVERED * len(content) and (copied or not negated):
        return f"its words are in [{passage.ref}]", ""
    return "", ""


def _flipped(negated: list[str], plain: list[str]) -> bool:
    """Whether ``negated`` says with a negation what ``plain`` says without one: the words on
    either side of one of its negations stand next to each other in ``plain`` (stop words
    aside): "tuples are not immutable" against "tuples are immutable". A passage's "z is not
    evaluated" is no flip of a claim that left that clause out ("y is evaluated only once"), nor
    "are not; immutable containers ..." of "... are not" (held-out semantic_faults: 4 of 32 clean
    answers flagged before this scope, measured once)."""
    def kept(words: list[str]) -> list[str]:
        return [w for w in words if w not in STOPWORDS]

    sequence = ["^", *kept(plain)]  # "^": the sentence's start ("Never return ..." / "Return ...")
    pairs = set(zip(sequence, sequence[1:], strict=False))
    words = ["^", *kept(negated)]
    for i, w in enumerate(words):
        if w in _NEGATIONS:
            before = next((v for v in reversed(words[:i]) if v not in _NEGATIONS), "")
            after = next((v for v in words[i + 1 :] if v not in _NEGATIONS), "")
            if after and (before, after) in pairs:
                return True
    return False


def is_lead_in(sentence: str) -> bool:
    """"For example:" and the like: text that introduces what follows and states nothing itself."""
    return sentence.rstrip().endswith(":") and not cited_refs(sentence) and len(sentence.split()) <= 8


def claim_texts(text: str) -> list[str]:
    """The prose sentences of an answer, in order (code blocks are not claims)."""
    return [piece.strip() for is_sentence, piece in segments(text) if is_sentence]


def _norm(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(re.sub(r"[^\w'\"]+", " ", text.lower()).split())


def quote_problem(sentence: str, passages: list[Passage], question: str = "") -> str:
    """Why a quotation in the sentence is not in its cited passage(s); "" if every quote is there
    or is the learner's own words (an error answer quotes the pasted error message)."""
    by_ref = {p.ref: p for p in passages}
    cited = [by_ref[n] for n in cited_refs(sentence) if n in by_ref] or passages
    for m in _QUOTE.finditer(sentence):
        quote = m.group(1) or m.group(2)
        if len(quote.split()) < MIN_QUOTE_WORDS:
            continue  # a string literal or a short phrase, not a quotation
        if _norm(quote) in _norm(question):
            continue
        if not any(_norm(quote) in _norm(f"{p.chunk.title}\n{p.chunk.text}") for p in cited):
            where = ", ".join(f"[{p.ref}]" for p in cited) if cited is not passages else "any passage"
            return f'quotes "{quote[:60]}", which is not in {where}'
    return ""


def find_problems(claims: list[str], passages: list[Passage], embedder: Embedder | None = None,
                  question: str = "", ran: dict[str, str] | None = None, examples: str = "") -> list[Finding]:
    """One finding per claim, from the deterministic checks above (``question``: the learner's
    message, which a claim may quote; ``ran``: sentences whose stated results a real run
    confirmed or corrected, with what it showed; ``examples``: the answer's code)."""
    by_ref = {p.ref: p for p in passages}
    refs = set(by_ref)
    ran = ran or {}
    findings = []
    for sentence in claims:
        if is_lead_in(sentence):
            findings.append(Finding(lead_in=True))
            continue
        if sentence in ran:
            findings.append(Finding(supported=ran[sentence], ran=True))
            continue
        cites = cited_refs(sentence)
        unknown = [n for n in cites if n not in refs]
        if unknown and len(unknown) == len(cites):  # with a real source beside it, only the bad [n] goes
            findings.append(Finding(problem=f"cites [{', '.join(map(str, unknown))}], which was not retrieved"))
        elif problem := quote_problem(sentence, passages, question):
            findings.append(Finding(problem=problem))
        elif problem := meaning.mismatch(sentence, [by_ref[n] for n in cites if n in by_ref] or passages, examples):
            findings.append(Finding(problem=problem))
        elif len(known := [by_ref[n] for n in cites if n in by_ref]) == 1:
            supported, problem = word_support(sentence, known[0])
            if supported and not meaning.aligned(meaning.read(sentence), known):
                supported = ""  # its words are spread over the passage: no one sentence says it
            findings.append(Finding(problem=problem, supported=supported))
        else:
            findings.append(Finding())
    if embedder is None or len(passages) < 2:
        return findings
    todo = [i for i, (c, f) in enumerate(zip(claims, findings, strict=True))
            if not (f.problem or f.supported or f.lead_in) and len(cited_refs(c)) == 1]
    if not todo:
        return findings
    vecs = embedder.embed([CITE.sub("", claims[i]) for i in todo] + [p.chunk.embedding_text() for p in passages])
    sims = vecs[: len(todo)] @ vecs[len(todo):].T
    col = {p.ref: j for j, p in enumerate(passages)}
    for row, i in enumerate(todo):
        cited = cited_refs(claims[i])[0]
        best = int(sims[row].argmax())
        if (passages[best].ref != cited and sims[row, best] >= RECITE_FLOOR
                and sims[row, best] - sims[row, col[cited]] >= RECITE_MARGIN):
            findings[i] = Finding(recite=(cited, passages[best].ref))
    return findings


def verdicts(claims: list[str], findings: list[Finding], unsupported: tuple[int, ...] | None,
             unchecked: str = "the check gave no clear verdict") -> list[Claim]:
    """Claims with their verdicts: a deterministic problem first, then the LLM's list of
    unsupported sentence numbers (1-based; None when the LLM gave no verdict, ``unchecked`` saying why)."""
    out = []
    for i, (sentence, finding) in enumerate(zip(claims, findings, strict=True), 1):
        cites = cited_refs(sentence)
        if finding.lead_in:
            out.append(Claim(text=sentence, cites=cites, verdict="not_a_claim", reason="a lead-in, not a claim"))
        elif finding.problem:
            out.append(Claim(text=sentence, cites=cites, verdict="unsupported", reason=finding.problem))
        elif finding.supported:
            out.append(Claim(text=sentence, cites=cites, verdict="supported", reason=finding.supported,
                             by="run" if finding.ran else "words"))
        elif unsupported is not None and i in unsupported:
            out.append(Claim(text=sentence, cites=cites, verdict="unsupported",
                             reason="the check found no support for it in the passages"))
        elif unsupported is None:
            out.append(Claim(text=sentence, cites=cites, verdict="unchecked", reason=unchecked))
        else:
            reason = "supported by the passages"
            if finding.recite:
                a, b = finding.recite
                reason = f"cited [{a}], but its words are from [{b}]: re-cited"
                cites = [b]
            out.append(Claim(text=sentence, cites=cites, verdict="supported", reason=reason, by="model"))
    return out


def revise(text: str, claims: list[Claim], findings: list[Finding]) -> tuple[str, list[Claim]]:
    """The answer without its unsupported claims and with re-cited ones fixed; the returned
    claims say which were removed (``shown=False``)."""
    pieces, i = [], 0
    for is_sentence, piece in segments(text):
        if is_sentence:
            recite = findings[i].recite
            if recite and claims[i].verdict == "supported":
                piece = _recite(piece, *recite)
            i += 1
        pieces.append(piece)
    text = "".join(pieces)
    dropped = {n for n, c in enumerate(claims, 1) if c.verdict == "unsupported"}
    orphans = _orphans(text, dropped)
    shown = [c.model_copy(update={"shown": False}) if c.verdict == "unsupported" else
             c.model_copy(update={"shown": False, "reason": f"{c.reason}; it leaned on a removed sentence"})
             if n in orphans else c for n, c in enumerate(claims, 1)]
    return drop_sentences(text, tuple(sorted(dropped | orphans))), shown


# A sentence that leans on the one before it: a pronoun subject ("This module provides ...") or a
# bare lead-in ("For example:"). With that sentence removed it points at nothing (3 of 30 blind-graded
# answers opened so, eval/grades/reflect_ab; written from them, not held out).
_LEANS = re.compile(r"^\W*(this|that|these|those|it|they|such)\b(?!\s+(?:is|are|was|were)\s+(?:why|how|what))", re.I)


def _orphans(text: str, dropped: set[int]) -> set[int]:
    """Sentences (1-based) left pointing at a removed sentence right before them, in the same
    stretch of prose (no code block between), through chains of them: a bare lead-in, or an
    uncited sentence opening with a pronoun."""
    orphans: set[int] = set()
    previous_gone, i = False, 0
    for is_sentence, piece in segments(text):
        if not is_sentence:
            if piece.strip():  # a code block: what follows leans on it, not on the removed sentence
                previous_gone = False
            continue
        i += 1
        if i in dropped:
            previous_gone = True
        elif previous_gone and (is_lead_in(piece.strip()) or _LEANS.match(piece) and not cited_refs(piece)):
            orphans.add(i)  # a cited sentence keeps its fact, if not its "This" (a true "This function
            # returns ... [1]" went after the model's verdict removed the sentence naming the function)
        else:
            previous_gone = False
    return orphans


def _recite(sentence: str, old: int, new: int) -> str:
    def swap(m: re.Match[str]) -> str:
        nums = [new if int(n) == old else int(n) for n in m.group(1).split(",")]
        return "[" + ", ".join(map(str, dict.fromkeys(nums))) + "]"

    return CITE.sub(swap, sentence)


__all__ = ["Finding", "claim_texts", "find_problems", "quote_problem", "revise", "verdicts"]
