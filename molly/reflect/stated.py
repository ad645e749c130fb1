"""Executed claims: every result an answer states is compared with what running the code gives.

Three forms are read, each run in the sandbox on Python 3.11:

* an inline claim, "`bisect.bisect([1, 2, 4], 3)` returns `2`": the expression is evaluated after
  the answer's earlier blocks that ran (so "`heap[0]` is `1`" sees their names), and its value (or,
  for "prints", its printed form) compared with the stated one;
* a sentence right after a block, "This prints `[2, 4, 6]`.": compared with what the block printed;
* an output block after a block ("Output:" then a fenced block): compared line by line.

A wrong result is corrected from the real output, which we now know; a stated result that cannot be
compared (several printed lines, a block that fails) is not counted as checked. Output comments on
``print`` lines are compared by ``codecheck`` when it runs the block. Not here: whether the prose
agrees with the docs (``claims.py``, ``meaning.py``).
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from molly.document import INLINE_CODE, output_blocks, python_blocks, repl_to_source, segments
from molly.sandbox import PYTHON_VERSION, Sandbox
from molly.schemas import Check, Passage

# The words between an expression and its stated value ("`len(s)` returns `3`"); at most a few.
# semantic_faults: with the block and output-block forms, 58 of 58 stated results compared (tune), 40 of 44 held out.
_RESULT_VERB = re.compile(r"(?i)^\s*(?:will |would |should |then |now |also |simply )?(?:returns?|gives?|evaluates? to|"
                          r"is|are|equals?|produces?|prints?|outputs?|yields?|results? in|becomes?)"
                          r"(?:\s+(?:the|a|an|list|string|value|tuple|integer|number|result|output|just|only)){0,3}\s*:?\s*$")
_PRINTS = re.compile(r"(?i)\b(prints?|outputs?|displays?|shows?)\b")
# A sentence about the block before it that states its output: "This prints `[2, 4, 6]`.",
# "The output is `3`.", "You will see `True`."
_STATES_OUTPUT = re.compile(r"(?i)\b(prints?|printed|outputs?|displays?|shows?|gives?|you(?:'ll| will)? (?:see|get)|"
                            r"results? (?:is|in)|the result)\b")
_MARK = "--molly-stated--"
# "the parent of `p` is `q`" is about p.parent: a preposition before the expression (from one held-out answer, not measured).
_OF = re.compile(r"(?i)\b(of|for|to|from|with|in|on|by|at|about|than|after|before)\s*$")


@dataclass(frozen=True)
class Outcome:
    """One stated result: the sentence (or block) that states it, and what running showed."""

    claim: str
    stated: str
    real: str | None  # None: could not be compared
    corrected: bool = False

    @property
    def compared(self) -> bool:
        return self.real is not None


def _same(stated: str, real: str) -> bool:
    """Equal as Python values when both read as literals ('[1,2]' and '[1, 2]'), else as text
    with spaces and quote styles ignored."""
    try:
        return bool(ast.literal_eval(stated) == ast.literal_eval(real))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        pass

    def norm(s: str) -> str:
        return re.sub(r"\s+", "", s.replace('"', "'")).strip()

    return norm(stated) == norm(real)


def _is_expression(code: str) -> bool:
    """An expression worth running: parses in eval mode and does something (a call, an operator,
    an index), not a bare name or literal."""
    try:
        tree = ast.parse(code.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return False
    return any(isinstance(n, ast.Call | ast.BinOp | ast.Subscript | ast.Compare | ast.BoolOp | ast.UnaryOp)
               for n in ast.walk(tree.body))


def _imports(expr: str, anchors: Sequence[str] = ()) -> str:
    """``import m`` for each standard-library module the expression names (``math.floor(2.5)``),
    and ``from m import N`` for a name a cited docs entry's anchor places in module ``m``
    (``Fraction(1.1)`` beside ``fractions.Fraction.limit_denominator``)."""
    roots = dict.fromkeys(re.findall(r"(?<![\w.])([a-z_][a-z0-9_]*)\.", expr))
    lines = [f"import {r}" for r in roots if r in sys.stdlib_module_names]
    names = set(re.findall(r"(?<![\w.])([A-Za-z_]\w*)", expr))
    for anchor in anchors:
        parts = anchor.split(".")
        for i in range(1, len(parts)):
            if parts[i] in names and parts[0] in sys.stdlib_module_names and parts[i] not in roots:
                lines.append(f"from {'.'.join(parts[:i])} import {parts[i]}")
    return "".join(f"{line}\n" for line in dict.fromkeys(lines))


def _run_expression(sandbox: Sandbox, context: str, expr: str,
                    anchors: Sequence[str] = ()) -> tuple[str, str] | str | None:
    """(repr, str) of ``expr`` after ``context`` ran; "placeholder" when it names something
    nothing defines (`operator.truth(obj)` "gives `True` if `obj` is true": a rule, not a result);
    None if it failed otherwise."""
    code = (f"{_imports(expr, anchors)}{context}\nprint({_MARK!r})\n__v = ({expr.strip()})\n"
            f"print(repr(__v))\nprint({_MARK!r})\nprint(__v)")
    result = sandbox.run(code)
    if result.error.startswith("NameError") and _MARK in result.stdout:
        return "placeholder"
    if not result.ok or result.stdout.count(_MARK) < 2:
        return None
    _, shown, printed = result.stdout.split(_MARK + "\n")
    return shown.rstrip("\n"), printed.rstrip("\n")


def _is_value(text: str) -> bool:
    """A stated result, not a name: a literal (``2``, ``'abc'``, ``[1, 2]``, ``None``) or a repr
    (``Fraction(11, 10)``). "`time.monotonic()` returns a `float`" names a type."""
    try:
        ast.literal_eval(text)
        return True
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return bool(re.search(r"[\d'\"(\[{<]", text))


def _inline_claims(sentence: str) -> list[tuple[str, str, bool, re.Match[str]]]:
    """(expression, stated value, stated as printed?, match of the value) in one sentence."""
    spans = list(INLINE_CODE.finditer(sentence))
    found = []
    for a, b in zip(spans, spans[1:], strict=False):
        between = sentence[a.end() : b.start()]
        if _OF.search(sentence[: a.start()]):
            continue  # "the parent of `p` is `q`" states p.parent, not p
        if _RESULT_VERB.match(between) and _is_expression(a.group(1)) and _is_value(b.group(1)):
            found.append((a.group(1), b.group(1), bool(_PRINTS.search(between)), b))
    return found


def _with_block(context: list[str], code: str, sandbox: Sandbox) -> list[str]:
    """The context (the answer's earlier blocks that ran together) with ``code`` added if it runs after them."""
    source = repl_to_source(code) if ">>>" in code else code
    if "input(" not in source and sandbox.run("\n".join([*context, source])).ok:
        return [*context, source]
    return context


def _printed(sandbox: Sandbox, code: str) -> str | None:
    """What a block printed, or None when it failed or reads input."""
    source = repl_to_source(code) if ">>>" in code else code
    if "input(" in source:
        return None
    result = sandbox.run(source)
    return result.stdout.rstrip("\n") if result.ok else None


def check_stated(text: str, sandbox: Sandbox, passages: Sequence[Passage] = ()) -> tuple[str, list[Outcome], list[Check]]:
    """The answer with wrong stated results corrected from real runs, what each comparison found,
    and one check summing them up (none when the answer states no result). ``passages``' docs
    anchors say where a name an expression uses comes from."""
    anchors = [p.chunk.anchor for p in passages if p.chunk.source == "pydocs" and p.chunk.anchor]
    outcomes: list[Outcome] = []
    context: list[str] = []  # the Python blocks before this sentence that ran together
    last_block: str | None = None  # the code of a Python block just before this sentence
    blocks = {whole: code for whole, code in python_blocks(text)}
    out: list[str] = []
    for is_sentence, piece in segments(text):
        if not is_sentence:
            if piece in blocks:
                last_block = blocks[piece]
                context = _with_block(context, last_block, sandbox)
            elif piece.strip().startswith(("```", "~~~")):
                last_block = None
            out.append(piece)
            continue
        new, claims = piece, _inline_claims(piece)
        for expr, stated, printed, m in reversed(claims):  # right to left keeps positions valid
            value = _run_expression(sandbox, "\n".join(context), expr, anchors)
            if value == "placeholder":
                continue
            if not isinstance(value, tuple):
                outcomes.append(Outcome(piece.strip(), stated, None))
                continue
            real = value[1] if printed else value[0]
            if _same(stated, real) or (not printed and _same(stated, value[1])):
                outcomes.append(Outcome(piece.strip(), stated, real))
            elif "\n" not in real and len(real) <= 200:
                new = new[: m.start(1)] + real + new[m.end(1):]
                outcomes.append(Outcome(new.strip(), stated, real, corrected=True))
            else:
                outcomes.append(Outcome(piece.strip(), stated, None))
        if not claims and last_block is not None and _STATES_OUTPUT.search(piece) and len(
                values := INLINE_CODE.findall(piece)) == 1 and not piece.rstrip().endswith(":"):
            real_out = _printed(sandbox, last_block)
            if real_out is None or not real_out:
                outcomes.append(Outcome(piece.strip(), values[0], None))
            elif any(_same(values[0], line) for line in [real_out, *real_out.split("\n")]):
                outcomes.append(Outcome(piece.strip(), values[0], real_out))
            elif "\n" not in real_out and len(real_out) <= 200:
                new = new.replace(f"`{values[0]}`", f"`{real_out}`", 1)
                outcomes.append(Outcome(new.strip(), values[0], real_out, corrected=True))
            else:
                outcomes.append(Outcome(piece.strip(), values[0], None))
        last_block = None
        out.append(new)
    text = "".join(out)
    for code, whole, shown in output_blocks(text):
        real_out = _printed(sandbox, code)
        if real_out is None:
            outcomes.append(Outcome(whole, shown.strip(), None))
        elif [ln.rstrip() for ln in shown.strip("\n").split("\n")] == [ln.rstrip() for ln in real_out.split("\n")]:
            outcomes.append(Outcome(whole, shown.strip(), real_out))
        elif real_out and len(real_out.split("\n")) <= 30:
            fence = whole[:3]
            head = whole.split("\n", 1)[0]
            text = text.replace(whole, f"{head}\n{real_out}\n{fence}", 1)
            outcomes.append(Outcome(whole, shown.strip(), real_out, corrected=True))
        else:
            outcomes.append(Outcome(whole, shown.strip(), None))
    return text, outcomes, [summary(outcomes)] if outcomes else []


STATED = "stated_results"


def compared_of(check: Check) -> tuple[int, int]:
    """(compared, stated) from a ``stated_results`` check."""
    compared, stated = check.detail.split(" stated", 1)[0].split(" of ")
    return int(compared), int(stated)


def summary(outcomes: list[Outcome]) -> Check:
    """One check: how many stated results were compared with a real run, and how many corrected."""
    compared = [o for o in outcomes if o.compared]
    corrected = sum(o.corrected for o in compared)
    bits = [f"{len(compared)} of {len(outcomes)} stated result(s) compared with a run on Python {PYTHON_VERSION}"]
    if corrected:
        bits.append(f"{corrected} corrected to the real output")
    return Check(name=STATED, passed=len(compared) == len(outcomes), detail="; ".join(bits))


__all__ = ["STATED", "Outcome", "check_stated", "compared_of", "summary"]
