"""Apply an instructor's course steering to a turn: context and rules for the draft, then checks
on the checked answer (constructs not taught yet, the solution policy), visible in its checks.

The prompt asks; the checks enforce: a code block that uses an avoided construct, or (under
"hints only") a complete-looking solution to a solution request, is replaced by a note.
"""

from __future__ import annotations

import ast
import re

from molly.document import Fence, edit_fences, is_python
from molly.schemas import Check, CourseProfile, IntentKind

NO_COURSE = CourseProfile(name="")
"""The steering outside any course: no context, nothing avoided, hints only for graded work."""

# Names an instructor may put on the avoid-list, mapped to the syntax that is that construct.
_SYNTAX: dict[str, tuple[type, ...]] = {
    "lambda": (ast.Lambda,),
    "comprehension": (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp),
    "list comprehension": (ast.ListComp,),
    "dict comprehension": (ast.DictComp,),
    "set comprehension": (ast.SetComp,),
    "generator": (ast.GeneratorExp, ast.Yield, ast.YieldFrom),
    "yield": (ast.Yield, ast.YieldFrom),
    "class": (ast.ClassDef,),
    "try": (ast.Try, ast.TryStar),
    "exception handling": (ast.Try, ast.TryStar),
    "with": (ast.With, ast.AsyncWith),
    "while": (ast.While,),
    "for": (ast.For, ast.AsyncFor),
    "import": (ast.Import, ast.ImportFrom),
    "global": (ast.Global, ast.Nonlocal),
    "walrus": (ast.NamedExpr,),
    "match": (ast.Match,),
    "f-string": (ast.JoinedStr,),
    "async": (ast.AsyncFunctionDef, ast.Await, ast.AsyncFor, ast.AsyncWith),
    "assert": (ast.Assert,),
    "ternary": (ast.IfExp,),
    "recursion": (),  # checked separately: a function that calls itself
}


def guidance(profile: CourseProfile, intent: IntentKind) -> str:
    """Extra instructions for the draft from the course's steering."""
    parts = []
    if profile.context:
        parts.append(f"Course context: {profile.context.strip()}")
    if profile.avoid:
        parts.append("The learner has not been taught these yet, so do not use them in code or "
                     f"explanations: {', '.join(profile.avoid)}.")
    if intent is IntentKind.SOLUTION_REQUEST and profile.solution_policy == "worked_examples":
        parts.append("The course allows worked examples: you may show a worked example on similar but "
                     "different data, and explain each step.")
    return " ".join(parts)


def uses(code: str, construct: str) -> bool:
    """True if ``code`` uses ``construct`` (a key of ``_SYNTAX`` or any name, e.g. 'enumerate')."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    key = construct.strip().lower()
    if key == "recursion":
        return any(isinstance(f, ast.FunctionDef) and any(
            isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id == f.name for c in ast.walk(f))
            for f in ast.walk(tree))
    if key in _SYNTAX:
        return any(isinstance(node, _SYNTAX[key]) for node in ast.walk(tree))
    if key.isidentifier():
        return any((isinstance(n, ast.Name) and n.id == key) or (isinstance(n, ast.Attribute) and n.attr == key)
                   or (isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == key) for n in ast.walk(tree))
    return False


def apply(text: str, profile: CourseProfile, intent: IntentKind) -> tuple[str, list[Check]]:
    """The answer with code blocks that break the course's rules replaced by a note, and the
    checks saying what was applied."""
    checks = [Check(name="course_steering", passed=True,
                    detail=f"course {profile.name}: context{', avoid-list' if profile.avoid else ''} and "
                           f"{profile.solution_policy.replace('_', ' ')} policy applied")] if profile.name else []
    broken: list[str] = []

    def block(f: Fence) -> str | None:
        code = f.code
        if not is_python(f.label):
            return None
        found = [c for c in profile.avoid if uses(code, c)]
        if found:
            broken.append(f"avoided construct(s) {', '.join(found)}")
            return f"*(An example here used {', '.join(found)}, which this course has not covered yet, so it was removed.)*"
        if (intent is IntentKind.SOLUTION_REQUEST and profile.solution_policy == "hints_only"
                and sum(1 for line in code.splitlines() if line.strip()) > 3):
            broken.append("complete code for graded work")
            return "*(Full code was removed: this course gives hints for graded work, not solutions.)*"
        return None

    text = edit_fences(text, block)
    if profile.avoid:
        # The final answer complies either way; the detail says whether the draft had to be cut.
        checks.append(Check(name="course_avoid_list", passed=True,
                            detail="; ".join(b for b in broken if "avoided" in b) or
                                   f"no code uses {', '.join(profile.avoid)}"))
    if intent is IntentKind.SOLUTION_REQUEST:
        leaked = any("graded" in b for b in broken)
        checks.append(Check(name="solution_policy", passed=True,
                            detail="removed complete code" if leaked else profile.solution_policy.replace("_", " ")))
    return text, checks


def _defined(code: str) -> set[str]:
    return set(re.findall(r"^\s*def\s+(\w+)\s*\(", code, re.M))


LEAK_SHARE = 0.8  # the issue's own rule (>= 80 % of the fixed program's lines), not a tuned figure


def without_fix(text: str, original: str, fixed: str) -> tuple[str, int]:
    """Under hints only: the answer with every Python block that shows the verified fix replaced
    by a note. A block shows the fix when it holds a line the fix changed and at least
    ``LEAK_SHARE`` of the fixed program's lines (spaces ignored); the learner's own code, quoted
    back unchanged, is not the fix. The model's own corrected version is a corrected program too,
    whether or not a fix was verified (``fixed`` may be empty): a block that redefines one of the
    learner's functions and differs from it goes (the held-out hints-only run showed 3 such
    rewrites in 34 answers: a different fix, a rewrite with a set, an unverified fix)."""
    def squeeze(code: str) -> list[str]:
        try:  # one layout for both sides (quotes, brackets, spacing), comments dropped
            code = ast.unparse(ast.parse(code))
        except SyntaxError:
            pass
        return ["".join(ln.split("#")[0].split()) for ln in code.splitlines() if "".join(ln.split("#")[0].split())]

    fix_lines, before = squeeze(fixed), set(squeeze(original))
    changed = [ln for ln in fix_lines if ln not in before]
    names = _defined(original)
    removed = 0

    def block(f: Fence) -> str | None:
        nonlocal removed
        if not is_python(f.label):
            return None
        shown = set(squeeze(f.code))
        rewrite = bool(names & _defined(f.code)) and shown != before
        if rewrite or changed and any(ln in shown for ln in changed) and sum(ln in shown for ln in fix_lines) >= LEAK_SHARE * len(fix_lines):
            removed += 1
            return "*(The corrected code was removed: this course gives hints, so you can make the change yourself.)*"
        return None

    return edit_fences(text, block), removed
