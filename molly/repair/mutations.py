"""Candidate repairs of a learner's program: general mutation operators of the program-repair
literature, applied near the suspicious lines.

Standard library only, no molly imports: this file's source also runs inside the sandbox, where
``harness.py`` generates and tries the candidates in one job. Each candidate is a whole program
(``ast.unparse`` of the mutated module, so comments and spacing are normalised; diffs are shown
between normalised versions) with the original line it changes and a one-line description.
Not here: running anything (``harness.py``) or choosing among passing candidates (``search.py``).
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Callable, Iterator

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
    "lower": ("upper",), "upper": ("lower",), "insert": ("append",), "sort": ("reverse",), "reverse": ("sort",),
}
_MISSPELT_CONSTANTS: dict[str, bool | None] = {"true": True, "false": False, "none": None, "null": None, "TRUE": True, "FALSE": False}
_INITIAL_SWAPS: dict[object, tuple[int | str, ...]] = {0: (1, -1), 1: (0,), "": (" ",), -1: (0,)}


def _nodes(tree: ast.AST) -> list[ast.AST]:
    return list(ast.walk(tree))


def _edit(tree: ast.Module, index: int, change: Callable[[ast.AST, ast.Module], bool]) -> str | None:
    """Source of a copy of ``tree`` whose ``index``-th node (``ast.walk`` order) ``change`` edited
    in place (returning False when it does not apply); None if not applicable or unparsable."""
    copied = copy.deepcopy(tree)
    node = _nodes(copied)[index]
    if not change(node, copied):
        return None
    try:
        ast.fix_missing_locations(copied)
        return ast.unparse(copied)
    except (ValueError, TypeError, AttributeError, RecursionError):
        return None


def _parents(tree: ast.AST) -> dict[int, ast.AST]:
    return {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _scope_names(tree: ast.Module, node: ast.AST) -> list[str]:
    """Variables of the function holding ``node`` (its parameters and assigned names)."""
    parents = _parents(tree)
    fn: ast.AST | None = node
    while fn is not None and not isinstance(fn, ast.FunctionDef):
        fn = parents.get(id(fn))
    if fn is None:
        return []
    names = [a.arg for a in fn.args.args]
    for n in ast.walk(fn):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and n.id not in names:
            names.append(n.id)
    return names


def _stmt_lists(tree: ast.AST) -> Iterator[tuple[ast.AST, str, list[ast.stmt]]]:
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                yield node, field, body


def _expression_ops(node: ast.AST, tree: ast.Module) -> Iterator[tuple[str, Callable[[ast.AST, ast.Module], bool]]]:
    """(description, in-place change) for one expression node."""
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        for alt in _CMP_SWAPS.get(type(node.ops[0]), ()):
            def swap(n: ast.AST, _: ast.Module, alt: type = alt) -> bool:
                assert isinstance(n, ast.Compare)
                n.ops = [alt()]
                return True
            yield f"comparison `{_op(node.ops[0])}` -> `{_op(alt())}`", swap
    if (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq))
            and isinstance(node.comparators[0], (ast.List, ast.Tuple, ast.Dict, ast.Constant))
            and not _truthy_known(node.comparators[0])):
        # `seq == []` is False for an empty tuple: emptiness is tested by truth value.
        def empty(n: ast.AST, t: ast.Module) -> bool:
            assert isinstance(n, ast.Compare)
            test: ast.expr = n.left if isinstance(n.ops[0], ast.NotEq) else ast.UnaryOp(ast.Not(), n.left)
            return _replace(t, n, test)
        yield f"`{_text(node)}` -> test by truth value", empty
    if isinstance(node, ast.BinOp):
        for alt in _BIN_SWAPS.get(type(node.op), ()):
            def binop(n: ast.AST, _: ast.Module, alt: type = alt) -> bool:
                assert isinstance(n, ast.BinOp)
                n.op = alt()
                return True
            yield f"operator `{_op(node.op)}` -> `{_op(alt())}`", binop
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
            return _replace(t, n, ast.Constant(value))
        yield f"`{node.id}` -> `{value!r}`", constant
    if isinstance(node, ast.Call):
        yield from _call_ops(node)
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        for other in _scope_names(tree, node):
            if other != node.id:
                def rename(n: ast.AST, _: ast.Module, other: str = other) -> bool:
                    assert isinstance(n, ast.Name)
                    n.id = other
                    return True
                yield f"variable `{node.id}` -> `{other}`", rename
    # Bounds: an index, a range() or slice bound, or a len() one more or one less.
    if _is_bound(node, tree):
        for delta, sign in ((1, "+"), (-1, "-")):
            def bound(n: ast.AST, t: ast.Module, delta: int = delta) -> bool:
                assert isinstance(n, ast.expr)
                op: ast.operator = ast.Add() if delta > 0 else ast.Sub()
                return _replace(t, n, ast.BinOp(copy.deepcopy(n), op, ast.Constant(1)))
            yield f"`{_text(node)}` -> `{_text(node)} {sign} 1`", bound


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
            return _replace(t, n, ast.Call(keys, n.args, []))
        yield "`set(...)` -> `dict.fromkeys(...)` (keeps the order)", ordered
    if name == "input":
        def as_int(n: ast.AST, t: ast.Module) -> bool:
            assert isinstance(n, ast.expr)
            return _replace(t, n, ast.Call(ast.Name("int", ast.Load()), [copy.deepcopy(n)], []))
        yield "`input()` read as an `int`", as_int


def _statement_ops(tree: ast.Module) -> Iterator[tuple[ast.AST, int, str, Callable[[ast.AST, ast.Module], bool]]]:
    """(owner, line, description, change) over statements; the change edits the statement list's owner."""
    for owner, field, body in _stmt_lists(tree):
        for i, stmt in enumerate(body):
            line = stmt.lineno
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and isinstance(
                    stmt.value.func, ast.Name) and stmt.value.func.id == "print" and len(stmt.value.args) == 1:
                yield owner, line, "`print(...)` -> `return ...`", _at(field, i, _print_to_return)
            if isinstance(stmt, ast.Return) and _in_loop(tree, owner):
                yield owner, line, "`return` moved after the loop", _return_after_loop(field, i)
            if i + 1 < len(body) and _is_swap(stmt, body[i + 1]):
                yield owner, line, "two assignments -> one tuple swap", _tuple_swap(field, i)
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant):
                for alt in _INITIAL_SWAPS.get(stmt.value.value, ()):
                    yield owner, line, f"initial value {stmt.value.value!r} -> {alt!r}", _at(field, i, _initial(alt))
            if isinstance(stmt, (ast.For, ast.While)) and i + 1 < len(body):
                yield owner, body[i + 1].lineno, "statement moved into the loop", _into_loop(field, i)
            if isinstance(owner, (ast.For, ast.While)) and field == "body" and i == len(body) - 1 and i > 0:
                yield owner, line, "statement moved out of the loop", _out_of_loop
            if len(body) > 1 and not isinstance(stmt, (ast.FunctionDef, ast.Return)):
                yield owner, line, "statement removed", _at(field, i, lambda s: None)
        if isinstance(owner, ast.FunctionDef) and field == "body" and not any(
                isinstance(n, ast.Return) and n.value is not None for n in ast.walk(owner)):
            for name in _scope_names(tree, owner.body[0]):
                yield owner, body[-1].lineno, f"`return {name}` added", _append(field, ast.Return(ast.Name(name, ast.Load())))


def _print_to_return(stmt: ast.stmt) -> ast.stmt | None:
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and stmt.value.args:
        return ast.Return(stmt.value.args[0])
    return stmt


def _initial(value: object) -> Callable[[ast.stmt], ast.stmt | None]:
    def make(stmt: ast.stmt) -> ast.stmt | None:
        if isinstance(stmt, ast.Assign) and isinstance(value, (int, str)):
            return ast.Assign(stmt.targets, ast.Constant(value))
        return stmt
    return make


def _truthy_known(node: ast.expr) -> bool:
    """Whether ``node`` is anything but an empty literal ([], (), {}, "", 0)."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return bool(node.elts)
    if isinstance(node, ast.Dict):
        return bool(node.keys)
    return not (isinstance(node, ast.Constant) and node.value in ("", 0) and not isinstance(node.value, bool))


def _at(field: str, i: int, make: Callable[[ast.stmt], ast.stmt | None]) -> Callable[[ast.AST, ast.Module], bool]:
    def change(owner: ast.AST, _: ast.Module) -> bool:
        body: list[ast.stmt] = getattr(owner, field)
        new = make(body[i])
        if new is None:
            del body[i]
        else:
            body[i] = new
        return bool(body)
    return change


def _append(field: str, stmt: ast.stmt) -> Callable[[ast.AST, ast.Module], bool]:
    def change(owner: ast.AST, _: ast.Module) -> bool:
        getattr(owner, field).append(copy.deepcopy(stmt))
        return True
    return change


def _return_after_loop(field: str, i: int) -> Callable[[ast.AST, ast.Module], bool]:
    def change(owner: ast.AST, tree: ast.Module) -> bool:
        parents = _parents(tree)
        body: list[ast.stmt] = getattr(owner, field)
        ret = body.pop(i)
        if not body:
            body.append(ast.Pass())
        loop: ast.AST | None = owner
        while loop is not None and not isinstance(loop, (ast.For, ast.While)):
            loop = parents.get(id(loop))
        holder = parents.get(id(loop)) if loop is not None else None
        for name in ("body", "orelse"):
            stmts = getattr(holder, name, None)
            if isinstance(stmts, list) and loop in stmts:
                stmts.insert(stmts.index(loop) + 1, ret)
                return True
        return False
    return change


def _tuple_swap(field: str, i: int) -> Callable[[ast.AST, ast.Module], bool]:
    def change(owner: ast.AST, _: ast.Module) -> bool:
        body: list[ast.stmt] = getattr(owner, field)
        a, b = body[i], body[i + 1]
        assert isinstance(a, ast.Assign) and isinstance(b, ast.Assign)
        body[i:i + 2] = [ast.Assign([ast.Tuple([a.targets[0], b.targets[0]], ast.Store())],
                                    ast.Tuple([a.value, b.value], ast.Load()))]
        return True
    return change


def _into_loop(field: str, i: int) -> Callable[[ast.AST, ast.Module], bool]:
    def change(owner: ast.AST, _: ast.Module) -> bool:
        body: list[ast.stmt] = getattr(owner, field)
        loop = body[i]
        assert isinstance(loop, (ast.For, ast.While))
        loop.body.append(body.pop(i + 1))
        return True
    return change


def _out_of_loop(owner: ast.AST, tree: ast.Module) -> bool:
    """The loop's last statement moved to just after the loop."""
    assert isinstance(owner, (ast.For, ast.While))
    holder = _parents(tree).get(id(owner))
    for name in ("body", "orelse"):
        stmts = getattr(holder, name, None)
        if isinstance(stmts, list) and owner in stmts:
            stmts.insert(stmts.index(owner) + 1, owner.body.pop())
            return True
    return False


def _is_swap(a: ast.stmt, b: ast.stmt) -> bool:
    return (isinstance(a, ast.Assign) and isinstance(b, ast.Assign) and len(a.targets) == len(b.targets) == 1
            and ast.dump(a.targets[0]).replace("Store", "Load") == ast.dump(b.value)
            and ast.dump(b.targets[0]).replace("Store", "Load") == ast.dump(a.value))


def _in_loop(tree: ast.Module, node: ast.AST) -> bool:
    parents = _parents(tree)
    cur: ast.AST | None = node
    while cur is not None and not isinstance(cur, ast.FunctionDef):
        if isinstance(cur, (ast.For, ast.While)):
            return True
        cur = parents.get(id(cur))
    return False


def _is_bound(node: ast.AST, tree: ast.Module) -> bool:
    if not isinstance(node, ast.expr) or isinstance(node, ast.Constant):
        return False
    parent = _parents(tree).get(id(node))
    if isinstance(parent, ast.Subscript) and parent.slice is node:
        return True
    if isinstance(parent, ast.Slice):
        return True
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "range":
        return node in parent.args
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len"


def _replace(tree: ast.Module, old: ast.AST, new: ast.AST) -> bool:
    parent = _parents(tree).get(id(old))
    for field, value in ast.iter_fields(parent) if parent is not None else ():
        if value is old:
            setattr(parent, field, new)
            return True
        if isinstance(value, list) and any(v is old for v in value):
            value[[id(v) for v in value].index(id(old))] = new
            return True
    return False


def _op(op: ast.AST) -> str:
    return {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=", ast.In: "in",
            ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.Add: "+", ast.Sub: "-", ast.Mult: "*",
            ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%"}.get(type(op), type(op).__name__)


def _text(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except (ValueError, TypeError, AttributeError):
        return "?"


def candidates(source: str, lines: list[int], limit: int = 400) -> list[Candidate]:
    """Single mutations of ``source`` on ``lines`` (most suspicious first), in that order; a
    line's expression operators first, then its statement operators. Duplicates dropped."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    rank = {line: r for r, line in enumerate(lines)}
    found: list[tuple[int, int, Candidate]] = []
    nodes = _nodes(tree)
    for index, node in enumerate(nodes):
        line = getattr(node, "lineno", None)
        if line not in rank or isinstance(node, ast.stmt):
            continue
        for description, change in _expression_ops(node, tree):
            if (new := _edit(tree, index, change)) is not None:
                found.append((rank[line], 0, (description, new, line)))
    positions = {id(n): i for i, n in enumerate(nodes)}
    for owner, line, description, change in _statement_ops(tree):
        if line not in rank:
            continue
        if (new := _edit(tree, positions[id(owner)], change)) is not None:
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
