"""Answer metrics on hand-made cases: faithfulness, correctness parsing, code-runs, solution leaks."""

from __future__ import annotations

from molly.evaluation.judges import code_runs, correctness, faithfulness, leaks_solution
from molly.fakes import ScriptedChatModel
from molly.sandbox import Sandbox
from molly.schemas import Passage
from tests.conftest import SMALL_CORPUS

PASSAGES = [Passage(ref=i + 1, chunk=c, score=0.5) for i, c in enumerate(SMALL_CORPUS[:2])]


def test_faithfulness_counts_rule_decided_and_judged_claims() -> None:
    text = ("Here is how:\n\nYou can loop over the file object [1]. Iterate through each line with a for statement [1]. "
            "Files are always read backwards by default [2]. Short one [1].")
    llm = ScriptedChatModel().enqueue(["3"])
    f = faithfulness(llm, "How do I read a file?", text, PASSAGES)
    assert f is not None and (f.supported, f.total) == (2, 3)  # the lead-in and the 2-word sentence are no claims
    assert f.unsupported == ("Files are always read backwards by default [2].",)
    asked = str(llm.history[0][-1].content)
    assert "(2) Iterate" in asked and "(3) Files" in asked and "(1)" not in asked  # (1) was decided by its words
    assert faithfulness(ScriptedChatModel(), "q", text, []) is None  # no passages: nothing to be faithful to
    unclear = faithfulness(ScriptedChatModel().enqueue(["maybe"]), "q", text, PASSAGES)
    assert unclear is not None and unclear.supported == 1  # no clear verdict: the open claims count as unsupported


def test_correctness_reads_the_score_and_reason() -> None:
    def grade(reply: str) -> tuple[int | None, str]:
        return correctness(ScriptedChatModel().enqueue([reply]), "q", "a", "ref")

    assert grade("REASON: misses the with statement\nSCORE: 4") == (4, "misses the with statement")
    assert grade("nothing | 5") == (5, "nothing")
    assert grade("It leaves out close(). 3") == (3, "It leaves out close().")
    assert grade("Score: great")[0] is None and grade("It gives a score of 1 to it.")[0] is None


def test_code_runs_counts_blocks_as_shown() -> None:
    text = "```python\nprint(1)\n```\n\n```python\n[][0]\n```\n\n```bash\nls\n```\n\n```\n>>> 1 + 1\n2\n```"
    assert code_runs(text, Sandbox()) == (2, 3)
    assert code_runs("No code here.", Sandbox()) == (0, 0)


def test_solution_leak_heuristic() -> None:
    hint = "Think about a loop:\n\n```python\nfor x in items:\n    ...\n```"
    program = "```python\n" + "\n".join(f"x{i} = {i}" for i in range(8)) + "\n```"
    function = "```python\ndef solve(n):\n    total = 0\n    for i in range(n):\n        total += i\n    return total\n```"
    commented = "```python\n# step 1\n# step 2\n# step 3\n# step 4\n# step 5\n# step 6\n# step 7\nx = 1\n```"
    assert not leaks_solution(hint) and not leaks_solution(commented) and not leaks_solution("No code.")
    assert leaks_solution(program) and leaks_solution(function)
