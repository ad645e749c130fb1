"""Run the Python blocks of an answer in the sandbox and act on what really happens.

* A block that raises a real error (``TypeError``, ``IndexError`` ...) is replaced by a note
  with the real error line, unless the answer's prose names that error (then the error is
  the point of the example); a sentence that only introduces or describes that block goes too.
* A block that opens a file it does not have (``open('example.txt')``) is run again with a small
  sample file of that name (lines of text, a CSV table, a JSON object), so the rest of it is
  checked too: "read a file line by line" called ``f.filelineno()``, which file objects lack.
* A block that cannot run on its own (a fragment using names defined elsewhere, a file it still
  cannot get, a third-party module, ``input()``) is kept and reported as not run to the end, with why.
* ``# output`` comments on top-level ``print`` lines are compared with what was printed and
  corrected when they differ.

Each block gets a check saying it ran on Python 3.11 in the sandbox (or why not).
"""

from __future__ import annotations

import ast
import builtins
import re
import sys
from collections.abc import Callable, Sequence

from molly.document import (
    outside_fences,
    python_blocks,
    recode_python_block,
    repl_to_source,
    replace_python_block,
    segments,
    without_example_talk,
    without_output,
)
from molly.sandbox import PYTHON_VERSION, RunResult, Sandbox, missing_from_stdlib, needs_context
from molly.schemas import Check, Passage

_PRINT_COMMENT = re.compile(r"^(print\(.*\))(\s*#\s*)(.+?)\s*$")
_STDLIB_ATTRIBUTE = re.compile(r"^AttributeError: module '([\w.]+)' has no attribute '(\w+)'")
# A relative path without "..": written inside the sandbox's working folder, nowhere else.
_MISSING_FILE = re.compile(r"^FileNotFoundError: \[Errno 2\] No such file or directory: '((?!/)(?!.*\.\.)[\w./ -]+)'$")
MAX_SAMPLE_FILES = 3
SAMPLE_CONTENT = {".csv": "name,age,city\nAda,36,London\nAlan,41,Manchester\nGrace,85,New York\n",
                  ".json": '{"name": "Ada", "age": 36, "languages": ["Python", "C"]}\n'}
SAMPLE_TEXT = "first line\nsecond line\nthird line\n"
# Errors a sample file's content may cause where the learner's own file would not (int("first
# line"), a missing column or key); any other error on a sample is the code's own.
# Conservative: such a block is kept and claims nothing about its output; not measured (42d43cf).
_CONTENT_ERRORS = ("ValueError", "KeyError", "IndexError", "json.decoder.JSONDecodeError", "UnicodeDecodeError",
                   "StopIteration", "ZeroDivisionError")


def _missing_attribute(error: str) -> tuple[str, str] | None:
    """(name, module) when ``error`` says a standard-library module has no such attribute
    (``itertools.unique_everseen(...)``)."""
    m = _STDLIB_ATTRIBUTE.match(error)
    return (m.group(2), m.group(1)) if m and m.group(1).split(".")[0] in sys.stdlib_module_names else None


def _correct_import_claims(text: str, name: str, module: str, correction: str = "") -> str:
    """The answer with its prose sentences that name both ``name`` and ``module`` replaced by a
    ``correction`` (once): the example's import has just shown the claim false, and the
    verdict had passed "use the `unique_everseen` function from the `itertools` module [1]"."""
    correction = correction or f"*(Python {PYTHON_VERSION}'s `{module}` has no `{name}`: importing it failed.)*"
    out, corrected = [], False
    for is_sentence, piece in segments(text):
        if is_sentence and (re.search(rf"(?<![\w.]){re.escape(module)}\.{re.escape(name)}(?!\w)", piece) or all(
                re.search(rf"(?<![\w.]){re.escape(w)}(?![\w])", piece) for w in (name, module))):
            if not corrected:
                out.append(correction)
                corrected = True
            continue
        out.append(piece)
    return "".join(out)


def _docs_definition(name: str, passages: Sequence[Passage]) -> tuple[str, int] | None:
    """(source, citation number) of the first complete top-level ``def name(...)`` in a passage's
    whole text. The docs give recipes to copy, not to import: the 1.5B model wrote ``from
    itertools import unique_everseen`` in most answers on removing duplicates in order."""
    start = re.compile(rf"^def {re.escape(name)}\(", re.M)
    for p in passages:
        text = p.whole_text or p.chunk.text
        for m in start.finditer(text):
            first, *rest = text[m.start():].split("\n")
            body = [first]
            for line in rest:
                if line.strip() and not line[0].isspace():  # back at the top level (or the closing fence)
                    break
                body.append(line)
            source = "\n".join(body).rstrip()
            try:
                tree = ast.parse(source)
            except (SyntaxError, ValueError):
                continue  # the definition runs past the chunk's end
            if len(tree.body) == 1 and isinstance(tree.body[0], ast.FunctionDef):
                return source, p.ref
    return None


def _free_names(function_source: str) -> list[str]:
    """Names a function reads that it neither binds nor gets from builtins, in first-use order."""
    nodes = list(ast.walk(ast.parse(function_source)))
    bound = {n.arg for n in nodes if isinstance(n, ast.arg)}
    bound |= {n.id for n in nodes if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    bound |= {n.name for n in nodes if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}
    read = (n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))
    return [n for n in dict.fromkeys(read) if n not in bound and not hasattr(builtins, n)]


def _without_import(code: str, name: str, module: str) -> str | None:
    """``code`` with ``name`` dropped from its one-line ``from module import ...``; None if no
    such line imports it (an aliased import, one over several lines)."""
    lines = code.split("\n")
    target = re.compile(rf"from\s+{re.escape(module)}\s+import\s+([\w\s,]+?)\s*$")
    for at, line in enumerate(lines):
        names = [n.strip() for n in m.group(1).split(",")] if (m := target.match(line)) else []
        if name in names:
            others = [n for n in names if n != name]
            lines[at] = f"from {module} import {', '.join(others)}" if others else ""
            return "\n".join(lines)
    return None


def _recipe_definitions(name: str, passages: Sequence[Passage]) -> tuple[dict[str, str], int] | None:
    """The passages' definitions (name -> source) of ``name`` and of the recipes it calls
    (``sum_of_squares`` calls the ``sumprod`` recipe), and the citation number of ``name``'s;
    None if none defines it."""
    definitions: dict[str, str] = {}
    refs: list[int] = []
    todo, seen = [name], {name}
    while todo:
        wanted = todo.pop(0)
        if (found := _docs_definition(wanted, passages)) is None:
            continue  # not a recipe: an import provides it
        definitions[wanted] = found[0]
        refs.append(found[1])
        for free in _free_names(found[0]):
            if free not in seen:
                seen.add(free)
                todo.append(free)
    return (definitions, refs[0]) if name in definitions else None


def _with_definition(code: str, name: str, module: str, definitions: dict[str, str],
                     imported: bool = True) -> str | None:
    """``code`` with ``name`` dropped from its import (``imported``) or ``module.name`` made plain
    ``name`` (not ``imported``), and ``definitions`` put after the leading imports, with the imports
    they need; None if the code does not use ``name`` in that way."""
    if imported:
        used = _without_import(code, name, module)
    else:
        used = re.sub(rf"(?<![\w.]){re.escape(module)}\.{re.escape(name)}\b", name, code)
    if used is None or used == code:
        return None
    lines = used.rstrip("\n").split("\n")
    free = [n for n in dict.fromkeys(f for d in definitions.values() for f in _free_names(d)) if n not in definitions]
    needed = [f"import {n}" for n in free if n in sys.stdlib_module_names]
    if from_module := [n for n in free if n not in sys.stdlib_module_names]:
        needed.insert(0, f"from {module} import {', '.join(from_module)}")
    head = 0  # the leading imports (and blank lines) stay above the definition
    while head < len(lines) and (not lines[head].strip() or re.match(r"(from|import)\s", lines[head])):
        head += 1
    imports = [line for line in [*needed, *lines[:head]] if line.strip()]
    parts = ["\n".join(imports), *definitions.values(), "\n".join(lines[head:]).strip("\n")]
    new = "\n\n\n".join(part for part in parts if part)
    return new + "\n" if code.endswith("\n") else new


# Check details the badge reads (``reflect/badge.py``).
NOTHING_TO_RUN = "nothing to run: the block holds only comments or placeholders"
OUTPUT_MATCHES = "its output comments match what it printed"
OUTPUT_CORRECTED = "corrected its output comments to what it printed"
OUTPUT_VARIES = "its output varies from run to run, so its output comments were not compared"
Fixer = Callable[[str, str], "str | None"]  # (code, real error) -> corrected code, or None


def check_code(text: str, sandbox: Sandbox, fix: Fixer | None = None,
               passages: Sequence[Passage] = ()) -> tuple[str, list[Check]]:
    """The answer with failing blocks replaced and output comments corrected; one check per block run.
    A block that imports or uses a name its standard-library module lacks but a passage defines
    (a docs recipe) gets that definition instead, if it then runs. With ``fix``, a failing block is then
    offered for revision with its real error; the revision replaces it only if it parses and
    runs without an error."""
    checks: list[Check] = []
    prose = outside_fences(text)
    gone = 0  # blocks replaced by a note so far: the n-th block is now python block n - 1 - gone

    def recode(text: str, n: int, code: str) -> str:
        return recode_python_block(text, n - 1 - gone, code)

    for n, (block, code) in enumerate(python_blocks(text), start=1):
        source = repl_to_source(code) if ">>>" in code else code
        try:
            ast.parse(source)
        except (SyntaxError, ValueError):
            continue  # the syntax check reports it
        if "input(" in source:
            checks.append(Check(name=f"code_ran_{n}", passed=True, detail="not run: it reads input()"))
            continue
        if not has_statements(source):
            checks.append(Check(name=f"code_ran_{n}", passed=True, detail=NOTHING_TO_RUN))
            continue
        result, samples = run_with_samples(sandbox, source)
        error = result.error
        kind = error.split(":", 1)[0].strip() if error else ""
        where = f"Python {PYTHON_VERSION}, {result.isolation}" + (
            f", with a sample {', '.join(samples)} standing in for the learner's file" if samples else "")
        if result.ok:
            # What it printed from a sample file says nothing about the comments' output.
            fixed, compared = (code, 0) if samples else _fix_output_comments(code, result.stdout)
            if compared and sandbox.run(source).stdout != result.stdout:
                # Random numbers, times: one run's output is no truer than the comment's.
                checks.append(Check(name=f"code_ran_{n}", passed=True, detail=f"ran on {where}; {OUTPUT_VARIES}"))
                continue
            if fixed != code:
                text = recode(text, n, fixed)
                checks.append(Check(name=f"code_ran_{n}", passed=True,
                                    detail=f"ran on {where}; {OUTPUT_CORRECTED}"))
            else:
                checks.append(Check(name=f"code_ran_{n}", passed=True, detail=f"ran on {where}" + (
                    f"; {OUTPUT_MATCHES} ({compared})" if compared else "")))
        elif needs_context(error):
            checks.append(Check(name=f"code_ran_{n}", passed=True,
                                detail=f"not run to the end on {where}: a fragment ({error})"))
        elif samples and kind in _CONTENT_ERRORS:
            # int(line) on "first line" fails; the learner's own file may well hold numbers.
            checks.append(Check(name=f"code_ran_{n}", passed=True,
                                detail=f"not run to the end on {where}: it depends on what the file holds ({error})"))
        elif kind and re.search(rf"\b{re.escape(kind)}\b", prose):
            checks.append(Check(name=f"code_ran_{n}", passed=True, detail=f"raises {kind} on {where}, as the answer says"))
        elif (recipe := _recipe_used(code, error, sandbox, passages)) is not None:
            fixed, name, module, ref = recipe
            text = _correct_import_claims(text, name, module, (
                f"*(`{name}` is not part of Python {PYTHON_VERSION}'s `{module}` module: it is a recipe "
                f"given in [{ref}], so the example includes its definition.)*"))
            text = recode(text, n, fixed)
            checks.append(Check(name=f"code_ran_{n}", passed=True, detail=(
                f"failed on {where}: {error}; `{name}` is a recipe in passage [{ref}]: "
                "its definition was added, and the block ran")))
        elif fix is not None and (revised := _revised(code, error, sandbox, fix)) is not None:
            text = recode(text, n, revised)
            checks.append(Check(name=f"code_ran_{n}", passed=True, detail=(
                f"failed on {where}: {error}; revised with that error, and the revision ran")))
        else:
            if missing := missing_from_stdlib(error):  # before the note, which names both too
                text = _correct_import_claims(text, *missing)
            note = f"*(An example was removed: run on Python {PYTHON_VERSION} it failed with `{error}`.)*"
            text = without_example_talk(replace_python_block(without_output(text, block), n - 1 - gone, note), note)
            gone += 1
            checks.append(Check(name=f"code_ran_{n}", passed=False, detail=f"failed on {where}: {error}; removed"))
    return text, checks


def _recipe_used(code: str, error: str, sandbox: Sandbox,
                 passages: Sequence[Passage]) -> tuple[str, str, str, int] | None:
    """(code with the recipe defined, name, module, citation number) when ``error`` is an import
    or use of a name its standard-library module lacks, a passage defines it, and the block then runs."""
    if missing := missing_from_stdlib(error):
        imported = True
    elif missing := _missing_attribute(error):
        imported = False
    else:
        return None
    if (found := _recipe_definitions(missing[0], passages)) is None:
        return None
    new = _with_definition(code, *missing, found[0], imported)
    if new is None or not (result := sandbox.run(new)).ok:
        return None
    return _fix_output_comments(new, result.stdout)[0], *missing, found[1]


def _revised(code: str, error: str, sandbox: Sandbox, fix: Fixer) -> str | None:
    """The fixer's version of a failing block, if it parses and runs cleanly; else None."""
    new = fix(code, error)
    if not new or new.strip() == code.strip():
        return None
    try:
        ast.parse(new)
    except (SyntaxError, ValueError):
        return None
    result, samples = run_with_samples(sandbox, new)
    if not result.ok:
        return None
    new = new.rstrip("\n") if samples else _fix_output_comments(new.rstrip("\n"), result.stdout)[0]
    return new + "\n" if code.endswith("\n") else new  # the closing fence stays on its own line


def run_with_samples(sandbox: Sandbox, code: str) -> tuple[RunResult, list[str]]:
    """Run ``code``; while it stops at a relative file that does not exist (at most
    ``MAX_SAMPLE_FILES``), write a sample file of that name first and run it again. Returns the
    last run and the sample files it had."""
    samples: list[str] = []
    result = sandbox.run(code)
    while (len(samples) < MAX_SAMPLE_FILES and "__future__" not in code
           and (m := _MISSING_FILE.match(result.error)) and m.group(1) not in samples):
        samples.append(m.group(1))
        result = sandbox.run(_with_samples(code, samples))
    return result, samples


def _with_samples(code: str, paths: list[str]) -> str:
    """``code`` after one line per path that writes its sample content (through ``__import__``,
    so the code's own names are untouched)."""
    lines = [f"__import__('pathlib').Path({p!r}).parent.mkdir(parents=True, exist_ok=True); "
             f"__import__('pathlib').Path({p!r}).write_text({_sample(p)!r})" for p in paths]
    return "\n".join([*lines, code])


def _sample(path: str) -> str:
    """Sample content for a file the code expects: a table for .csv, an object for .json, else lines."""
    return SAMPLE_CONTENT.get(path[path.rfind("."):].lower() if "." in path else "", SAMPLE_TEXT)


def _fix_output_comments(code: str, stdout: str) -> tuple[str, int]:
    """Correct ``print(...)  # value`` comments when there is exactly one output line per
    commented top-level print, in order; otherwise leave the code as it is. Also returns how many
    comments were compared with the real output (0: none could be)."""
    lines = code.split("\n")
    commented = [i for i, line in enumerate(lines) if _PRINT_COMMENT.match(line)]
    prints = [i for i, line in enumerate(lines) if line.startswith("print(")]
    out = stdout.rstrip("\n").split("\n") if stdout.strip() else []
    if not commented or commented != prints or len(out) != len(prints) or any(line[:1] in " \t" and "print(" in line
                                                                                for line in lines):
        return code, 0
    for i, real in zip(commented, out, strict=True):
        m = _PRINT_COMMENT.match(lines[i])
        assert m is not None
        if m.group(3).strip() != real.strip():
            lines[i] = f"{m.group(1)}{m.group(2)}{real.strip()}"
    return "\n".join(lines), len(commented)


def has_statements(source: str) -> bool:
    """False for a block that does nothing when run: only comments, ``pass``, ``...`` or a bare
    string (running it checks nothing, so it must not count as an example that ran)."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return True  # the syntax check reports it
    return any(not (isinstance(node, ast.Pass) or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)))
               for node in body)
