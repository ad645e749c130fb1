"""Statement-level repair operators: a `return` moved after its loop, `print` for `return`,
two assignments that should be a swap, a statement moved into or out of a loop or below the next
one, a start value changed, and the novice mistakes a one-token change cannot express (a
None-returning method's result used, an element added with `+` as if a sequence, a variable
never given a first value, a function that falls off its end, an assignment written backwards).

Standard library only, no molly imports: this file's source also runs inside the sandbox.
Not here: expression operators and the candidate order (``mutations.py``).
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Iterator

try:
    from molly.repair.astedit import parent_map, scope_names, stmt_lists, text
except ImportError:  # in the sandbox, where the job loads these files as top-level modules
    from astedit import parent_map, scope_names, stmt_lists, text  # type: ignore[import-not-found,no-redef]

_INITIAL_SWAPS: dict[object, tuple[int | str, ...]] = {0: (1, -1), 1: (0,), "": (" ",), -1: (0,)}


# Methods that change their object and return None: `xs = xs.append(x)` loses the list.
# Held out (novice_bugs.jsonl, 60 programs): the operators new with these tables fixed 2, both right (d3ed979).
_IN_PLACE = {"append", "extend", "insert", "remove", "sort", "reverse", "clear", "update", "add", "discard"}


# What a function that falls off its end might have meant to return.
_DEFAULT_RETURNS: tuple[int | bool | str, ...] = (0, False, True, "")


def statement_ops(tree: ast.Module) -> Iterator[tuple[ast.AST, int, str, Callable[[ast.AST, ast.Module], bool]]]:
    """(owner, line, description, change) over statements; the change edits the statement list's owner."""
    for owner, field, body in stmt_lists(tree):
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
            if i + 1 < len(body) and not isinstance(stmt, (ast.FunctionDef, ast.Return)) and not isinstance(
                    body[i + 1], ast.FunctionDef):
                yield owner, line, "statement moved below the next one", _swap_next(field, i)
            if _in_place_result(stmt) is not None:
                yield owner, line, "a method that returns None: its result assigned", _at(field, i, _in_place_call)
            if isinstance(stmt, ast.Return) and _in_place_object(stmt.value) is not None:
                yield owner, line, "a method that returns None: its result returned", _return_object(field, i)
            if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                    and isinstance(stmt.value, ast.Name)):
                yield owner, line, "assignment reversed", _at(field, i, _reversed_assignment)
            if _accumulates(stmt):
                for wrap in (ast.List, ast.Tuple):
                    yield owner, line, f"one element added as a {wrap.__name__.lower()}", _at(field, i, _element(wrap))
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, (ast.List, ast.Tuple)) and stmt.value.elts:
                yield owner, line, "initial value -> empty", _at(field, i, _emptied)
        if isinstance(owner, ast.FunctionDef) and field == "body":
            yield from _function_ops(tree, owner)


def _function_ops(tree: ast.Module, fn: ast.FunctionDef) -> Iterator[
        tuple[ast.AST, int, str, Callable[[ast.AST, ast.Module], bool]]]:
    """A first value for a variable only ever updated; a `return` where the function falls off its end."""
    body = fn.body
    for name in _never_initialised(fn):
        for start in (ast.Constant(0), ast.List([], ast.Load()), ast.Constant("")):
            yield fn, body[0].lineno, f"initial value `{name} = {text(start)}` added", _initialise(name, start)
    if not any(isinstance(n, ast.Return) and n.value is not None for n in ast.walk(fn)):
        for name in scope_names(tree, body[0]):
            yield fn, body[-1].lineno, f"`return {name}` added", _append("body", ast.Return(ast.Name(name, ast.Load())))
    elif not isinstance(body[-1], (ast.Return, ast.Raise)):
        for value in _return_values(fn):
            yield fn, body[-1].lineno, f"final `return {value!r}` added", _append("body", ast.Return(ast.Constant(value)))


def _swap_next(field: str, i: int) -> Callable[[ast.AST, ast.Module], bool]:
    def change(owner: ast.AST, _: ast.Module) -> bool:
        body: list[ast.stmt] = getattr(owner, field)
        body[i], body[i + 1] = body[i + 1], body[i]
        return True
    return change


def _in_place_object(node: ast.expr | None) -> ast.expr | None:
    """The object a None-returning method call changes (`xs` of `xs.sort()` or `list.sort(xs)`)."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _IN_PLACE):
        return None
    owner = node.func.value
    if isinstance(owner, ast.Name) and owner.id in ("list", "dict", "set") and node.args:
        return node.args[0]
    return owner if isinstance(owner, (ast.Name, ast.Attribute, ast.Subscript)) else None


def _in_place_result(stmt: ast.stmt) -> ast.expr | None:
    """`xs = xs.append(x)`: an assignment of a None-returning method's result to its own object."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and (obj := _in_place_object(stmt.value)) is not None:
        return obj if ast.dump(obj).replace("Load", "Store") == ast.dump(stmt.targets[0]) else None
    return None


def _in_place_call(stmt: ast.stmt) -> ast.stmt | None:
    assert isinstance(stmt, ast.Assign)
    return ast.Expr(stmt.value)


def _return_object(field: str, i: int) -> Callable[[ast.AST, ast.Module], bool]:
    """`return xs.sort()` -> `xs.sort()` then `return xs`."""
    def change(owner: ast.AST, _: ast.Module) -> bool:
        body: list[ast.stmt] = getattr(owner, field)
        ret = body[i]
        assert isinstance(ret, ast.Return) and ret.value is not None
        obj = _in_place_object(ret.value)
        body[i:i + 1] = [ast.Expr(ret.value), ast.Return(copy.deepcopy(obj))]
        return True
    return change


def _reversed_assignment(stmt: ast.stmt) -> ast.stmt | None:
    assert isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Name)
    target = stmt.targets[0]
    assert isinstance(target, ast.Name)
    return ast.Assign([ast.Name(stmt.value.id, ast.Store())], ast.Name(target.id, ast.Load()))


def _accumulates(stmt: ast.stmt) -> bool:
    """`acc += x` or `acc = acc + x` with ``x`` not already a list, tuple or string literal."""
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Add):
        value = stmt.value
    elif (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.value, ast.BinOp)
          and isinstance(stmt.value.op, ast.Add)
          and ast.dump(stmt.value.left) == ast.dump(stmt.targets[0]).replace("Store", "Load")):
        value = stmt.value.right
    else:
        return False
    return not isinstance(value, (ast.List, ast.Tuple, ast.Constant, ast.ListComp))


def _element(wrap: type) -> Callable[[ast.stmt], ast.stmt | None]:
    """`acc += x` -> `acc += [x]` (or `(x,)`): an element added to a list or tuple, not its items."""
    def make(stmt: ast.stmt) -> ast.stmt | None:
        new = copy.deepcopy(stmt)
        if isinstance(new, ast.AugAssign):
            new.value = wrap([new.value], ast.Load())
        elif isinstance(new, ast.Assign) and isinstance(new.value, ast.BinOp):
            new.value.right = wrap([new.value.right], ast.Load())
        return new
    return make


def _emptied(stmt: ast.stmt) -> ast.stmt | None:
    assert isinstance(stmt, ast.Assign) and isinstance(stmt.value, (ast.List, ast.Tuple))
    return ast.Assign(stmt.targets, type(stmt.value)([], ast.Load()))


def _never_initialised(fn: ast.FunctionDef) -> list[str]:
    """Names the function only ever updates (`n += 1`) and never sets: an UnboundLocalError."""
    updates = [n.target for n in ast.walk(fn) if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)]
    skip = {id(t) for t in updates}  # an update stores too; any other store (=, for, with, :=) sets the name
    bound = {a.arg for a in fn.args.args} | {
        n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and id(n) not in skip}
    bound |= {name for n in ast.walk(fn) if isinstance(n, (ast.Global, ast.Nonlocal)) for name in n.names}
    return list(dict.fromkeys(t.id for t in updates if t.id not in bound))


def _initialise(name: str, start: ast.expr) -> Callable[[ast.AST, ast.Module], bool]:
    def change(owner: ast.AST, _: ast.Module) -> bool:
        assert isinstance(owner, ast.FunctionDef)
        docstring = isinstance(owner.body[0], ast.Expr) and isinstance(getattr(owner.body[0], "value", None), ast.Constant)
        owner.body.insert(1 if docstring else 0, ast.Assign([ast.Name(name, ast.Store())], copy.deepcopy(start)))
        return True
    return change


def _return_values(fn: ast.FunctionDef) -> list[int | bool | str | float]:
    """Values a function that falls off its end may have meant: constants it returns elsewhere, then defaults."""
    returned = [n.value.value for n in ast.walk(fn) if isinstance(n, ast.Return) and isinstance(n.value, ast.Constant)
                and isinstance(n.value.value, (int, bool, str, float))]
    out: list[int | bool | str | float] = []
    for v in [*returned, *_DEFAULT_RETURNS]:
        if not any(type(v) is type(o) and v == o for o in out):
            out.append(v)
    return out


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
        parents = parent_map(tree)
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
    holder = parent_map(tree).get(id(owner))
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
    parents = parent_map(tree)
    cur: ast.AST | None = node
    while cur is not None and not isinstance(cur, ast.FunctionDef):
        if isinstance(cur, (ast.For, ast.While)):
            return True
        cur = parents.get(id(cur))
    return False
