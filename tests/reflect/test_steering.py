"""Course steering: guidance for the draft, and checks that enforce it on the answer."""

from __future__ import annotations

from molly.reflect.steering import apply, guidance, uses
from molly.schemas import CourseProfile, IntentKind

PROFILE = CourseProfile(name="cs0", context="Week 3 of an intro course.", avoid=["lambda", "comprehension", "enumerate"])


def test_uses_detects_constructs_by_syntax_not_by_words() -> None:
    assert uses("f = lambda x: x", "lambda")
    assert not uses("# a lambda would be shorter\nf = 1", "lambda")
    assert uses("[x for x in y]", "comprehension") and uses("{k: v for k, v in d}", "comprehension")
    assert uses("for i, x in enumerate(xs): pass", "enumerate") and not uses("print('enumerate')", "enumerate")
    assert uses("def f(n):\n    return f(n - 1)", "recursion")
    assert not uses("not python (", "lambda")


def test_guidance_names_the_course_rules() -> None:
    text = guidance(PROFILE, IntentKind.HOWTO)
    assert "Week 3" in text and "lambda, comprehension, enumerate" in text


def test_code_with_avoided_constructs_is_removed_and_reported() -> None:
    answer = ("Square each item [1].\n\n```python\nsquares = [x * x for x in xs]\n```\n\n"
              "Or with a loop:\n\n```python\nsquares = []\nfor x in xs:\n    squares.append(x * x)\n```")
    text, checks = apply(answer, PROFILE, IntentKind.HOWTO)
    assert "[x * x for x in xs]" not in text and "squares.append(x * x)" in text
    assert "not covered yet" in text
    check = {c.name: c for c in checks}["course_avoid_list"]
    assert "comprehension" in check.detail


def test_hints_only_removes_full_solutions_to_graded_work() -> None:
    answer = "Think about counting [1].\n\n```python\ncounts = {}\nfor w in words:\n    counts[w] = counts.get(w, 0) + 1\nreturn counts\n```"
    text, checks = apply(answer, PROFILE.model_copy(update={"avoid": []}), IntentKind.SOLUTION_REQUEST)
    assert "counts.get" not in text and "hints for graded work" in text
    assert {c.name for c in checks} == {"course_steering", "solution_policy"}
    worked = PROFILE.model_copy(update={"avoid": [], "solution_policy": "worked_examples"})
    assert apply(answer, worked, IntentKind.SOLUTION_REQUEST)[0] == answer


def test_with_no_verified_fix_a_rewrite_of_the_learners_function_is_still_removed() -> None:
    from molly.reflect.steering import without_fix

    mine = "def search(x, seq):\n    count==0\n    while count < len(seq):\n        count += 1\n    return count\n"
    rewrite = mine.replace("count==0", "count = 0")
    text = (f"Your code:\n```python\n{mine}```\nTry this:\n```python\n{rewrite}```\n"
            "An example of a while loop:\n```python\ni = 0\nwhile i < 3:\n    i += 1\n```")
    out, removed = without_fix(text, mine, "")
    assert removed == 1 and "count = 0" not in out
    assert mine in out and "while i < 3" in out  # their own code back, and an unrelated example, stay


def test_under_hints_only_the_models_own_rewrite_goes_even_beside_a_verified_fix() -> None:
    from molly.reflect.steering import without_fix

    mine = "def dedupe(lst):\n    new = []\n    for x in lst:\n        if lst not in new:\n            new.append(x)\n    return new\n"
    fixed = mine.replace("if lst not in new", "if x not in new")
    other = "def dedupe(lst):\n    seen = set()\n    out = []\n    for x in lst:\n        if x not in seen:\n            seen.add(x)\n            out.append(x)\n    return out\n"
    out, removed = without_fix(f"A better way:\n```python\n{other}```", mine, fixed)
    assert removed == 1 and "seen.add" not in out



def test_every_fence_the_chat_renders_as_code_is_held_to_the_solution_policy() -> None:
    # A `~~~` fence, an info string after the label, and a block inside a list item: each renders as
    # code, so each is read as code (the old fence pattern let all three through).
    code = "counts = {}\nfor w in words:\n    counts[w] = counts.get(w, 0) + 1\nreturn counts\n"
    indented = "".join(f"   {line}\n" for line in code.splitlines())
    for answer in (f"Try:\n\n~~~python\n{code}~~~", f"Try:\n\n```python title=count.py\n{code}```",
                   f"1. Count them:\n\n   ```python\n{indented}   ```\n2. Return."):
        text, _ = apply(answer, PROFILE.model_copy(update={"avoid": []}), IntentKind.SOLUTION_REQUEST)
        assert "counts.get" not in text and "hints for graded work" in text, answer


def test_a_fence_indented_four_spaces_is_still_held_to_the_solution_policy() -> None:
    # CommonMark shows it as an indented code block, fence lines and all: still code the learner sees.
    code = "```python\ndef solve(n):\n    total = 0\n    for i in range(n):\n        total += i\n    return total\n```\n"
    answer = "Here:\n\n" + "".join("    " + line for line in code.splitlines(True))
    text, _ = apply(answer, PROFILE.model_copy(update={"avoid": []}), IntentKind.SOLUTION_REQUEST)
    assert "total += i" not in text and "hints for graded work" in text
