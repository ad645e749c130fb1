"""Code review grounded in a maintained linter: pylint's beginner-relevant checks on the learner's code.

A 1.5B model asked to "review" code echoed the prompt or gave generic advice; pylint finds the
habits a teacher points out (``range(len(x))`` loops, mutable defaults, ``== None``, files opened
without ``with``, shadowed built-ins, unused names, a value computed and thrown away) with the line
each is on. The findings lead the answer, written from the linter's output, and the draft is told
to explain them. pylint parses the code (astroid); it never runs it. It runs as a subprocess with
a time and memory limit, so a pathological program costs at most that.
"""

from __future__ import annotations

import ast
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from molly.document import python_blocks
from molly.perceive.learner_code import fenced_python
from molly.schemas import Check

log = logging.getLogger(__name__)

# The checks asked for, most important first (errors, then likely bugs, then habits), each with
# advice in a beginner's words; the message id is pylint's. Style-only checks (naming, docstrings,
# line length, encodings) are left out: they crowd out what matters in a novice's program.
ADVICE: dict[str, str] = {
    "E0602": "this name is not defined where it is used",
    "E1120": "the call leaves out an argument the function needs",
    "E1121": "the call passes more arguments than the function takes",
    "E1111": "this assigns the result of a function that returns nothing (`None`)",
    "W0101": "this line comes after a `return` (or `break`) and never runs",
    "W0106": "this line computes a value and throws it away; did you mean to `print` it or `return` it?",
    "W0104": "this line has no effect; did you mean to `print` it, `return` it or call it?",
    "W0102": "a mutable default (`[]`, `{}`) is made once, when the function is defined, and shared by every call; "
             "use `None` and create it inside",
    "R1710": "some paths return a value and others return nothing (`None`)",
    "W0702": "a bare `except:` catches everything, even Ctrl-C; name the exception you expect",
    "W0622": "this name hides a built-in function of the same name; pick another name",
    "C0200": "loop over the items directly (`for x in xs:`), or use `enumerate(xs)` when you need the index too",
    "C0206": "loop over `d.items()` to get each key and value together",
    "C0201": "`for key in d:` already loops over the keys; `.keys()` is not needed",
    "C0121": "compare with `None`, `True` or `False` using `is`, or just write `if x:`",
    "C0123": "use `isinstance(x, T)` rather than comparing `type(x)`",
    "R1732": "open files with `with open(...) as f:` so they are closed even if something fails",
    "R1714": "`x == a or x == b` reads better as `x in (a, b)`",
    "W0612": "this variable is assigned but never used",
    "W0611": "this import is never used",
    "W0120": "this `else` on a loop always runs, as the loop has no `break`",
    "W0107": "this `pass` does nothing here",
}
MAX_SHOWN = 3
TIMEOUT_S = 15.0
MEMORY_BYTES = 1 << 30


@dataclass(frozen=True)
class Finding:
    """One thing pylint found: where, its id, pylint's own message, and the advice shown."""

    line: int
    code: str
    message: str
    advice: str
    text: str  # the line itself, stripped


@dataclass(frozen=True)
class Review:
    """The linter's findings on the learner's code: the check, the guidance for the draft, and the
    lines shown above the answer."""

    findings: list[Finding]
    check: Check
    guidance: str
    summary: str


def code_to_review(message: str) -> str | None:
    """The learner's Python: its fenced blocks joined (doctest prompts removed), or the whole
    message when all of it parses as Python. None when there is none or it does not parse (the
    SyntaxError is then the fact to tell, which running the code gives)."""
    source = fenced_python(message) if python_blocks(message) else message.strip()
    if not source.strip() or len(source) > 20_000:
        return None
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    # Prose that happens to parse ("hello") is not code: ask for at least one statement beyond names.
    return source if any(not isinstance(n, ast.Expr) or not isinstance(n.value, ast.Name) for n in tree.body) else None


def _limits() -> None:  # in the child, before pylint starts
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def lint(source: str) -> list[Finding] | None:
    """pylint's findings among ``ADVICE`` on ``source``, most important first, one per line and
    kind; None when pylint could not run (not installed, timed out, crashed)."""
    with tempfile.TemporaryDirectory(prefix="molly-lint-") as tmp:
        path = Path(tmp) / "your_code.py"
        path.write_text(source, encoding="utf-8")
        cmd = [sys.executable, "-m", "pylint", "--disable=all", f"--enable={','.join(ADVICE)}",
               "--output-format=json", "--score=n", "--persistent=n", "--jobs=1", str(path)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, cwd=tmp,
                                  env={"PATH": os.environ.get("PATH", ""), "PYLINTHOME": tmp},
                                  preexec_fn=_limits)  # noqa: PLW1509 - only setrlimit, no locks
            found = json.loads(done.stdout or "[]")
        except (OSError, subprocess.SubprocessError, ValueError) as e:
            log.info("pylint did not run: %s", e)
            return None
    lines = source.splitlines()
    order = list(ADVICE)
    out: dict[tuple[int, str], Finding] = {}
    for f in found:
        code, line = f.get("message-id", ""), int(f.get("line") or 0)
        if code in ADVICE and 0 < line <= len(lines):
            out.setdefault((line, code), Finding(line, code, f.get("message", ""), ADVICE[code], lines[line - 1].strip()))
    return sorted(out.values(), key=lambda f: (order.index(f.code), f.line))


def review(message: str) -> Review | None:
    """The linter's review of the code in ``message``, or None when there is no code to lint or
    pylint could not run."""
    source = code_to_review(message)
    findings = lint(source) if source is not None else None
    if findings is None:
        return None
    shown = findings[:MAX_SHOWN]
    if not shown:
        # The linter's silence says nothing about what the learner asked (a leap-year rule, aliasing):
        # telling the draft "nothing found" steered 5 of 10 blind-graded reviews away from the
        # learner's own question (eval/grades/review_ab), so then only the check records it.
        return Review([], Check(name="linted", passed=True, detail="pylint's beginner checks found nothing"), "", "")
    facts = "; ".join(f"line {f.line} (`{f.text}`): {f.advice}" for f in shown)
    summary = "\n".join(["**What a linter (pylint) found in your code:**",
                         *[f"- line {f.line}, `{f.text}`: {f.advice}" for f in shown]])
    more = f" ({len(findings) - len(shown)} more not shown)" if len(findings) > len(shown) else ""
    return Review(shown, Check(name="linted", passed=True, detail=f"pylint: {len(findings)} finding(s){more}"),
                  f"A linter (pylint) found, in the learner's code: {facts}. Base your suggestions on these "
                  "findings, one each, naming its line; explain why each matters.", summary)
