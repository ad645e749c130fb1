"""Reflection runs the answer's code: real errors remove the block, output comments are corrected."""

from __future__ import annotations

import pytest

from molly.reflect.codecheck import check_code
from molly.retrieval.passages import fit_budget
from molly.sandbox import Sandbox
from tests.conftest import docs_sample


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox()


def test_code_that_runs_is_kept_and_its_output_comments_corrected(sandbox: Sandbox) -> None:
    text = "Sum with a loop [1].\n\n```python\ntotal = sum(range(1, 11))\nprint(total)  # 50\nprint(len('abc'))  # 3\n```"
    fixed, checks = check_code(text, sandbox)
    assert "print(total)  # 55" in fixed and "# 3" in fixed
    assert checks[0].passed and "Python 3.11" in checks[0].detail and "corrected" in checks[0].detail


def test_a_block_that_raises_is_removed_with_the_real_error(sandbox: Sandbox) -> None:
    text = "Get the last item [1].\n\n```python\nitems = [1, 2, 3]\nprint(items[3])\n```"
    fixed, checks = check_code(text, sandbox)
    assert "items[3]" not in fixed and "IndexError: list index out of range" in fixed
    assert not checks[0].passed


def test_a_failing_block_is_revised_with_its_real_error_when_the_revision_runs(sandbox: Sandbox) -> None:
    text = "Get the last item [1].\n\n```python\nitems = [1, 2, 3]\nprint(items[3])  # 3\n```"
    seen: list[tuple[str, str]] = []

    def fix(code: str, error: str) -> str:
        seen.append((code, error))
        return "items = [1, 2, 3]\nprint(items[-1])  # 0"

    fixed, checks = check_code(text, sandbox, fix)
    assert seen == [("items = [1, 2, 3]\nprint(items[3])  # 3\n", "IndexError: list index out of range")]
    assert "print(items[-1])  # 3\n```" in fixed and "items[3]" not in fixed  # and its comment corrected
    assert checks[0].passed and "revised with that error" in checks[0].detail
    for bad in ("print(items[9])", "print(", None):  # still failing, not Python, no answer: removed
        out, checks = check_code(text, sandbox, lambda code, error, bad=bad: bad)
        assert "IndexError: list index out of range" in out and "items[3]" not in out and not checks[0].passed


def test_an_error_that_is_the_point_stays(sandbox: Sandbox) -> None:
    text = "Indexing past the end raises IndexError [1]:\n\n```python\nitems = [1]\nitems[5]\n```"
    fixed, checks = check_code(text, sandbox)
    assert fixed == text and checks[0].passed and "as the answer says" in checks[0].detail


def test_fragments_and_input_are_kept_and_reported(sandbox: Sandbox) -> None:
    text = ("Loop over the file [1]:\n\n```python\nfor line in f:\n    print(line)\n```\n\n"
            "Ask the user:\n\n```python\nname = input('Name? ')\n```\n\n```python\nimport numpy\n```")
    fixed, checks = check_code(text, sandbox)
    assert fixed == text
    assert [c.passed for c in checks] == [True, True, True]
    assert "fragment (NameError" in checks[0].detail and "input()" in checks[1].detail
    assert "ModuleNotFoundError" in checks[2].detail


def test_a_block_that_opens_a_missing_file_runs_on_with_a_sample_file(sandbox: Sandbox) -> None:
    # The "read a file line by line" answer called f.filelineno() (fileinput's), and passed as a
    # fragment because example.txt did not exist.
    wrong = ("Loop over the file object [1].\n\n```python\nwith open('example.txt') as f:\n    for line in f:\n"
             "        print(f'Line {f.filelineno()}: {line.strip()}')\n```")
    fixed, checks = check_code(wrong, sandbox)
    assert "filelineno" not in fixed.split("*(")[0] and "has no attribute 'filelineno'" in fixed
    assert not checks[0].passed and "a sample example.txt standing in" in checks[0].detail
    reader = ("Wrap the file [1].\n\n```python\nclass Reader:\n    def __init__(self, name):\n"
              "        self.file = open(name)\n\nfor line in Reader('example.txt'):\n    print(line)\n```")
    fixed, checks = check_code(reader, sandbox)  # not iterable whatever the file holds
    assert "TypeError: 'Reader' object is not iterable" in fixed and not checks[0].passed
    right = ("Read the rows [1].\n\n```python\nimport csv\nimport json\n\nwith open('data/people.csv') as f:\n"
             "    rows = list(csv.DictReader(f))\nprint(rows[0]['name'])  # Bob\n"
             "print(json.load(open('config.json'))['name'])  # Bob\n```")
    fixed, checks = check_code(right, sandbox)
    assert fixed == right  # ran; its comments are about the learner's data, not the sample's
    assert checks[0].passed and "a sample data/people.csv, config.json standing in" in checks[0].detail
    numbers = "Add them up [1].\n\n```python\nwith open('numbers.txt') as f:\n    print(sum(int(line) for line in f))\n```"
    fixed, checks = check_code(numbers, sandbox)
    assert fixed == numbers and checks[0].passed and "depends on what the file holds (ValueError" in checks[0].detail
    outside = "Read it [1].\n\n```python\nprint(open('/srv/data/notes.txt').read())\n```"
    fixed, checks = check_code(outside, sandbox)  # no sample outside the working folder
    assert fixed == outside and checks[0].passed and "fragment (FileNotFoundError" in checks[0].detail


def test_importing_what_the_standard_library_lacks_is_an_error_not_a_fragment(sandbox: Sandbox) -> None:
    """The model wrote ``from itertools import unique_everseen`` (a recipe in the docs, not a function);
    a third-party module or the learner's own one is still only missing context."""
    text = ("Remove duplicates in order [1]:\n\n```python\nfrom itertools import unique_everseen\n"
            "print(list(unique_everseen([1, 1, 2])))\n```\n\n```python\nfrom mylib import helper\n```")
    fixed, checks = check_code(text, sandbox)
    assert "from itertools import unique_everseen\n" not in fixed and "from mylib import helper\n" in fixed
    assert "cannot import name 'unique_everseen' from 'itertools'" in fixed
    assert not checks[0].passed and checks[1].passed and "fragment (ModuleNotFoundError" in checks[1].detail


def test_a_claim_that_the_failed_import_disproves_is_corrected(sandbox: Sandbox) -> None:
    # Speed run o: the prose kept "use the `unique_everseen` function from the `itertools` module [1]".
    text = ("To keep the order, use the `unique_everseen` function from the `itertools` module [1]. "
            "It also works on strings.\n\n```python\nfrom itertools import unique_everseen\n"
            "print(list(unique_everseen([1, 1, 2])))\n```\n\nSee `itertools.groupby` too [2].")
    fixed, _ = check_code(text, sandbox)
    assert fixed.startswith("*(Python 3.11's `itertools` has no `unique_everseen`: importing it failed.)* "
                            "It also works on strings.")
    assert "use the `unique_everseen`" not in fixed and "See `itertools.groupby` too [2]." in fixed


def test_a_docs_recipe_imported_from_its_module_gets_its_definition_from_the_passage(sandbox: Sandbox) -> None:
    # Speed run p: the duplicates answer imported the itertools recipe, and lost its only example.
    recipes = docs_sample()["library/itertools.html#itertools-recipes~10"]
    [passage] = fit_budget([(recipes, 0.53)], 350, max_passage_tokens=110)  # as the tutor retrieves it
    assert "def unique_everseen(" in passage.chunk.text and "filterfalse" not in passage.chunk.text  # cut short
    text = ("To keep the order, use the `unique_everseen` function from the `itertools` module. It keeps the "
            "first of each.\n\n```python\nfrom itertools import unique_everseen\n\nitems = [3, 1, 3, 2, 1]\n"
            "print(list(unique_everseen(items)))  # [3, 1, 2, 3]\n```")
    fixed, checks = check_code(text, sandbox, passages=[passage])
    assert fixed.startswith("*(`unique_everseen` is not part of Python 3.11's `itertools` module: it is a recipe "
                            "given in [1], so the example includes its definition.)* It keeps the first of each.")
    assert "```python\nfrom itertools import filterfalse\n\n\ndef unique_everseen(iterable, key=None):\n" in fixed
    assert "#     yield from dict.fromkeys(iterable)\n" in fixed  # the recipe whole, its comments too
    assert ".values()\n\n\nitems = [3, 1, 3, 2, 1]\n" in fixed
    assert "print(list(unique_everseen(items)))  # [3, 1, 2]\n```" in fixed  # and its output comment corrected
    assert checks[0].passed and "recipe in passage [1]" in checks[0].detail
    both = text.replace("import unique_everseen\n", "import chain, unique_everseen\n")
    fixed, checks = check_code(both, sandbox, passages=[passage])  # the other name keeps its import
    assert "```python\nfrom itertools import filterfalse\nfrom itertools import chain\n\n\ndef unique" in fixed
    assert checks[0].passed
    dotted = ("Call `itertools.unique_everseen()` on the list. It keeps the first of each.\n\n```python\n"
              "import itertools\n\nitems = [3, 1, 3]\nprint(list(itertools.unique_everseen(items)))\n```")
    fixed, checks = check_code(dotted, sandbox, passages=[passage])  # AttributeError: the same recipe
    assert fixed.startswith("*(`unique_everseen` is not part of Python 3.11's `itertools` module: it is a recipe")
    assert "import itertools\n\n\ndef unique_everseen(" in fixed and "print(list(unique_everseen(items)))" in fixed
    assert checks[0].passed and "AttributeError" in checks[0].detail
    # A name no passage defines, or an aliased import, is still removed with the correction.
    for other in (text, text.replace("import unique_everseen", "import unique_everseen as ue")):
        out, checks = check_code(other, sandbox, passages=[])
        assert "has no `unique_everseen`" in out and "An example was removed" in out and not checks[0].passed


def test_a_recipe_that_calls_another_recipe_gets_both_definitions(sandbox: Sandbox) -> None:
    # 32 of the 34 itertools recipes in the 3.11 docs then run (2 are split between chunks).
    wanted = ("library/itertools.html#itertools-recipes~3", "library/itertools.html#itertools-recipes~4")
    chunks = docs_sample()
    passages = fit_budget([(chunks[i], 0.5) for i in wanted], 700, max_passage_tokens=110)
    text = "```python\nfrom itertools import sum_of_squares\n\nprint(sum_of_squares([10, 20, 30]))  # 0\n```"
    fixed, checks = check_code(text, sandbox, passages=passages)
    assert "def sum_of_squares(it):" in fixed and "def sumprod(vec1, vec2):" in fixed and checks[0].passed
    assert "print(sum_of_squares([10, 20, 30]))  # 1400" in fixed


def test_repl_blocks_run_as_source(sandbox: Sandbox) -> None:
    text = "Slicing [1]:\n\n```pycon\n>>> s = 'python'\n>>> s[1:3]\n'yt'\n```"
    _, checks = check_code(text, sandbox)
    assert checks[0].passed and checks[0].detail.startswith("ran on")


@pytest.mark.parametrize(("question", "found"), [
    ("Why?\n```python\nx = [1]\nprint(x[1])\n```", "x = [1]\nprint(x[1])\n"),
    ("total = 0\nfor n in [1, '2']:\n    total += n", "total = 0\nfor n in [1, '2']:\n    total += n"),
    ("```\n>>> 1 / 0\nTraceback ...\n```", "1 / 0"),
    ("What is a list comprehension?", None),
    ("My code:\n```python\nname = input('name? ')\n```", None),  # would wait for input
    ("```python\nfor x in\n```", None),  # does not parse
    ("I wrote print hello and it fails", None),
])
def test_learner_snippets_are_found_only_when_they_can_run(question: str, found: str | None) -> None:
    from molly.perceive.learner_code import learner_snippet

    got = learner_snippet(question)
    assert (got.strip() if got else None) == (found.strip() if found else None)


def test_reproduce_ignores_fragments_and_reports_real_errors() -> None:
    from molly.perceive.learner_code import reproduce

    sandbox = Sandbox()
    assert reproduce("```python\nprint(undefined_name)\n```", sandbox) is None  # a fragment: says nothing
    repro = reproduce("```python\nprint(int('3.5'))\n```", sandbox)
    assert repro is not None and repro.error.startswith("ValueError: invalid literal for int()")
    assert 'File "your code", line 1' in repro.traceback and "/tmp" not in repro.traceback


def test_a_removed_example_takes_the_sentences_about_it_along(sandbox: Sandbox) -> None:
    # As a real read-a-file answer had it: the stray pickle example goes, and so do its lead-in
    # and its description; the answer's own point and the note saying what was removed stay.
    text = ("You can loop over the file object [3].\n\n"
            "Here's an example of how to modify pickling behavior for a class [4].\n\n"
            "```python\nclass TextReader:\n    pass\n\nfor line in TextReader():\n    print(line)\n```\n\n"
            "This example demonstrates how to read a file line by line [3]. Files close at the end of `with` [3].")
    fixed, checks = check_code(text, sandbox)
    assert not checks[0].passed and "TypeError: 'TextReader' object is not iterable" in fixed
    assert "pickling" not in fixed and "This example" not in fixed
    assert fixed.startswith("You can loop over the file object [3].") and fixed.endswith("Files close at the end of `with` [3].")
    # An error message with a sentence break of its own; a lead-in with content of its own stays.
    text = ("Strip a prefix with `str.removeprefix` [1]:\n\n```python\nprint('ab'.removeprefx('a'))\n```\n\n"
            "In this example, the prefix 'a' is removed.")
    fixed, _ = check_code(text, sandbox)
    assert "Did you mean" in fixed and fixed.startswith("Strip a prefix") and "In this example" not in fixed


def test_output_comments_of_code_whose_output_varies_are_left_alone() -> None:
    from molly.reflect.codecheck import OUTPUT_VARIES

    text = "```python\nimport random\nprint(random.random())  # 0.5\n```"
    new, checks = check_code(text, Sandbox())
    assert new == text and OUTPUT_VARIES in checks[0].detail
