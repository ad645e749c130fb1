"""Run the learner's code against their expectations and search for a verified repair: one
bounded sandbox job per turn.

The job (``harness.py`` and ``mutations.py`` sent as source with a JSON payload) runs the code,
localises the fault, tries given candidates (the LLM's) and mutations, and reports. Here the
passing candidates are filtered (no fix may special-case an example: a new condition that
compares with one of the examples' own values is rejected) and the smallest, by changed tokens,
becomes the verified fix. Not here: reading the expectations (``expectations.py``) or telling the
learner (``facts.py``).
"""

from __future__ import annotations

import ast
import difflib
import io
import json
import tokenize
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from molly.repair.expectations import Expectation
from molly.sandbox import Sandbox

MAX_CANDIDATES = 200  # candidate runs per turn (the bound), each against every expectation
BUDGET_S = 8.0  # the job's own budget inside the sandbox; the sandbox's wall clock is the hard stop
PER_CALL_S = 0.5  # one call of the learner's function: an infinite loop costs this, not the turn
# Values every program may compare with; a new comparison with any other example value special-cases it.
_GENERAL_VALUES = {0, 1, -1, "", None}  # True == 1 and False == 0 in a set


class CallResult(BaseModel):
    """One expectation as the learner's code met it."""

    model_config = ConfigDict(frozen=True)

    expectation: Expectation
    status: Literal["pass", "fail", "error", "timeout"]
    actual: str = ""
    error: str = ""
    line: int | None = None
    printed: str = ""


class Fix(BaseModel):
    """A verified repair: it meets every expectation."""

    model_config = ConfigDict(frozen=True)

    description: str
    source: str
    line: int  # the learner's line it changes
    origin: Literal["mutation", "syntax", "llm", "given"]
    diff: str
    changed_tokens: int


class Undecided(BaseModel):
    """Where plausible fixes disagree: the first nearby call on which they differ."""

    model_config = ConfigDict(frozen=True)

    call: str
    values: list[str]  # what the rival fixes give (a result's repr, or "error:Name" / "timeout:...")
    yours: str  # what the learner's code gives


class RepairReport(BaseModel):
    """What running and repairing the learner's code showed."""

    model_config = ConfigDict(frozen=True)

    code: str
    results: list[CallResult] = []
    syntax_error: dict[str, Any] | None = None
    suspicious_lines: list[int] = []
    top_line_runs: tuple[int, int] | None = None  # (failing, passing) calls that ran suspicious_lines[0]
    top_line_feeds_return: bool = False  # whether that line sets or changes a variable a `return` gives back
    fix: Fix | None = None
    tried: int = 0
    seconds: float = 0.0
    stopped: str = ""  # why the job ended early ("" if it ran to its end)
    plausible: int = 0  # candidates that met every expectation
    agree: bool | None = None  # whether those behave the same on inputs near the examples (None: one or none)
    undecided: Undecided | None = None  # where they do not

    @property
    def failing(self) -> list[CallResult]:
        return [r for r in self.results if r.status != "pass"]


def _source(name: str) -> str:
    return resources.files("molly.repair").joinpath(name).read_text(encoding="utf-8")


def job(code: str, expectations: list[Expectation], candidates: list[dict[str, Any]] | None = None,
        max_candidates: int = MAX_CANDIDATES, budget_s: float = BUDGET_S) -> str:
    """The sandbox program for one search."""
    payload = {"source": code, "per_call_s": PER_CALL_S, "budget_s": budget_s, "max_candidates": max_candidates,
               "expectations": [e.model_dump() for e in expectations], "candidates": candidates or []}
    modules = [f"{name} = sys.modules[{name!r}] = types.ModuleType({name!r}); exec(compile("
               f"{_source(name + '.py')!r}, {name + '.py'!r}, 'exec'), {name}.__dict__)"
               for name in ("astedit", "statements", "mutations")]  # each imports the ones before it
    return "\n".join([
        "import sys, types",
        *modules,
        f"harness = types.ModuleType('harness'); harness.PAYLOAD = {json.dumps(payload)!r}",
        f"exec(compile({_source('harness.py')!r}, 'harness.py', 'exec'), harness.__dict__)",
        "harness.main()",
    ])


def repair_sandbox(base: Sandbox | None = None) -> Sandbox:
    """A sandbox sized for one search: the wall clock is the turn's hard bound."""
    hide = tuple(Path(h) for h in base.hidden) if base is not None else ()
    return Sandbox(cpu_s=12, wall_s=12.0, memory_mb=512, output_bytes=1 << 20, hide=hide)


def repair(code: str, expectations: list[Expectation], sandbox: Sandbox,
           candidates: list[dict[str, Any]] | None = None, max_candidates: int = MAX_CANDIDATES) -> RepairReport:
    """Run ``code`` against ``expectations`` and search for a fix (see the module doc)."""
    run = sandbox.run(job(code, expectations, candidates, max_candidates))
    last = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    try:
        out = json.loads(last)
    except ValueError:
        why = run.error or "the search stopped without a report"
        return RepairReport(code=code, stopped=why)
    results = [CallResult(expectation=e, status=r["status"], actual=r.get("actual", ""), error=r.get("error", ""),
                          line=r.get("line"), printed=r.get("printed", ""))
               for e, r in zip(expectations, out.get("original", []), strict=False)]
    fixes = [f for f in out.get("fixes", []) if not special_cases(code, f["source"], expectations)]
    best = min(fixes, key=lambda f: changed_tokens(code, f["source"]), default=None)
    fix = Fix(description=best["description"], source=best["source"], line=best["line"] or first_changed_line(
              code, best["source"]),
              origin=best["origin"] if best["origin"] in ("mutation", "syntax", "llm") else "given",
              diff=diff(code, best["source"]), changed_tokens=changed_tokens(code, best["source"])) if best else None
    return RepairReport(code=code, results=results, syntax_error=out.get("syntax_error"),
                        suspicious_lines=out.get("suspicious_lines", []),
                        top_line_runs=tuple(out["top_line_runs"]) if out.get("top_line_runs") else None,
                        top_line_feeds_return=bool(out.get("top_line_feeds_return")), fix=fix, tried=out.get("tried", 0),
                        seconds=out.get("seconds", 0.0), plausible=len(out.get("fixes", [])), agree=out.get("agree"),
                        undecided=Undecided(**out["undecided"]) if out.get("undecided") else None)


def first_changed_line(before: str, after: str) -> int:
    """The first line of ``before`` that ``after`` changes or removes (layout ignored); 1 if none."""
    a = [" ".join(ln.split()) for ln in before.splitlines()]
    b = [" ".join(ln.split()) for ln in after.splitlines()]
    for tag, i1, _i2, _j1, _j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag != "equal":
            return min(i1 + 1, max(1, len(a)))
    return 1


def _normalised(source: str) -> str:
    try:
        return ast.unparse(ast.parse(source))
    except SyntaxError:
        return source


def _tokens(source: str) -> list[str]:
    try:
        return [t.string for t in tokenize.generate_tokens(io.StringIO(_normalised(source)).readline)
                if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT,
                                  tokenize.ENDMARKER)]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return source.split()


def changed_tokens(before: str, after: str) -> int:
    """Tokens inserted, deleted or replaced between two programs (layout and comments ignored)."""
    ops = difflib.SequenceMatcher(a=_tokens(before), b=_tokens(after), autojunk=False).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal")


def diff(before: str, after: str) -> str:
    """A unified diff of the two programs, both laid out the same way, so only the change shows."""
    a, b = _normalised(before).splitlines(), _normalised(after).splitlines()
    return "\n".join(difflib.unified_diff(a, b, "your code", "fixed", lineterm="", n=1))


def _example_values(expectations: list[Expectation]) -> set[Any]:
    values: set[Any] = set()
    for e in expectations:
        texts = [e.expected] if e.expected else []
        try:
            call = ast.parse(e.call, mode="eval").body
            texts += [ast.unparse(a) for a in getattr(call, "args", [])]
        except SyntaxError:
            pass
        for t in texts:
            try:
                v = ast.literal_eval(t)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                continue
            for item in [v, *(v if isinstance(v, (list, tuple)) else [])]:
                try:
                    hash(item)
                except TypeError:
                    continue
                if item not in _GENERAL_VALUES:
                    values.add(item)
    return values


def special_cases(before: str, after: str, expectations: list[Expectation]) -> bool:
    """Whether ``after`` adds a comparison with one of the examples' own values (``if x == 42:``):
    a fix must work for inputs the learner did not show, not recognise these."""
    try:
        old = {ast.dump(n) for n in ast.walk(ast.parse(before)) if isinstance(n, ast.Compare)}
        new = [n for n in ast.walk(ast.parse(after)) if isinstance(n, ast.Compare) and ast.dump(n) not in old]
    except SyntaxError:
        return False
    values = _example_values(expectations)
    for node in new:
        for c in ast.walk(node):
            if isinstance(c, ast.Constant) and isinstance(c.value, (int, float, str)) and c.value in values:
                return True
    return False
