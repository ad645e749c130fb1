"""The learner's own code: find a runnable snippet in a message, run it, and say what happened.

A snippet pasted without a traceback is run in the sandbox; the question then carries what really
happened (the real traceback, or that it ran cleanly and what it printed), so that intent,
retrieval and the draft work from facts. Not here: running the answer's code (``reflect/codecheck``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from molly.document import python_blocks, repl_to_source
from molly.perceive.tracebacks import exception_of
from molly.sandbox import PYTHON_VERSION, Sandbox, needs_context
from molly.schemas import Check

# Fence labels of other programming languages learners paste (the labels GitHub's Markdown uses).
# 41a41e6: 0 of 845 dev messages flagged (refactory, cs1qa, intent, conala dev); recall not measured.
LANGUAGES = {"java": "Java", "c": "C", "cpp": "C++", "c++": "C++", "cs": "C#", "csharp": "C#", "js": "JavaScript",
             "javascript": "JavaScript", "ts": "TypeScript", "typescript": "TypeScript", "go": "Go", "rust": "Rust",
             "rs": "Rust", "ruby": "Ruby", "rb": "Ruby", "php": "PHP", "kotlin": "Kotlin", "swift": "Swift",
             "scala": "Scala", "r": "R", "matlab": "MATLAB", "lua": "Lua", "perl": "Perl", "haskell": "Haskell"}
# Tokens that exist only in another language; looked for in an unlabelled block that is not Python.
_FOREIGN_MARKS = [(re.compile(r"\bpublic\s+static\s+void\s+main\b|\bSystem\.out\.print"), "Java"),
                  (re.compile(r"^\s*#include\s*<|\bprintf\s*\(\s*\""), "C"), (re.compile(r"\bstd::|\bcout\s*<<"), "C++"),
                  (re.compile(r"\bconsole\.log\s*\(|\bfunction\s+\w+\s*\([^)]*\)\s*\{"), "JavaScript")]
_FENCE_LABEL = re.compile(r"```([\w+#-]*)[^\n]*\n(.*?)```", re.S)


def foreign_code(message: str) -> str | None:
    """The language of code the learner pasted when it is not Python (a fence labelled with another
    language, or an unlabelled block that does not parse as Python and holds a token only that
    language has); None otherwise. Molly cannot run it, and says so rather than guess."""
    for m in _FENCE_LABEL.finditer(message):
        label, code = m.group(1).lower(), m.group(2)
        if label in LANGUAGES:
            return LANGUAGES[label]
        if label in ("", "text", "code"):
            try:
                ast.parse(code)
                continue
            except (SyntaxError, ValueError):
                pass
            if found := next((name for pattern, name in _FOREIGN_MARKS if pattern.search(code)), None):
                return found
    return None


@dataclass(frozen=True)
class Reproduction:
    """What the learner's own snippet did when Molly ran it."""

    code: str
    traceback: str  # the real traceback, file paths replaced by "your code"; "" if it ran cleanly
    output: str

    @property
    def error(self) -> str:
        """The exception line, or "" if the snippet ran without one."""
        return self.traceback.strip().splitlines()[-1] if self.traceback.strip() else ""


def fenced_python(message: str) -> str:
    """The message's fenced Python blocks joined, doctest prompts removed ("" if there are none)."""
    return "\n".join(repl_to_source(c) if ">>>" in c else c for _, c in python_blocks(message))


def learner_snippet(question: str) -> str | None:
    """The learner's self-contained Python, if the question holds some: its fenced blocks joined,
    or the whole message when all of it parses as a few lines of Python. None otherwise."""
    source = fenced_python(question)
    if not python_blocks(question):
        lines = [ln for ln in question.strip().splitlines() if ln.strip()]
        if len(lines) < 2 or not any(re.search(r"[=()\[\]:]", ln) for ln in lines):
            return None
        source = question.strip()
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    if "input(" in source or len(source) > 8000:
        return None  # it would wait for input, or it is a whole program rather than a snippet
    return source


def reproduce(question: str, sandbox: Sandbox) -> Reproduction | None:
    """Run the learner's snippet (if the question holds one) in the sandbox. Only a real Python
    exception counts as reproduced: a fragment that needs files, modules or names from elsewhere
    says nothing about the learner's error."""
    code = learner_snippet(question)
    if code is None:
        return None
    result = sandbox.run(code)
    if result.timed_out or result.output_truncated or needs_context(result.error):
        return None
    traceback = "" if result.ok else re.sub(r'File "[^"]*main\.py"', 'File "your code"', result.stderr.strip())
    return Reproduction(code, "\n".join(traceback.splitlines()[-12:]), result.stdout[-2000:])


@dataclass(frozen=True)
class RunFacts:
    """What running a pasted snippet showed: the question with it appended (for the draft), the
    check, and the line the learner sees above the answer (written from the run, not the model)."""

    question: str
    checks: list[Check]
    summary: str = ""


def with_run_facts(question: str, sandbox: Sandbox | None) -> RunFacts:
    """The question with what running its pasted snippet showed appended, and a check saying so.
    Unchanged without a sandbox, a snippet, or when the learner pasted a traceback already."""
    if sandbox is None or exception_of(question):
        return RunFacts(question, [])
    repro = reproduce(question, sandbox)
    if repro is None:
        return RunFacts(question, [])
    if repro.error:
        note = f"When Molly ran this code on Python {PYTHON_VERSION}, it raised:\n```\n{repro.traceback}\n```"
        detail = f"your code, run on Python {PYTHON_VERSION}: {repro.error}"
        # The 1.5B model's explanation sometimes never names the error it was shown (a CI run:
        # "Here's how you can modify your code" for a KeyError), so the run's own fact leads.
        lines = re.findall(r'File "your code", line (\d+)', repro.traceback)
        where = f" on line {lines[-1]}" if lines else ""
        summary = f"**What running your code showed** (Python {PYTHON_VERSION}): it raised `{repro.error}`{where}."
        return RunFacts(f"{question}\n\n{note}", [Check(name="learner_code_ran", passed=True, detail=detail)], summary)
    else:
        printed = f" and printed:\n```\n{repro.output[:500]}\n```" if repro.output.strip() else "."
        note = f"When Molly ran this code on Python {PYTHON_VERSION}, it ran without an error{printed}"
        detail = f"your code ran without an error on Python {PYTHON_VERSION}"
    return RunFacts(f"{question}\n\n{note}", [Check(name="learner_code_ran", passed=True, detail=detail)])
