"""Candidate repairs of a learner's program: general mutation operators of the program-repair
literature, applied near the suspicious lines.

Standard library only, no molly imports (``astedit.py`` and ``statements.py`` beside it are loaded
with it): this file's source also runs inside the sandbox, where ``harness.py`` generates and tries
the candidates in one job. Each candidate is a whole program (``ast.unparse`` of the mutated
module, so comments and spacing are normalised; diffs are shown between normalised versions) with
the original line it changes and a one-line description.
Not here: running anything (``harness.py``) or choosing among passing candidates (``search.py``).
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Callable, Iterator

try:
    from molly.repair.astedit import edit, nodes, op_text, parent_map, replace, scope_names, text
except ImportError:  # in the sandbox, where the job loads these files as top-level modules
    from astedit import (  # type: ignore[import-not-found,no-redef]
        edit,
        nodes,
        op_text,
        parent_map,
        replace,
        scope_names,
        text,
    )

try:
    from molly.repair.statements import statement_ops
except ImportError:  # in the sandbox, where the job loads these files as top-level modules
    from statements import statement_ops  # type: ignore[import-not-found,no-redef]

Candidate = tuple[str, str, int]  # (description, source, original line changed)

# refactory_dev (repair_search.json): comparison swaps chose 10 fixes, 7 passing the hidden tests.
_CMP_SWAPS: dict[type, tuple[type, ...]] = {
    ast.Lt: (ast.LtE, ast.Gt, ast.Eq), ast.LtE: (ast.Lt, ast.GtE, ast.Eq), ast.Gt: (ast.GtE, ast.Lt, ast.Eq),
    ast.GtE: (ast.Gt, ast.LtE, ast.Eq), ast.Eq: (ast.NotEq, ast.LtE, ast.GtE), ast.NotEq: (ast.Eq,), ast.In: (ast.NotIn,), ast.NotIn: (ast.In,),
    ast.Is: (ast.Eq,), ast.IsNot: (ast.NotEq,),
}
_BIN_SWAPS: dict[type, tuple[type, ...]] = {
    ast.Add: (ast.Sub,), ast.Sub: (ast.Add,), ast.Mult: (ast.Add,), ast.Div: (ast.FloorDiv,),
    ast.FloorDiv: (ast.Div,), ast.Mod: (ast.FloorDiv,),
}
# Standard-library calls novices confuse for one another (method or builtin name -> alternatives).
CONFUSED_CALLS: dict[str, tuple[str, ...]] = {
    "pop": ("remove",), "remove": ("pop",), "append": ("extend",), "extend": ("append",),
    "find": ("index",), "index": ("find",), "max": ("min",), "min": ("max",),
    "keys": ("values", "items"), "values": ("keys", "items"), "items": ("keys", "values"),
    "lower": ("upper",), "upper": ("lower",), "sort": ("reverse",), "reverse": ("sort",),
}
_MISSPELT_CONSTANTS: dict[str, bool | None] = {"true": True, "false": False, "none": None, "null": None, "TRUE": True, "FALSE": False}


def _expression_ops(node: ast.AST, tree: ast.Module) -> Iterator[tuple[str, Callable[[ast.AST, ast.Module], bool]]]:
    """(description, in-place change) for one expression node."""
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        for alt in _CMP_SWAPS.get(type(node.ops[0]), ()):
            def swap(n: ast.AST, _: ast.Module, alt: type = alt) -> bool:
                assert isinstance(n, ast.Compare)
                n.ops = [alt()]
                return True
            yield f"comparison `{op_text(node.ops[0])}` -> `{op_text(alt())}`", swap
    if (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq))
            and isinstance(node.comparators[0], (ast.List, ast.Tuple, ast.Dict, ast.Constant))
            and not _truthy_known(node.comparators[0])):
        # `seq == []` is False for an empty tuple: emptiness is tested by truth value.
        def empty(n: ast.AST, t: ast.Module) -> bool:
            assert isinstance(n, ast.Compare)
            test: ast.expr = n.left if isinstance(n.ops[0], ast.NotEq) else ast.UnaryOp(ast.Not(), n.left)
            return replace(t, n, test)
        yield f"`{text(node)}` -> test by truth value", empty
    if isinstance(node, ast.BinOp):
        for alt in _BIN_SWAPS.get(type(node.op), ()):
            def binop(n: ast.AST, _: ast.Module, alt: type = alt) -> bool:
                assert isinstance(n, ast.BinOp)
                n.op = alt()
                return True
            yield f"operator `{op_text(node.op)}` -> `{op_text(alt())}`", binop
    if isinstance(node, ast.BoolOp):
        def boolop(n: ast.AST, _: ast.Module) -> bool:
            assert isinstance(n, ast.BoolOp)
            n.op = ast.Or() if isinstance(n.op, ast.And) else ast.And()
            return True
        yield "`and` <-> `or`", boolop
    if isinstance(node, ast.Constant) and type(node.value) is int:
        for delta in (1, -1):
            def const(n: ast.AST, _: ast.Module, delta: int = delta) -> bool:
                assert isinstance(n, ast.Constant) and isinstance(n.value, int)
                n.value = n.value + delta
                return True
            yield f"constant {node.value} -> {node.value + delta}", const
    if isinstance(node, ast.Name) and node.id in _MISSPELT_CONSTANTS and isinstance(node.ctx, ast.Load):
        value = _MISSPELT_CONSTANTS[node.id]

        def constant(n: ast.AST, t: ast.Module, value: bool | None = value) -> bool:
            return replace(t, n, ast.Constant(value))
        yield f"`{node.id}` -> `{value!r}`", constant
    if isinstance(node, ast.Call):
        yield from _call_ops(node)
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        for other in scope_names(tree, node):
            if other != node.id:
                def rename(n: ast.AST, _: ast.Module, other: str = other) -> bool:
                    assert isinstance(n, ast.Name)
                    n.id = other
                    return True
                yield f"variable `{node.id}` -> `{other}`", rename
    if isinstance(node, ast.Constant) and type(node.value) is int and _is_bound(node, tree, constants=True):
        # A size written as a number where the parameter was meant (`xs[:3]` for `xs[:k]`).
        for param in scope_names(tree, node, params_only=True):
            yield f"number `{node.value}` -> parameter `{param}`", _to_name(param)
    if (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and isinstance(node.slice, (ast.Constant, ast.UnaryOp))
            and isinstance(node.value, ast.Name)):
        # A fixed element (`xs[0]`) where the variable that tracks it was meant (`best`).
        for other in scope_names(tree, node):
            if other != node.value.id:
                yield f"element `{text(node)}` -> variable `{other}`", _to_name(other)
    # Bounds: an index, a range() or slice bound, or a len() one more or one less.
    if _is_bound(node, tree):
        for delta, sign in ((1, "+"), (-1, "-")):
            def bound(n: ast.AST, t: ast.Module, delta: int = delta) -> bool:
                assert isinstance(n, ast.expr)
                op: ast.operator = ast.Add() if delta > 0 else ast.Sub()
                return replace(t, n, ast.BinOp(copy.deepcopy(n), op, ast.Constant(1)))
            yield f"`{text(node)}` -> `{text(node)} {sign} 1`", bound


def _to_name(name: str) -> Callable[[ast.AST, ast.Module], bool]:
    def change(n: ast.AST, t: ast.Module) -> bool:
        return replace(t, n, ast.Name(name, ast.Load()))
    return change


def _call_ops(node: ast.Call) -> Iterator[tuple[str, Callable[[ast.AST, ast.Module], bool]]]:
    name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id if isinstance(
        node.func, ast.Name) else ""
    for alt in CONFUSED_CALLS.get(name, ()):
        def confused(n: ast.AST, _: ast.Module, alt: str = alt) -> bool:
            assert isinstance(n, ast.Call)
            if isinstance(n.func, ast.Attribute):
                n.func.attr = alt
            elif isinstance(n.func, ast.Name):
                n.func.id = alt
            return True
        yield f"`{name}(...)` -> `{alt}(...)`", confused
    if name == "insert" and isinstance(node.func, ast.Attribute) and len(node.args) == 2:
        # insert(0, x) puts x first; the learner usually meant to add it at the end.
        def append(n: ast.AST, _: ast.Module) -> bool:
            assert isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            n.func.attr, n.args = "append", [n.args[1]]
            return True
        yield "`insert(i, x)` -> `append(x)`", append
    if name in ("sorted", "sort"):
        def reverse(n: ast.AST, _: ast.Module) -> bool:
            assert isinstance(n, ast.Call)
            kept = [k for k in n.keywords if k.arg != "reverse"]
            if len(kept) == len(n.keywords):
                kept.append(ast.keyword("reverse", ast.Constant(True)))
            n.keywords = kept
            return True
        yield f"`{name}` order reversed", reverse
    if name == "set" and len(node.args) == 1:
        # A set forgets the order of first appearance; dict.fromkeys keeps it (same elements).
        def ordered(n: ast.AST, t: ast.Module) -> bool:
            assert isinstance(n, ast.Call)
            keys = ast.Attribute(ast.Name("dict", ast.Load()), "fromkeys", ast.Load())
            return replace(t, n, ast.Call(keys, n.args, []))
        yield "`set(...)` -> `dict.fromkeys(...)` (keeps the order)", ordered
    if name == "input":
        def as_int(n: ast.AST, t: ast.Module) -> bool:
            assert isinstance(n, ast.expr)
            return replace(t, n, ast.Call(ast.Name("int", ast.Load()), [copy.deepcopy(n)], []))
        yield "`input()` read as an `int`", as_int


def _truthy_known(node: ast.expr) -> bool:
    """Whether ``node`` is anything but an empty literal ([], (), {}, "", 0)."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return bool(node.elts)
    if isinstance(node, ast.Dict):
        return bool(node.keys)
    return not (isinstance(node, ast.Constant) and node.value in ("", 0) and not isinstance(node.value, bool))


def _is_bound(node: ast.AST, tree: ast.Module, constants: bool = False) -> bool:
    """Whether ``node`` is an index, a slice or range() bound, or a len() (a number only if ``constants``)."""
    if not isinstance(node, ast.expr) or (isinstance(node, ast.Constant) and not constants):
        return False
    parent = parent_map(tree).get(id(node))
    if isinstance(parent, ast.Subscript) and parent.slice is node:
        return True
    if isinstance(parent, ast.Slice):
        return True
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "range":
        return node in parent.args
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len"


def candidates(source: str, lines: list[int], limit: int = 400) -> list[Candidate]:
    """Single mutations of ``source`` on ``lines`` (most suspicious first), in that order; a
    line's expression operators first, then its statement operators. Duplicates dropped."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    rank = {line: r for r, line in enumerate(lines)}
    found: list[tuple[int, int, Candidate]] = []
    walked = nodes(tree)
    for index, node in enumerate(walked):
        line = getattr(node, "lineno", None)
        if line not in rank or isinstance(node, ast.stmt):
            continue
        for description, change in _expression_ops(node, tree):
            if (new := edit(tree, index, change)) is not None:
                found.append((rank[line], 0, (description, new, line)))
    positions = {id(n): i for i, n in enumerate(walked)}
    for owner, line, description, change in statement_ops(tree):
        if line not in rank:
            continue
        if (new := edit(tree, positions[id(owner)], change)) is not None:
            found.append((rank[line], 1, (description, new, line)))
    seen, out = {ast.unparse(tree)}, []
    for _, _, cand in sorted(found, key=lambda f: (f[0], f[1])):
        if cand[1] not in seen:
            seen.add(cand[1])
            out.append(cand)
    return out[:limit]


# Typos that keep a program from parsing, as (pattern on the error line, replacement, description).
_SYNTAX_FIXES = [
    (r"=!", "!=", "`=!` -> `!=`"), (r"=<", "<=", "`=<` -> `<=`"), (r"=>", ">=", "`=>` -> `>=`"),
    (r"<>", "!=", "`<>` -> `!=`"), (r"\belse if\b", "elif", "`else if` -> `elif`"), (r"&&", " and ", "`&&` -> `and`"),
    (r"\|\|", " or ", "`||` -> `or`"), (r"(?<![=!<>])=(?!=)", "==", "`=` -> `==` in a condition"),
    (r"\s*$", ":", "missing `:` added"), (r"\s*$", ")", "missing `)` added"),
]


def syntax_candidates(source: str, line: int) -> list[Candidate]:
    """Programs that parse after one typo fix on ``line`` (or the line before it, where Python
    often reports a missing colon or bracket), most specific fix first."""
    lines = source.splitlines()
    out: list[Candidate] = []
    for row in (line, line - 1):
        if not 1 <= row <= len(lines):
            continue
        text = lines[row - 1]
        for pattern, replacement, description in _SYNTAX_FIXES:
            if description.startswith("`=` -> `==`") and not re.match(r"\s*(if|elif|while)\b", text):
                continue
            for m in re.finditer(pattern, text):
                fixed = text[: m.start()] + replacement + text[m.end():]
                new = "\n".join([*lines[: row - 1], fixed, *lines[row:]])
                try:
                    ast.parse(new)
                except SyntaxError:
                    continue
                out.append((description, new, row))
                break
    return out
