"""What the learner expects their code to do, read from their message by rules.

Recognised: example calls with results (``f(x) -> y``, ``f(x) should return y``, ``f(x) == y``),
doctest lines (``>>> f(x)`` and the line after), ``assert f(x) == y``, "When I run `f(x)` I
expect `y` but I get `z`", a pasted traceback's failing call (the call should not raise), and
"it never finishes" (the calls should finish). Only calls of functions the learner's code
defines count, and only results that are Python literals. Not here: running anything
(``search.py``); an LLM reading of expectations the rules miss.
"""

from __future__ import annotations

import ast
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

from molly.document import python_blocks

Kind = Literal["value", "no_error"]


class Expectation(BaseModel):
    """One call and what it should give: ``value`` (``expected`` is a Python literal) or
    ``no_error`` (it should return without raising, within the time limit)."""

    model_config = ConfigDict(frozen=True)

    call: str
    expected: str = ""
    kind: Kind = "value"
    source: str = ""  # how it was stated: "example", "doctest", "assert", "expect", "traceback", "instructor"


_ARROW = re.compile(r"^\s*(?:>>>\s*)?(?P<call>[A-Za-z_][\w.]*\(.*\))\s*(?:->|→|=>|==|returns?|should (?:return|be|give))"
                    r"\s*:?\s*(?P<expected>.+?)\s*\.?\s*$", re.I)
_ASSERT = re.compile(r"^\s*assert\s+(?P<call>[A-Za-z_][\w.]*\(.*\))\s*==\s*(?P<expected>.+?)\s*(?:,\s*['\"].*)?$")
_EXPECT = re.compile(r"`(?P<call>[A-Za-z_][\w.]*\([^`]*\))`[^`\n]{0,40}?\bexpect(?:ed)?\b[^`\n]{0,20}`(?P<expected>[^`]+)`",
                     re.I)
_TRACEBACK_CALL = re.compile(r"`(?P<call>[A-Za-z_][\w.]*\([^`]*\))`[^`\n]{0,60}\b(?:error|exception|traceback|crash)", re.I)
_NEVER_ENDS = re.compile(r"never (?:finishes|ends|stops|returns)|infinite loop|hangs|runs forever|keeps running", re.I)


def learner_code(message: str) -> str | None:
    """The learner's program: the first fenced Python block that defines a function."""
    for _, code in python_blocks(message):
        try:
            tree = ast.parse(code)
        except SyntaxError:
            if re.search(r"^\s*def \w+\(", code, re.M):
                return code  # a program that does not parse is still the program to help with
            continue
        if any(isinstance(n, ast.FunctionDef) for n in tree.body):
            return code
    return None


def defined_functions(code: str) -> set[str]:
    """Names of the functions ``code`` defines (by regex when it does not parse)."""
    return set(re.findall(r"^\s*def\s+(\w+)\s*\(", code, re.M))


def _literal(text: str) -> str | None:
    text = text.strip().strip("`").strip()
    try:
        ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return text


def _callable(call: str, names: set[str]) -> bool:
    try:
        node = ast.parse(call, mode="eval").body
    except SyntaxError:
        return False
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names


def _outside_code(message: str) -> str:
    """The message without its fenced blocks, but with the learner's doctest/assert lines kept."""
    return re.sub(r"```[^\n]*\n(.*?)```", lambda m: "\n".join(
        ln for ln in m.group(1).splitlines() if re.match(r"\s*(>>>|assert\b)", ln)), message, flags=re.S)


def read_expectations(message: str, code: str) -> list[Expectation]:
    """Every expectation the message states about ``code``'s functions, in order, without repeats."""
    names = defined_functions(code)
    found: list[Expectation] = []
    text = _outside_code(message)
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if (m := _ASSERT.match(line)) and (exp := _literal(m["expected"])) is not None:
            found.append(Expectation(call=m["call"], expected=exp, source="assert"))
        elif (m := _ARROW.match(line)) and (exp := _literal(m["expected"])) is not None:
            found.append(Expectation(call=m["call"], expected=exp, source="example"))
        elif (m := re.match(r"^\s*>>>\s*(?P<call>[A-Za-z_][\w.]*\(.*\))\s*$", line)) and i + 1 < len(lines):
            if (exp := _literal(lines[i + 1])) is not None:
                found.append(Expectation(call=m["call"], expected=exp, source="doctest"))
    for m in _EXPECT.finditer(message):
        if (exp := _literal(m["expected"])) is not None:
            found.append(Expectation(call=m["call"], expected=exp, source="expect"))
    for m in _TRACEBACK_CALL.finditer(message):
        found.append(Expectation(call=m["call"], kind="no_error", source="traceback"))
    if _NEVER_ENDS.search(message):
        found += [Expectation(call=e.call, kind="no_error", source="never_ends") for e in found if e.kind == "value"]
    out: dict[str, Expectation] = {}
    for e in found:
        if not _callable(e.call, names):
            continue
        key = e.call.replace(" ", "")
        if key not in out or (out[key].kind == "no_error" and e.kind == "value"):
            out[key] = e  # a stated value says more than "should not raise"
    return list(out.values())
