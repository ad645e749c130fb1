"""Editing a learner's program as a syntax tree, for the repair search's operators: copy the
tree, change one node, unparse; find a node's parent, its function's variables, statement lists.

Standard library only, no molly imports: like ``mutations.py`` and ``statements.py``, this file's
source also runs inside the sandbox. Not here: which changes to make (``mutations.py``,
``statements.py``).
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Iterator


def nodes(tree: ast.AST) -> list[ast.AST]:
    return list(ast.walk(tree))


def edit(tree: ast.Module, index: int, change: Callable[[ast.AST, ast.Module], bool]) -> str | None:
    """Source of a copy of ``tree`` whose ``index``-th node (``ast.walk`` order) ``change`` edited
    in place (returning False when it does not apply); None if not applicable or unparsable."""
    copied = copy.deepcopy(tree)
    node = nodes(copied)[index]
    if not change(node, copied):
        return None
    try:
        ast.fix_missing_locations(copied)
        return ast.unparse(copied)
    except (ValueError, TypeError, AttributeError, RecursionError):
        return None


def parent_map(tree: ast.AST) -> dict[int, ast.AST]:
    return {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def scope_names(tree: ast.Module, node: ast.AST, params_only: bool = False) -> list[str]:
    """Variables of the function holding ``node`` (its parameters and assigned names)."""
    parents = parent_map(tree)
    fn: ast.AST | None = node
    while fn is not None and not isinstance(fn, ast.FunctionDef):
        fn = parents.get(id(fn))
    if fn is None:
        return []
    names = [a.arg for a in fn.args.args]
    if params_only:
        return names
    for n in ast.walk(fn):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and n.id not in names:
            names.append(n.id)
    return names


def stmt_lists(tree: ast.AST) -> Iterator[tuple[ast.AST, str, list[ast.stmt]]]:
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                yield node, field, body


def replace(tree: ast.Module, old: ast.AST, new: ast.AST) -> bool:
    parent = parent_map(tree).get(id(old))
    for field, value in ast.iter_fields(parent) if parent is not None else ():
        if value is old:
            setattr(parent, field, new)
            return True
        if isinstance(value, list) and any(v is old for v in value):
            value[[id(v) for v in value].index(id(old))] = new
            return True
    return False


def text(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except (ValueError, TypeError, AttributeError):
        return "?"


def op_text(op: ast.AST) -> str:
    return {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=", ast.In: "in",
            ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.Add: "+", ast.Sub: "-", ast.Mult: "*",
            ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%"}.get(type(op), type(op).__name__)
