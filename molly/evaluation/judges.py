"""Answer metrics for ``molly eval``: faithfulness, correctness, code-runs and solution leaks.

Faithfulness: the shown answer's claims (prose sentences of five words or more that are not
lead-ins ending in ":") checked against its passages, the rules of ``claims.py`` first, then the
configured LLM as judge (``prompts/judge_faithfulness.md``) in a fresh conversation for what the
rules leave open. Correctness: the LLM's 1-5 grade against the reference answer
(``prompts/judge_correctness.md``) and the embedding cosine of answer and reference.
Code-runs: each Python block run as shown in the sandbox. Solution leak: a heuristic, below.
The judge is the model under test unless another is configured: it grades its own kind of
answers, which flatters them; compare configurations, not absolute values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from molly.document import python_blocks, repl_to_source
from molly.llm import UsageCounter, call_llm
from molly.prompting import escape_delimiters, format_passages, load_prompt
from molly.reflect.checks import parse_verdict
from molly.reflect.claims import claim_texts, find_problems, is_lead_in
from molly.retrieval.embedder import Embedder
from molly.sandbox import Sandbox
from molly.schemas import Passage

# The same floor as reflect/attribution.MIN_WORDS; not measured.
MIN_CLAIM_WORDS = 5
REFERENCE_CHARS = 1500  # long FAQ references are cut: on a CPU every prompt token costs judge time
LEAK_LINES = 8  # a block this long (code lines) hands over a whole program
LEAK_DEF_LINES = 5  # ... or a def/class this long hands over a whole function


@dataclass(frozen=True)
class Faithfulness:
    """How many of an answer's claims its passages support, and which were not."""

    supported: int
    total: int
    unsupported: tuple[str, ...]

    @property
    def rate(self) -> float:
        return self.supported / self.total if self.total else 1.0


def _messages(prompt: str, **values: str) -> list[BaseMessage]:
    system, user = load_prompt(prompt).render(**values)
    return [SystemMessage(system), HumanMessage(user)]


def faithfulness(llm: BaseChatModel, question: str, text: str, passages: list[Passage],
                 counter: UsageCounter | None = None) -> Faithfulness | None:
    """The answer's claims judged against its passages; None without passages or claims."""
    claims = [c for c in claim_texts(text) if len(c.split()) >= MIN_CLAIM_WORDS and not is_lead_in(c)]
    if not passages or not claims:
        return None
    findings = find_problems(claims, passages)
    bad = {i for i, f in enumerate(findings, 1) if f.problem}
    open_ = [i for i, f in enumerate(findings, 1) if not f.problem and not f.supported]
    if open_:
        numbered = "\n".join(f"({i}) {escape_delimiters(claims[i - 1])}" for i in open_)
        reply = call_llm(llm, _messages("judge_faithfulness", passages=format_passages(passages),
                                        question=escape_delimiters(question), sentences=numbered),
                         counter or UsageCounter(), max_tokens=24)
        verdict = parse_verdict(reply, len(claims))
        bad |= {n for n in verdict.unsupported if n in open_} if verdict.clear else set(open_)
    return Faithfulness(len(claims) - len(bad), len(claims), tuple(claims[i - 1] for i in sorted(bad)))


def correctness(llm: BaseChatModel, question: str, text: str, reference: str,
                counter: UsageCounter | None = None) -> tuple[int | None, str]:
    """The judge's 1-5 score against the reference and its reason; (None, reply) if unreadable."""
    reply = call_llm(llm, _messages("judge_correctness", question=escape_delimiters(question),
                                    reference=escape_delimiters(_cut(reference, REFERENCE_CHARS)),
                                    answer=escape_delimiters(text)),
                     counter or UsageCounter(), max_tokens=100).strip()
    # The 1.5B model writes "REASON: ... SCORE: n", "reason | n" or ends with the number.
    m = (re.search(r"(?i)\bscore\b\W*([1-5])\b", reply) or re.search(r"\|\W*([1-5])\b", reply)
         or re.search(r"\b([1-5])\W*$", reply))
    if m is None:
        return None, reply[:300]
    reason = re.sub(r"(?i)^\W*reason\W*", "", reply[: m.start()]).strip(" |-:\n")
    return int(m.group(1)), re.sub(r"(?i)\W*score\W*$", "", reason)[:300]


def _cut(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[:chars].rsplit(" ", 1)[0] + " …"


def similarity(embedder: Embedder, text: str, reference: str) -> float:
    """Cosine of the answer's and the reference's embeddings."""
    vecs = embedder.embed([text, reference])
    return float(np.dot(vecs[0], vecs[1]))


def code_runs(text: str, sandbox: Sandbox) -> tuple[int, int]:
    """(blocks that ran without an error, Python blocks) for the answer as shown."""
    blocks = [code for _, code in python_blocks(text)]
    ok = sum(sandbox.run(repl_to_source(code)).ok for code in blocks)
    return ok, len(blocks)


def leaks_solution(text: str) -> bool:
    """True when the answer hands over a whole program: a Python block of ``LEAK_LINES`` code
    lines or more, or one defining a function or class of ``LEAK_DEF_LINES`` lines or more.
    A heuristic for ``solution_request`` items: hints and short examples pass, full programs do not."""
    for _, code in python_blocks(text):
        lines = [line for line in repl_to_source(code).splitlines() if line.strip() and not line.strip().startswith("#")]
        if len(lines) >= LEAK_LINES:
            return True
        if len(lines) >= LEAK_DEF_LINES and any(re.match(r"\s*(async\s+)?(def|class)\s", line) for line in lines):
            return True
    return False
