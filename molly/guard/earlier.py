"""An earlier answer's code stays with its question: a new question's answer does not repeat it.

The conversation reaches the draft prompt so that follow-ups make sense, and the 1.5B model then
copied an earlier turn's example into the answer to an unrelated question (a file-reading block
in the answer to a TypeError). When the learner's message does not refer back
(``perceive/followup.refers_back``, precision 1.0 on held-out follow-ups), a block whose code is
an earlier answer's block, spaces ignored, is removed with the sentences that introduce it.
"""

from __future__ import annotations

import re

from molly.document import python_blocks, replace_python_block, without_example_talk, without_output

LEFT_OUT = "*(An example from my earlier answer was left out here: it belongs to that question.)*"


def _squeezed(code: str) -> str:
    return re.sub(r"\s+", "", code)


def without_earlier_code(text: str, earlier_answers: list[str]) -> tuple[str, int]:
    """``text`` without the Python blocks an earlier answer already showed, and how many went."""
    seen = {_squeezed(code) for answer in earlier_answers for _, code in python_blocks(answer)}
    seen.discard("")
    removed = 0
    while hit := next(((i, block) for i, (block, code) in enumerate(python_blocks(text)) if _squeezed(code) in seen),
                      None):
        n, block = hit
        # What the block printed goes with it (else that output block would be read as code next).
        text = without_output(text, block)
        text = without_example_talk(replace_python_block(text, n, LEFT_OUT), LEFT_OUT)
        text = text.replace(LEFT_OUT, "", 1).strip()
        removed += 1
    return re.sub(r"\n{3,}", "\n\n", text), removed


__all__ = ["without_earlier_code"]
