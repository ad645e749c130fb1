"""Mending code blocks without an LLM: surplus closers, shell commands, indented blocks; and
what is left alone. The broken lines are the 1.5B model's own, from FAQ dev answers."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from molly.document import python_blocks
from molly.fakes import ScriptedChatModel
from molly.llm import UsageCounter
from molly.reflect.checks import CODE_REMOVED, deterministic_checks
from molly.reflect.coderepair import drop_surplus_closers, repair_block, repair_code
from molly.reflect.verifier import verify_claims
from molly.schemas import Passage
from tests.conftest import SMALL_CORPUS


@pytest.mark.parametrize(("broken", "mended", "removed"), [
    ("squared = list(map(square, numbers)))\n", "squared = list(map(square, numbers))\n", 1),
    ("int_array = array.array('i', [1, 2, 3]])\n", "int_array = array.array('i', [1, 2, 3])\n", 1),
    ("objs = [Obj(10)), Obj(20), Obj(30)]\n", "objs = [Obj(10), Obj(20), Obj(30)]\n", 1),
    ("result = x + (y * (x - y) / 2)))\n", "result = x + (y * (x - y) / 2)\n", 2),
    ("def f(a):\n    if not isinstance(a, int)):\n        raise ValueError('no')\n    print(f'{a}'))\n",
     "def f(a):\n    if not isinstance(a, int):\n        raise ValueError('no')\n    print(f'{a}')\n", 2),
    ("s = 'é日本'\nprint(len(s)))\n", "s = 'é日本'\nprint(len(s))\n", 1),  # columns count characters
    # Inside f-strings Python 3.11 does not say which closer: the one whose removal lets it parse.
    ('value = 3.14159\nprint(f"{value:.2f}}")\n', 'value = 3.14159\nprint(f"{value:.2f}")\n', 1),
    ('import binascii\ndata = b"hi"\nprint(f"Hex: {binascii.hexlify(data))}")\n',
     'import binascii\ndata = b"hi"\nprint(f"Hex: {binascii.hexlify(data)}")\n', 1),
    ('xs = [1]\nprint(f"{xs[0]]}"))\n', 'xs = [1]\nprint(f"{xs[0]}")\n', 2),
])
def test_surplus_closing_brackets_are_removed(broken: str, mended: str, removed: int) -> None:
    assert drop_surplus_closers(broken) == (mended, removed)
    assert repair_block(broken) == (None, mended, f"removed {removed} surplus closing bracket{'s' * (removed > 1)}")


@pytest.mark.parametrize("broken", [
    'print(any([0, "", 3])  # True\n',  # a missing closer: which one, where? (the seeded broken code)
    "total = sum(values]\n",  # needs a different closer, not fewer
    "for line in f\n    print(line)\n",
    "Hello world !\n",  # program output shown as code
    ">>> print(len([1])))\n1\n",  # an interactive session: its lines are not the parser's lines
    "x = [1, 2" + ")" * 12 + "\n",  # not one slip
    'print(f"{a}}}} and {b}}")\n',  # two stray braces in one f-string: no single removal parses
])
def test_what_no_rule_mends_is_left_alone(broken: str) -> None:
    assert repair_block(broken) is None
    text = f"Look:\n\n```python\n{broken}```\n"
    assert repair_code(text) == (text, [])


@pytest.mark.parametrize("commands", [
    "pip install requests\n",
    "# Build one file\npyinstaller --onefile my_script.py\n",
    "   mkdir my_project\n   cd my_project\n",
    "$ python -m pydoc sys\n",
])
def test_shell_commands_are_shown_as_console(commands: str) -> None:
    text, notes = repair_code(f"Run:\n\n```python\n{commands}```\n\nThen [1].")
    assert "```console\n" in text and "```python" not in text
    assert notes == ["block 1: shell commands, shown as a console block"]


def test_an_indented_block_is_unindented() -> None:
    code = "   from setuptools import setup\n\n   setup(\n       name='demo',\n   ))\n"
    lang, fixed, what = repair_block(code) or ("", "", "")
    assert (lang, what) == (None, "un-indented, removed 1 surplus closing bracket")
    assert fixed.startswith("from setuptools") and ast.parse(fixed)


@pytest.mark.parametrize("fence", ["```", "```python", "```py", "```Python title=\"demo.py\""])
def test_a_mended_block_keeps_its_own_fence_line(fence: str) -> None:
    text, notes = repair_code(f"See [1].\n\n{fence}\nprint(len([1]))))\n```\n")
    assert text == f"See [1].\n\n{fence}\nprint(len([1]))\n```\n" and len(notes) == 1


def test_blocks_labelled_as_another_language_are_not_python() -> None:
    # An sqlite3 answer's SQL is neither mended nor removed as "not valid Python".
    sql = "Create the table [1]:\n\n```sql\nCREATE TABLE movie(title, year));\n```\n"
    assert repair_code(sql) == (sql, [])
    assert deterministic_checks(sql, [])[-1].detail == "0 block(s) parse"
    assert [code for _, code in python_blocks(sql + "```\nx = 1\n```\n```pycon\n>>> 1\n```")] == ["x = 1\n", ">>> 1\n"]


@given(st.sampled_from(["x = 1\n", "print(len([1, 2]))\n", "def f():\n    return {'a': (1, 2)}\n", "```\n"]))
def test_code_that_parses_is_untouched(code: str) -> None:
    assert repair_block(code) is None


def test_reflection_shows_the_mended_block_and_says_so() -> None:
    """A draft whose only flaw is a surplus bracket keeps its example (it was removed before)."""
    passages = [Passage(ref=1, chunk=SMALL_CORPUS[0], score=0.5)]
    draft = ("Loop over the file object to read it line by line [1].\n\n```python\nwith open('notes.txt') as f:\n"
             "    for line in f:\n        print(line.strip()))\n```\n")
    llm = ScriptedChatModel(default="NONE")
    result = verify_claims(llm, [], draft, passages, UsageCounter())
    # a verdict call continues the conversation with the model's own draft (its cached tokens)
    assert all(call[-2].content == draft for call in llm.history)
    assert "print(line.strip())\n```" in result.text and CODE_REMOVED not in result.text
    checks = {c.name: c for c in result.checks}
    assert checks["code_repaired"].detail == "block 1: removed 1 surplus closing bracket"
    assert checks["code_parses"].passed and "dropped_failures" not in checks
    assert all(c.passed for c in deterministic_checks(result.text, passages))
