"""Code review grounded in pylint: the findings on real beginner habits, with their lines."""

from __future__ import annotations

from molly.perceive.review import code_to_review, lint, review

HABITS = '''def average(xs, seen=[]):
    total = 0
    for i in range(len(xs)):
        total = total + xs[i]
    if xs == None:
        return 0
    list = xs
    f = open("data.txt")
    total / len(xs)
'''


def test_pylint_finds_the_habits_a_teacher_points_out_with_their_lines() -> None:
    found = lint(HABITS)
    assert found is not None
    by_code = {f.code: f.line for f in found}
    assert by_code["W0102"] == 1  # mutable default
    assert by_code["C0200"] == 3  # range(len(xs))
    assert by_code["C0121"] == 5  # == None
    assert by_code["W0622"] == 7  # shadows list
    assert by_code["R1732"] == 8  # open without with
    assert by_code["W0106"] == 9  # a value computed and thrown away
    assert "W1514" not in by_code  # style-only checks are not asked for
    assert found[0].code == "W0106"  # likely bugs before habits


def test_the_review_shows_at_most_three_findings_each_with_its_line() -> None:
    r = review(f"Can you review my code?\n```python\n{HABITS}```")
    assert r is not None and len(r.findings) == 3
    assert r.summary.startswith("**What a linter (pylint) found in your code:**")
    assert "- line 9, `total / len(xs)`: this line computes a value and throws it away" in r.summary
    assert "more not shown" in r.check.detail and "line 1" in r.guidance


def test_clean_code_says_so_and_no_code_or_broken_code_gives_no_review() -> None:
    clean = review("is this ok?\n```python\ndef add(a, b):\n    return a + b\n```")
    assert clean is not None and clean.findings == [] and "found nothing" in clean.check.detail
    assert clean.guidance == clean.summary == ""  # silence does not steer the answer
    assert review("Can you review my approach to recursion?") is None
    assert code_to_review("```python\ndef f(:\n    pass\n```") is None  # the SyntaxError is the run's fact
    assert code_to_review("hello") is None


def test_the_linter_never_runs_the_code() -> None:
    bomb = "import os\nos.system('touch /tmp/molly-lint-ran')\nwhile True:\n    pass\n"
    found = lint(bomb)
    import pathlib

    assert found is not None and not pathlib.Path("/tmp/molly-lint-ran").exists()
