"""An earlier answer's code is not repeated in the answer to a new question (guard/earlier.py)."""

from __future__ import annotations

from molly.guard.earlier import without_earlier_code


def test_repeated_blocks_go_with_what_they_printed_and_new_ones_stay() -> None:
    earlier = ["Read it so:\n```python\nprint('hi')\n```"]
    text = ("First:\n```python\nprint('hi')\n```\nOutput:\n```\nhi\n```\n"
            "Something new:\n```python\nprint(len('hi'))\n```\nAlso:\n```python\nprint('hi')\n```\nEnd.")
    out, removed = without_earlier_code(text, earlier)
    assert removed == 2 and "print('hi')" not in out and "\nhi\n" not in out  # both repeats and the output
    assert "print(len('hi'))" in out and out.endswith("End.")


def test_nothing_is_removed_without_a_repeat() -> None:
    text = "Use len:\n```python\nprint(len('hi'))\n```"
    assert without_earlier_code(text, ["```python\nprint('hi')\n```"]) == (text, 0)
