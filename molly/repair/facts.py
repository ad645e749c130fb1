"""What running and repairing the learner's code established, said for the draft and the badge.

``debug`` runs the repair search when the message holds a program that defines a function and
states what it should do (examples, asserts, "I expect … but I get …", a traceback's call). The
draft is then told the facts: each failing call with its real result or exception and the line
it points at, and, when a fix is verified, the line, what changed and (unless hints only) the
diff. A fix counts as verified when it meets every expectation and no other candidate that also
meets them behaves differently on inputs near the examples (on the tune split of
refactory_dev, fixes with a disagreeing rival were right 0 of 4 times). Not here: the search
itself (``search.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict

from molly.repair.expectations import learner_code, read_expectations
from molly.repair.search import PER_CALL_S, RepairReport, repair
from molly.sandbox import PYTHON_VERSION, Sandbox
from molly.schemas import BugNote, Check


class DebugFacts(BaseModel):
    """The facts for the draft, the checks for the badge, and the report."""

    model_config = ConfigDict(frozen=True)

    facts: list[str]
    checks: list[Check]
    report: RepairReport
    line: int | None = None  # the learner's line the facts point at

    def summary(self, hints_only: bool) -> str:
        """The facts as the learner sees them, above the explanation: what running the code
        showed, and the line (with the fix itself unless ``hints_only``). Written from the
        report, not by the model, so what was verified is stated exactly."""
        report, code = self.report, self.report.code
        if report.stopped or not (report.results or report.syntax_error):
            return ""
        out = [f"**What running your code showed** (Python {PYTHON_VERSION}, on the examples in your message):"]
        if report.syntax_error:
            se = report.syntax_error
            out.append(f"- it does not start: `SyntaxError` on line {se['line']}: {se['message']} "
                       f"(`{str(se['text']).strip()}`)")
        for r in report.results:
            e = r.expectation
            if r.status == "pass":
                out.append(f"- `{e.call}` gave `{r.actual}`, as expected")
            elif r.status == "error":
                out.append(f"- `{e.call}` raised `{r.error}`" + (f" on line {r.line}" if r.line else ""))
            elif r.status == "timeout":
                out.append(f"- `{e.call}` never finished (stopped after {PER_CALL_S:g} s)")
            else:
                out.append(f"- `{e.call}` gave `{r.actual}`; expected `{e.expected}`")
        fix = report.fix if verified(report) else None
        n = len(report.results)
        if fix is not None:
            where = f"line {fix.line}, `{_line_text(code, fix.line)}`"
            if hints_only:
                # A two-part repair ("...; ...") changes a second line too: say so, not "that line".
                change = "a change on that line and one more" if "; " in fix.description else "a change on that line"
                out.append(f"\n**Where the bug is:** {where}. Look at {idea(fix.description)}: {change} "
                           f"makes all {n} examples pass (Molly ran them).")
            else:
                out.append(f"\n**The fix, checked on all {n} examples:** {where} ({fix.description}).\n\n"
                           f"```diff\n{fix.diff}\n```")
        elif self.line:
            out.append(f"\n**Where to look first:** line {self.line}, `{_line_text(code, self.line)}`: "
                       f"{_why_there(report)}. Molly could not confirm a fix, so it will not guess one.")
            if (u := report.undecided) and report.fix is not None:
                out.append(f"\n**A question that decides it:** what should `{u.call}` give? Your code gives "
                           f"{_said(u.yours)}; the changes that fix your examples give "
                           f"{' or '.join(map(_said, u.values))}. Add it to your examples (`{u.call} -> ...`) and ask "
                           "again.")
        return "\n".join(out)

    def note(self) -> BugNote | None:
        """What this turn found, for the instructor's insight view; None when nothing failed."""
        report = self.report
        if report.syntax_error:
            return BugNote(function="", failing=0, kind="does not start: SyntaxError", fixed=False)
        failing = report.failing
        if not failing:
            return None
        first, fix = failing[0], report.fix if verified(report) else None
        if fix is not None:
            kind = idea(fix.description)
        elif first.status == "error":
            kind = f"raises {_error_name(first.error) or 'an exception'}"
        else:
            kind = "never finishes" if first.status == "timeout" else "gives a wrong result"
        return BugNote(function=first.expectation.call.split("(", 1)[0], failing=len(failing), kind=kind,
                       fixed=fix is not None)

    def guidance(self, hints_only: bool) -> str:
        """The facts as the draft's guidance; ``hints_only``: point at the line, never show the fix."""
        if not self.facts:
            return ""
        fix = self.report.fix if verified(self.report) else None
        if fix is None:
            tail = []
        elif hints_only:
            tail = [f"Give a hint that points at line {fix.line} and the idea behind the change; do not show the "
                    "corrected code."]
        else:
            tail = [f"The change:\n```diff\n{fix.diff}\n```\nExplain why the old line is wrong, then show the "
                    "changed line(s)."]
        return ("Facts from running the learner's code, already shown to them above your answer: " + " ".join(
            [*self.facts, *tail]) + " Do not repeat the facts and never contradict them: explain the idea behind "
            "them in two or three sentences, citing the docs where they help.")


def verified(report: RepairReport) -> bool:
    """A fix that meets every expectation, with no rival candidate behaving differently nearby."""
    return report.fix is not None and report.agree is not False


# What to look at, by the kind of change that fixed it; general wording, so a hint gives the idea
# without the corrected code.
_IDEAS = (("return` moved", "where the `return` is: inside the loop it ends the function on the first pass"),
          ("final `return", "what the function returns when it gets to its end without a `return`"),
          ("returns None", "what that method returns: it changes the object in place and returns `None`"),
          ("initial value `", "where that variable gets its first value"),
          ("moved below", "the order of those two statements"), ("assignment reversed", "which side of the `=` each "
                                                                                       "name is on"),
          ("one element added", "what `+` adds to a list or tuple: the items of another sequence, not one element"),
          ("append(x)", "where the new element goes"), ("parameter `", "the fixed number used there"),
          ("element `", "which value that line uses"),
          ("return ", "what the function gives back"), ("print(", "whether the function returns its result or only "
                                                                   "prints it"),
          ("tuple swap", "the two assignments: the second reads the value the first just replaced"),
          ("comparison", "the comparison"), ("operator", "the arithmetic"), ("initial value", "the starting value"),
          (" + 1`", "where the loop, slice or index stops or starts"), (" - 1`", "where the loop, slice or index stops "
                                                                                  "or starts"),
          ("constant", "the number used there"), ("variable", "which variable that line uses"),
          ("dict.fromkeys", "whether the order is kept"), ("truth value", "how emptiness is tested"),
          ("statement", "where that statement is"), ("(...)` ->", "the method called there"))


def idea(description: str) -> str:
    """What a hint should point at, for a fix described as ``description``."""
    return next((text for key, text in _IDEAS if key in description), "that line")


def _said(behaviour: str) -> str:
    """A probe's behaviour as said to the learner: "`3`", "raises `IndexError`", "never finishes"."""
    if behaviour.startswith("error:"):
        return f"raises `{behaviour.removeprefix('error:')}`"
    if behaviour.startswith("timeout:"):
        return "never finishes"
    return f"`{behaviour}`"


def look_first(report: RepairReport) -> int | None:
    """The line to point at when no fix is verified: where a change makes every example pass (rival
    changes disagreeing elsewhere), else the exception's line, else the most suspicious line. On
    refactory_dev's tune split, of 10 such turns the rival fix's line was a bug line 9 times, the
    exception's or most suspicious line 2 times."""
    if report.fix is not None:
        return report.fix.line
    if report.failing and report.failing[0].line:
        return report.failing[0].line
    return report.suspicious_lines[0] if report.suspicious_lines else None


def _why_there(report: RepairReport) -> str:
    """Why ``look_first`` points where it does, said as what the run showed (its three branches)."""
    if report.fix is not None:
        return ("a change there makes every example pass, but other changes do too and they give different results "
                "on other inputs, so which one is right is not certain")
    first = report.failing[0] if report.failing else None
    if first is not None and first.line:
        return (f"`{first.expectation.call}` raised `{_error_name(first.error) or 'the error'}` there; the cause can "
                "be a value set on an earlier line")
    failing, passing = len(report.failing), len(report.results) - len(report.failing)
    if not passing:
        which = ("the last line they all run that builds the value the function returns" if report.top_line_feeds_return
                 else "the first line they all run")
        return (f"every example fails, so running them cannot single out a line; it is {which}, a place to start "
                "following one example by hand")
    if report.top_line_runs is None:
        return "it runs in the failing example(s)"
    f, p = report.top_line_runs
    said = f"it runs in {_of(f, failing, 'failing example')}"
    if p == 0:
        return said + (" but not in the passing one" if passing == 1 else f" and in none of the {passing} passing ones")
    if p < passing:
        return said + f" and in only {p} of the {passing} passing ones"
    return said + (" and in the passing one" if passing == 1 else f" and in all {passing} passing ones") + (
        " too, so running them cannot single it out: it is only a place to start following one example by hand")


def _error_name(error: str) -> str:
    """The exception's name in a run's "Name: message" text."""
    return error.split(":", 1)[0].strip()


def _of(n: int, total: int, noun: str) -> str:
    """"the failing example", "both failing examples", "2 of the 3 failing examples"."""
    if total == 1:
        return f"the {noun}"
    if n == total:
        return f"both {noun}s" if n == 2 else f"all {n} {noun}s"
    return f"{n} of the {total} {noun}s"


def _line_text(code: str, line: int | None) -> str:
    lines = code.splitlines()
    return lines[line - 1].strip() if line and 1 <= line <= len(lines) else ""


Ask = Callable[[RepairReport], dict[str, Any] | None]
"""Asks for one more candidate (the LLM's corrected program) given what the search found."""


def debug(message: str, sandbox: Sandbox, ask: Ask | None = None) -> DebugFacts | None:
    """Run and try to repair the learner's code; None when the message has no program with
    stated expectations (then nothing was run). When the mutations give no verified fix,
    ``ask`` may supply one candidate, which is run against every expectation in a second job."""
    code = learner_code(message)
    if code is None:
        return None
    expectations = read_expectations(message, code)
    if not expectations:
        return None
    report = repair(code, expectations, sandbox)
    if ask is not None and not verified(report) and report.failing and not report.stopped:
        candidate = ask(report)
        if candidate is not None:
            # The search's own best guess, if rivals left it unconfirmed, runs beside the model's
            # program: the two must then agree near the examples, as any plausible fixes must.
            rival = report.fix
            given = [candidate] + ([{"description": rival.description, "source": rival.source, "line": rival.line,
                                     "origin": rival.origin}] if rival is not None else [])
            second = repair(code, expectations, sandbox, candidates=given, max_candidates=len(given))
            if second.fix is not None and (rival is None or second.agree):
                report = report.model_copy(update={"fix": second.fix, "agree": second.agree,
                                                   "plausible": second.plausible, "tried": report.tried + second.tried})
    if report.stopped:
        return DebugFacts(facts=[], checks=[Check(name="learner_code_ran", passed=False, detail=(
            f"your code could not be checked: {report.stopped}"))], report=report)
    facts: list[str] = []
    if report.syntax_error:
        se = report.syntax_error
        facts.append(f"Running the learner's code stops before it starts: SyntaxError on line {se['line']}: "
                     f"{se['message']} (`{se['text'].strip()}`).")
    failing = report.failing
    for r in failing[:3]:
        e = r.expectation
        if r.status == "error":
            facts.append(f"`{e.call}` raises {r.error}" + (f" on line {r.line} (`{_line_text(code, r.line)}`)."
                                                           if r.line else "."))
        elif r.status == "timeout":
            facts.append(f"`{e.call}` never finishes (stopped after the time limit): an endless loop.")
        else:
            facts.append(f"`{e.call}` returns `{r.actual}` but should return `{e.expected}`.")
    n = len(report.results)
    line = None
    checks = [Check(name="learner_code_ran", passed=True, detail=(
        f"ran your code on {n} example(s) from your message: {n - len(failing)} of {n} gave what you expected"))]
    if verified(report) and report.fix is not None:
        fix = report.fix
        line = fix.line
        facts.append(f"The bug is on line {fix.line}: `{_line_text(code, fix.line)}`. Changing it ({fix.description}) "
                     f"makes all {n} examples give the expected result (Molly ran them).")
        checks.append(Check(name="fix_verified", passed=True, detail=(
            f"a fix was verified on {n} of {n} examples (line {fix.line}: {fix.description})")))
    elif failing:
        line = look_first(report)
        if line:
            facts.append(f"Line {line} (`{_line_text(code, line)}`) is where to look first: {_why_there(report)}.")
        if report.undecided and report.fix is not None:
            facts.append(f"Molly could not confirm a fix: changes that fix the examples disagree on "
                         f"`{report.undecided.call}`, and the learner is already asked what it should give. Say so "
                         "plainly and explain what that line does. Do not guess a cause.")
        else:
            facts.append("Molly could not confirm a fix. Say so plainly, describe what running the code showed, and "
                         "ask the learner one question that helps them look at that line. Do not guess another cause.")
        checks.append(Check(name="fix_verified", passed=False, detail="no change that fixes every example was found"))
    else:
        facts.append("Every example the learner gave already works when Molly runs the code. Say so, and ask which "
                     "input goes wrong.")
    return DebugFacts(facts=facts, checks=checks, report=report, line=line)
