"""Runs inside the sandbox: the learner's program against the expectations, fault localisation,
and the repair search, all in one job.

Standard library only, no molly imports: ``search.py`` sends this file's source with
``mutations.py`` and a JSON payload as one sandboxed program, which prints one JSON line.
Each run of a program is in-process in a fresh namespace: ``input()`` is fed from the
expectation, ``print`` output is captured (capped), each call has a time limit (a SIGALRM timer,
so an infinite loop is stopped), and ``MemoryError``/``RecursionError`` are results like any
exception. The sandbox's own limits (CPU, memory, wall clock, no network, scratch folder) hold
around the whole job. Not here: reading expectations from a message (``expectations.py``).
"""

from __future__ import annotations

import ast
import builtins
import io
import json
import math
import signal
import sys
import time
import traceback
from contextlib import redirect_stdout
from typing import Any

FILENAME = "your_code.py"
OUTPUT_CAP = 20_000
_RANK = {"error": 0, "timeout": 0, "fail": 1, "pass": 2}


class _Timeout(BaseException):
    """A call ran past its time limit (a BaseException, so learner code's `except Exception` cannot eat it)."""


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout()


class _CappedIO(io.StringIO):
    def write(self, s: str) -> int:
        if self.tell() < OUTPUT_CAP:
            return super().write(s[: OUTPUT_CAP - self.tell()])
        return len(s)


def _expected_value(text: str) -> tuple[bool, Any]:
    try:
        return True, ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False, None


def matches(actual: Any, expected: str) -> bool:
    """Whether a call's result is the expected literal (same type and value; floats nearly equal)."""
    ok, value = _expected_value(expected)
    if ok:
        try:
            if type(actual) is type(value) and actual == value:
                return True
            if isinstance(value, float) and isinstance(actual, (int, float)):
                return math.isclose(actual, value, rel_tol=1e-9, abs_tol=1e-9)
        except Exception:  # noqa: BLE001 - a learner object's __eq__ may raise
            return False
        return False
    return repr(actual) == expected.strip() or str(actual) == expected.strip().strip("'\"")


def run(source: str, exp: dict[str, Any], per_call_s: float, trace: bool = False) -> dict[str, Any]:
    """One program against one expectation: status pass/fail/error/timeout, the actual value's
    repr, printed output, the exception line and its line in the program, and (``trace``) the
    program's lines executed."""
    feed = list(exp.get("stdin", []))
    ns: dict[str, Any] = {"__name__": "__main__", "__builtins__": dict(vars(builtins))}
    ns["__builtins__"]["input"] = lambda prompt="": feed.pop(0) if feed else ""
    ns["__builtins__"]["exit"] = ns["__builtins__"]["quit"] = _no_exit
    lines: set[int] = set()

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename == FILENAME:
            if event == "line":
                lines.add(frame.f_lineno)
            return tracer
        return None

    out = _CappedIO()
    result: dict[str, Any] = {"status": "pass"}
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, per_call_s)
    try:
        if trace:
            sys.settrace(tracer)
        with redirect_stdout(out):
            exec(compile(source, FILENAME, "exec"), ns)  # noqa: S102 - this is the sandbox
            actual = eval(compile(exp["call"], "<call>", "eval"), ns) if exp.get("call") else None  # noqa: S307
        sys.settrace(None)
        signal.setitimer(signal.ITIMER_REAL, 0)
        result["actual"] = _short(actual)
        if exp.get("kind", "value") == "value" and not matches(actual, exp["expected"]):
            result["status"] = "fail"
    except _Timeout:
        sys.settrace(None)
        result = {"status": "timeout", "error": f"it did not finish within {per_call_s:g} s"}
    except BaseException as e:  # noqa: BLE001 - every exception of learner code is a result
        sys.settrace(None)
        signal.setitimer(signal.ITIMER_REAL, 0)
        frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename == FILENAME]
        result = {"status": "error", "error": f"{type(e).__name__}: {_short_text(str(e))}".rstrip(": "),
                  "line": frames[-1].lineno if frames else None}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    result["printed"] = out.getvalue()[-500:]
    if trace:
        result["lines"] = sorted(lines)
    return result


def _no_exit(*args: Any) -> None:
    raise SystemExit("the program called exit()")


def _short(value: Any) -> str:
    try:
        return _short_text(repr(value))
    except Exception:  # noqa: BLE001 - a learner object's __repr__ may raise
        return "<unprintable>"


def _short_text(text: str, n: int = 300) -> str:
    return text if len(text) <= n else text[:n] + "…"


def localise(results: list[dict[str, Any]], source: str) -> list[int]:
    """Program lines, most suspicious first: the failing calls' exception lines, then the lines
    executed by failing calls ranked by Ochiai (executed by many failing, few passing calls),
    then every other line (a wrong line need not run at all, e.g. a missing return)."""
    failed = [r for r in results if r["status"] != "pass"]
    first = [r["line"] for r in failed if r.get("line")]
    score: dict[int, float] = {}
    for line in {ln for r in failed for ln in r.get("lines", [])}:
        f, p = runs(line, results)
        score[line] = f / math.sqrt(len(failed) * (f + p)) if f else 0.0
    # A function's header runs on every call, so running says nothing about it, and a bare string (a
    # docstring) does nothing: they go last (line pointed at without a fix is a bug line: novice_bugs,
    # held out, 16 -> 21 of 34).
    headers = _headers(source)
    # Among lines that ran equally often, those that build the value returned come first, the last
    # one first (when every example fails the spectrum ties every line it ran). Line pointed at
    # without a fix is a bug line: novice, held out, 21 -> 23 of 34; refactory held out 26 -> 27.
    feeds = _feeds_return(source)
    ranked = sorted(score, key=lambda ln: (ln in headers, -score[ln], ln not in feeds, -ln if ln in feeds else ln))
    rest = sorted(range(1, len(source.splitlines()) + 1), key=lambda ln: (ln in headers, ln))
    return list(dict.fromkeys([*first, *ranked, *rest]))


def runs(line: int, results: list[dict[str, Any]]) -> tuple[int, int]:
    """How many failing and how many passing calls ran ``line``."""
    ran = [r["status"] == "pass" for r in results if line in r.get("lines", [])]
    return ran.count(False), ran.count(True)


def _feeds_return(source: str) -> set[int]:
    """Lines that set or change a variable some ``return`` gives back: assignments to it, loops
    over it as their target, and method calls or item stores on it (``xs.append(x)``, ``xs[i] = y``)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    out: set[int] = set()
    for fn in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
        names = {n.id for r in ast.walk(fn) if isinstance(r, ast.Return) and r.value is not None
                 for n in ast.walk(r.value) if isinstance(n, ast.Name)}
        for node in ast.walk(fn):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id in names:
                out.add(node.lineno)
            elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) and \
                    isinstance(node.value, ast.Name) and node.value.id in names:
                out.add(node.lineno)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    isinstance(node.func.value, ast.Name) and node.func.value.id in names:
                out.add(node.lineno)
    return out


def _headers(source: str) -> set[int]:
    """The lines of ``def`` and ``class`` headers (decorators included) and of bare constant
    statements (docstrings, strings used as comments): lines whose running says nothing."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    defs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    inert = [n for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)]
    return ({n.lineno for n in defs} | {d.lineno for n in defs for d in n.decorator_list}
            | {ln for n in inert for ln in range(n.lineno, (n.end_lineno or n.lineno) + 1)})


def passes(source: str, exps: list[dict[str, Any]], order: list[int], per_call_s: float,
           before: list[str]) -> tuple[bool, int]:
    """Whether ``source`` meets every expectation (tried in ``order``), and its progress: how many
    got better than their status ``before`` (an exception that became a wrong value counts).
    Stops early, with no progress, as soon as one gets worse."""
    progress, everything = 0, True
    for i in order:
        status = run(source, exps[i], per_call_s)["status"]
        if _RANK[status] < _RANK[before[i]]:
            return False, 0
        progress += _RANK[status] > _RANK[before[i]]
        everything = everything and status == "pass"
    return everything, progress


def _variants(value: Any) -> list[Any]:
    """Nearby inputs of the same type as an example argument."""
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [value - 1, value + 1, 0, -value, value * 10]
    if isinstance(value, str):
        return ["", value[::-1], value[:1], value + value[:1]]
    if isinstance(value, (list, tuple)):
        kind = type(value)
        out = [kind(), kind(reversed(value)), kind(value[: len(value) // 2]), kind([*value, *value[:1]])]
        try:
            out += [kind(sorted(value)), kind(sorted(value, reverse=True))]
        except TypeError:
            pass
        if value and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            out.append(kind(v + 1 for v in value))
        return out
    return []


def probes(exps: list[dict[str, Any]], limit: int = 40) -> list[str]:
    """Calls near the examples: one argument changed at a time to a nearby value of its type."""
    out: list[str] = []
    for e in exps:
        try:
            call = ast.parse(e["call"], mode="eval").body
            if not isinstance(call, ast.Call):
                continue
            args = [ast.literal_eval(a) for a in call.args]
            name = ast.unparse(call.func)
        except (ValueError, SyntaxError, TypeError, AttributeError, MemoryError, RecursionError):
            continue
        for i, arg in enumerate(args):
            for v in _variants(arg):
                text = f"{name}({', '.join(repr(a) for a in [*args[:i], v, *args[i + 1:]])})"
                if text not in out and all(text.replace(" ", "") != x["call"].replace(" ", "") for x in exps):
                    out.append(text)
    return out[:limit]


def behaviour(source: str, calls: list[str], per_call_s: float) -> list[str]:
    """What ``source`` gives for each call: the result's repr, or how it failed."""
    out = []
    for call in calls:
        r = run(source, {"call": call, "kind": "no_error"}, per_call_s)
        out.append(r.get("actual", "") if r["status"] == "pass" else r["status"] + ":" + r.get("error", "").split(":")[0])
    return out


def search(payload: dict[str, Any]) -> dict[str, Any]:
    """The whole job: run, localise, try candidates (given ones first, then single mutations,
    then a second mutation on the candidates that made the most progress); report, with whether
    the plausible fixes agree on inputs near the examples."""
    mutations = sys.modules["mutations"]  # put there by the job (search.py), from mutations.py's source
    t0 = time.monotonic()
    source, exps = payload["source"], payload["expectations"]
    per_call, budget, cap = payload["per_call_s"], payload["budget_s"], payload["max_candidates"]
    max_fixes = payload.get("max_fixes", 8)
    out: dict[str, Any] = {"tried": 0, "fixes": [], "syntax_error": None}
    base_source = source
    try:
        ast.parse(source)
    except SyntaxError as e:
        out["syntax_error"] = {"line": e.lineno, "offset": e.offset, "message": e.msg,
                               "text": (e.text or "").rstrip("\n")}
        fixed = mutations.syntax_candidates(source, e.lineno or 1)
        out["syntax_fixes"] = [{"description": d, "source": s, "line": ln} for d, s, ln in fixed]
        if not fixed:
            out["seconds"] = round(time.monotonic() - t0, 3)
            return out
        base_source = fixed[0][1]
    base = [run(base_source, e, per_call, trace=True) for e in exps]
    out["original"] = [{k: v for k, v in r.items() if k != "lines"} for r in base]
    failing = [i for i, r in enumerate(base) if r["status"] != "pass"]
    if not failing:
        if out["syntax_error"]:
            first = out["syntax_fixes"][0]
            out["fixes"].append({"description": first["description"], "source": base_source, "line": first["line"],
                                 "origin": "syntax"})
        out["seconds"] = round(time.monotonic() - t0, 3)
        return out
    order = failing + [i for i in range(len(exps)) if i not in failing]
    statuses = [r["status"] for r in base]
    suspicious = localise(base, base_source)[: payload.get("lines", 12)]
    out["suspicious_lines"] = suspicious
    # How many failing and passing calls ran the first suspicious line: the reason said for it.
    if suspicious:
        top = suspicious[0]
        out["top_line_runs"] = list(runs(top, base))
        out["top_line_feeds_return"] = top in _feeds_return(base_source)
    given = [(c["description"], c["source"], c.get("line", 0), c.get("origin", "given"))
             for c in payload.get("candidates", [])]
    singles = [(d, s, ln, "mutation") for d, s, ln in mutations.candidates(base_source, suspicious, cap)]
    progress: list[tuple[int, tuple[str, str, int, str]]] = []
    for cand in [*given, *singles]:
        if out["tried"] >= cap or time.monotonic() - t0 > budget or len(out["fixes"]) >= max_fixes:
            break
        out["tried"] += 1
        ok, better = passes(cand[1], exps, order, per_call, statuses)
        if ok:
            out["fixes"].append({"description": cand[0], "source": cand[1], "line": cand[2], "origin": cand[3]})
        elif better > 0 and cand[3] == "mutation":
            progress.append((better, cand))
    # A second mutation on the candidates that made the most progress (bugs of two parts).
    for _, (d1, s1, ln1, _o) in sorted(progress, key=lambda p: -p[0])[:5]:
        if out["fixes"]:
            break
        for d2, s2, ln2 in mutations.candidates(s1, suspicious, cap):
            if out["tried"] >= cap or time.monotonic() - t0 > budget:
                break
            out["tried"] += 1
            if passes(s2, exps, order, per_call, statuses)[0]:
                out["fixes"].append({"description": f"{d1}; {d2}", "source": s2, "line": ln1, "line2": ln2,
                                     "origin": "mutation"})
                break
    # Plausible fixes that disagree on inputs near the examples are guesses, not a verified repair.
    if len(out["fixes"]) > 1:
        calls = probes(exps)
        seen = [behaviour(f["source"], calls, per_call) for f in out["fixes"]]
        out["probes"] = len(calls)
        out["agree"] = all(b == seen[0] for b in seen[1:])
        if not out["agree"]:
            # The first input they disagree on: the question whose answer would decide between them.
            j = next(j for j in range(len(calls)) if len({b[j] for b in seen}) > 1)
            out["undecided"] = {"call": calls[j], "values": list(dict.fromkeys(b[j] for b in seen))[:3],
                                "yours": behaviour(base_source, [calls[j]], per_call)[0]}
    out["seconds"] = round(time.monotonic() - t0, 3)
    return out


def main() -> None:
    sys.setrecursionlimit(400)
    payload = json.loads(globals()["PAYLOAD"])  # set on this module by the job (search.py)
    result = search(payload)
    sys.stdout = sys.__stdout__
    print("\n" + json.dumps(result))
