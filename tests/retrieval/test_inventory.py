"""The docs' object inventory and what tracebacks name in it (the shipped objects.inv)."""

from __future__ import annotations

import pytest

from molly.config import Settings
from molly.perceive.tracebacks import read_traceback
from molly.retrieval.inventory import Inventory

TB = '''Traceback (most recent call last):
  File "count.py", line 7, in <module>
    total = total + len(words.split(","))
TypeError: unsupported operand type(s) for +: 'int' and 'str'
'''


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return Inventory.load(Settings().kb_dir / "objects.inv")


def test_inventory_has_the_python_objects(inventory: Inventory) -> None:
    assert len(inventory.entries) > 9000
    assert inventory.url("len") == "library/functions.html#len"
    assert inventory.url("split") == "library/stdtypes.html#str.split"  # tried on built-in types
    assert inventory.url("IndexError") == "library/exceptions.html#IndexError"


def test_a_traceback_points_at_its_exception_then_the_calls(inventory: Inventory) -> None:
    facts = read_traceback(TB)
    assert facts is not None and facts.exception == "TypeError" and "unsupported operand" in facts.message
    assert facts.failing_line == 'total = total + len(words.split(","))' and facts.names == ("len", "words.split")
    assert inventory.anchors(facts) == ["library/exceptions.html#TypeError", "library/functions.html#len",
                                        "library/stdtypes.html#str.split", "library/functions.html#int",
                                        "library/stdtypes.html#str"]  # the types quoted in the message last


@pytest.mark.parametrize(("text", "first", "also"), [
    ("TypeError: list.append() takes exactly one argument (2 given)", "library/exceptions.html#TypeError",
     "library/stdtypes.html#mutable-sequence-types"),
    ("AttributeError: 'NoneType' object has no attribute 'append'", "library/exceptions.html#AttributeError",
     "library/constants.html#None"),
    ("AttributeError: 'str' object has no attribute 'append'", "library/exceptions.html#AttributeError",
     "library/stdtypes.html#mutable-sequence-types"),
    ("KeyError: 'time'", "library/exceptions.html#KeyError", None),  # a key, not the time module
    ("json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
     "library/json.html#json.JSONDecodeError", None),
])
def test_bare_exception_lines(inventory: Inventory, text: str, first: str, also: str | None) -> None:
    facts = read_traceback(text)
    assert facts is not None
    anchors = inventory.anchors(facts)
    assert anchors[0] == first, anchors
    if also:
        assert also in anchors
    else:
        assert len(anchors) == 1, anchors


def test_text_without_an_exception_names_nothing() -> None:
    assert read_traceback("How do I read a file line by line?") is None


def test_the_retriever_pins_what_a_traceback_names_first(inventory: Inventory, hash_store) -> None:  # type: ignore[no-untyped-def]
    from molly.retrieval.embedder import HashEmbedder
    from molly.retrieval.retriever import DenseRetriever

    tb = ('Traceback (most recent call last):\n  File "x.py", line 2, in <module>\n    print(names[3])\n'
          "IndexError: list index out of range")
    plain = DenseRetriever(hash_store, HashEmbedder(), top_k=3, score_floor=0.9)
    aware = DenseRetriever(hash_store, HashEmbedder(), top_k=3, score_floor=0.9, inventory=inventory)
    assert plain.retrieve([tb]) == []  # nothing clears this floor by similarity alone
    passages = aware.retrieve([tb])
    assert [p.chunk.id for p in passages] == ["library/exceptions.html#IndexError"]
    assert aware.retrieve([tb], exclude=("library/",)) == []  # exclusions still hold
    assert aware.retrieve(["What is a list index?"]) == []  # no traceback: no pinning


@pytest.mark.parametrize(("text", "expected"), [
    ('  File "a.py", line 2, in <module>\n    print(math.sqrt(-1))\nValueError: math domain error',
     "library/math.html#math.sqrt"),  # a module's function, by its full name
    ("AttributeError: 'tuple' object has no attribute 'append'", "library/stdtypes.html#tuple"),
    ('  File "a.py", line 2, in <module>\n    print(x.index(7))\nValueError: 7 is not in list',
     "library/stdtypes.html#common-sequence-operations"),  # "list" in the message: not str.index
])
def test_names_are_resolved_with_the_types_the_message_names(inventory: Inventory, text: str, expected: str) -> None:
    facts = read_traceback(text)
    assert facts is not None and expected in inventory.anchors(facts)[1:]
