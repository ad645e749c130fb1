"""Claims of a draft against its passages: claim rules, one LLM verdict, revision, final checks.

Used by ``stage.reflect`` on every draft and by ``eval/benchmarks/seeded_faults.py`` on answers with
planted faults, so the benchmark measures exactly what learners get. The LLM call continues the
drafting conversation, so llama.cpp and vLLM reuse its cached prefix. Not here: running code
(``codecheck.py``) and course steering, which ``stage.reflect`` applies after this.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from molly.document import code_of
from molly.llm import UsageCounter, call_llm
from molly.prompting import load_prompt
from molly.reflect.attribution import attribute
from molly.reflect.checks import deterministic_checks, drop_failures, numbered_sentences, parse_verdict, problems_text
from molly.reflect.claims import Finding, claim_texts, find_problems, revise, verdicts
from molly.reflect.coderepair import repair_code
from molly.reflect.stated import check_stated
from molly.retrieval.embedder import Embedder, MemoEmbedder
from molly.sandbox import Sandbox
from molly.schemas import Check, Claim, Passage


@dataclass(frozen=True)
class Reflection:
    """What reflection made of a draft: the text to show (if not withheld) and why."""

    text: str
    checks: list[Check] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    withheld: bool = False


def verify_claims(llm: BaseChatModel, messages: list[BaseMessage], draft: str, passages: list[Passage],
            counter: UsageCounter, embedder: Embedder | None = None, rules: bool = True,
            question: str = "", sandbox: Sandbox | None = None, judge: bool = True) -> Reflection:
    """Check ``draft`` (written in reply to ``messages``) against ``passages``; one LLM call.
    Without ``rules`` the LLM judges every sentence (the claim rules of ``claims.py`` are skipped).
    ``question`` (the learner's message) may be quoted without a passage. With ``sandbox``, the
    results the answer states are compared with real runs first (``stated.py``), corrected when
    wrong, and those sentences are decided by the run, not the words or the model. Without
    ``judge`` the model is not asked: what no rule decided is shown as not checked."""
    # Code blocks are mended first; the conversation keeps the model's own draft, whose tokens
    # llama.cpp and vLLM already hold in their cache.
    text, repairs = repair_code(draft)
    checks = [Check(name="code_repaired", passed=True, detail="; ".join(repairs))] if repairs else []
    if embedder is not None:
        embedder = MemoEmbedder(embedder)  # the claim rules and attribution share the passages' vectors
        # Citations are attributed before the checks, so that an uncited sentence taken from a
        # passage is judged by the word rules like a cited one, and the verdict is not told
        # "makes no citation" about a draft that only forgot its brackets.
        text, added = attribute(text, passages, embedder)
        if added:
            checks.append(Check(name="citations_attributed", passed=True,
                                detail=f"{added} uncited sentence(s) matched to their passage"))
    ran: dict[str, str] = {}
    if sandbox is not None:
        text, outcomes, stated_checks = check_stated(text, sandbox, passages)
        checks += stated_checks
        ran = {o.claim: (f"its stated result was corrected from a run (it said `{o.stated}`)" if o.corrected
                         else "its stated result matches a run") for o in outcomes if o.compared}
    first = deterministic_checks(text, passages)
    sentences = claim_texts(text)
    claims: list[Claim] = []
    if sentences and not passages:
        # Nothing to check against: the tutor prompt asks for brief uncited guidance then. Say so,
        # rather than let the verdict call it supported ("The capital of Australia is Canberra."
        # passed as "all 1 sentences supported"); and no LLM call.
        checks.append(Check(name="claims_supported", passed=False, detail=(
            "no documentation passage matched the question: general guidance, not checked against the docs")))
        claims = [Claim(text=c, verdict="supported", reason=ran[c], by="run") if c in ran else
                  Claim(text=c, verdict="unchecked", reason="no documentation passage to check it against")
                  for c in sentences]
    elif sentences:
        findings = (find_problems(sentences, passages, embedder, question, ran, code_of(text)) if rules
                    else [Finding() for _ in sentences])
        # The LLM judges only what the rules left open; when they decided everything, no call.
        ask_about = {i for i, f in enumerate(findings, 1) if not (f.problem or f.supported or f.lead_in)}
        unsupported: tuple[int, ...] | None = () if judge or not ask_about else None
        if ask_about and judge:
            found = [f"sentence {i}: {f.problem}" for i, f in enumerate(findings, 1) if f.problem]
            problems = " ".join(filter(None, [problems_text(first), f"Found: {'; '.join(found)}." if found else ""]))
            ask = load_prompt("reflect").render(problems=problems,
                                                sentences=numbered_sentences(draft, only=ask_about))[1]
            reply = call_llm(llm, [*messages, AIMessage(draft), HumanMessage(ask)], counter, max_tokens=24)
            verdict = parse_verdict(reply, len(sentences))
            unsupported = tuple(n for n in verdict.unsupported if n in ask_about) if verdict.clear else None
        claims = verdicts(sentences, findings, unsupported, "the check gave no clear verdict" if judge else
                          "not checked: no rule could compare it with the passages")
        bad = [i for i, c in enumerate(claims, 1) if c.verdict == "unsupported"]
        real = sum(1 for c in claims if c.verdict != "not_a_claim")  # lead-ins neither support nor save an answer
        if unsupported is None and not bad and not judge:
            checks.append(Check(name="claims_supported", passed=True, detail=(
                f"{real - len(ask_about)} of {real} sentences decided by the rules; {len(ask_about)} not checked")))
        elif unsupported is None and not bad:
            checks.append(Check(name="claims_supported", passed=False, detail="the check gave no clear verdict"))
        elif not bad:
            checks.append(Check(name="claims_supported", passed=True, detail=(
                f"all {real} sentences supported" if real else "no factual sentence to check")))
        elif len(bad) == real:
            checks.append(Check(name="claims_supported", passed=False, detail="no sentence was supported"))
            return Reflection(draft, checks + first, [c.model_copy(update={"shown": False}) for c in claims], True)
        else:
            checks.append(Check(name="claims_supported", passed=True, detail=(
                f"removed {len(bad)} unsupported of {real} sentences ({', '.join(map(str, bad))})")))
        recited = sum(1 for f, c in zip(findings, claims, strict=True) if f.recite and c.verdict == "supported")
        if recited:
            checks.append(Check(name="citations_matched", passed=True,
                                detail=f"{recited} sentence(s) re-cited to the passage their words come from"))
        text, claims = revise(text, claims, findings)
    final = deterministic_checks(text, passages)
    if not all(c.passed for c in final if c.name != "cites_sources"):
        text = drop_failures(text, passages)
        checks.append(Check(name="dropped_failures", passed=True, detail="; ".join(
            c.detail for c in final if not c.passed)))
        final = deterministic_checks(text, passages)
    return Reflection(text, checks + final, claims)
