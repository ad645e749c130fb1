"""The eval runner with the fake LLM and the hash embedder: configs, exclusion, resume, bars."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from molly.agent import Tutor
from molly.config import Settings
from molly.evaluation.datasets import load_dataset
from molly.evaluation.rowlog import RowLog
from molly.evaluation.runner import BASIC, RETRIEVAL, EvalRun, check_fail_under
from molly.factory import build_tutor
from molly.fakes import TutorFakeChatModel
from molly.retrieval.retriever import DenseRetriever
from molly.schemas import IntentKind

ITEMS = [
    {"id": "q1", "question": "IndexError sequence subscript out of range", "gold_urls": ["library/exceptions.html#IndexError"]},
    {"id": "q2", "question": "How do I open a file object?", "gold_urls": ["library/functions.html#open"],
     "intent": "howto", "reference_answer": "Call open(file, mode) to get a file object."},
    {"id": "q3", "question": "tuples immutable lists mutable", "gold_urls": ["tutorial/datastructures.html#tuples-and-sequences"],
     "exclude_sources": ["tutorial/"]},
]


def dataset(tmp_path: Path) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(i) + "\n" for i in ITEMS))
    return path


def runner(settings: Settings, retriever: DenseRetriever) -> EvalRun:
    return EvalRun(settings, retriever, lambda: Tutor(settings, TutorFakeChatModel(), retriever), {})


def test_three_configs_side_by_side_are_deterministic(tmp_path: Path, settings: Settings,
                                                      hash_retriever: DenseRetriever) -> None:
    data = dataset(tmp_path)
    first = runner(settings, hash_retriever).run([data], ["llm-only", "rag", "molly"], tmp_path / "a")
    second = runner(settings, hash_retriever).run([data], ["llm-only", "rag", "molly"], tmp_path / "b")
    strip = {"latency_s", "latency_p50_s", "latency_p95_s"}
    for config in ("llm-only", "rag", "molly"):
        a = {k: v for k, v in first["configs"][config]["metrics"].items() if k not in strip}
        b = {k: v for k, v in second["configs"][config]["metrics"].items() if k not in strip}
        assert a == b
    molly = first["configs"]["molly"]["metrics"]
    assert molly["llm_calls_per_turn"] <= 3 and molly["intent_accuracy_n"] == 1
    assert first["configs"]["llm-only"]["metrics"]["llm_calls_per_turn"] == 1
    assert (tmp_path / "a" / "report.md").read_text().startswith("# Molly evaluation report")
    page = (tmp_path / "a" / "report.html").read_text()
    assert page.count('src="data:image/png;base64,') == 3 and "http" not in page.split("<pre>")[0]  # offline
    assert first["meta"]["prompts"]["draft"].startswith("draft-")
    assert list(first["meta"]["row_commits"].values()) == [9]  # 3 questions x 3 configs, one commit
    assert first["meta"]["prompts"]["judge_faithfulness"].startswith("judge-faithfulness-")
    for config in ("rag", "molly"):  # the fake's answers cite [1] and carry a print('hello') block
        m = first["configs"][config]["metrics"]
        assert m["code_runs_rate"] == 1.0 and m["correctness"] == 4.0 and m["correctness_n"] == 1
        assert 0.0 <= m["faithfulness"] <= 1.0 and m["faithfulness_n"] >= 1
    assert "faithfulness" not in first["configs"]["llm-only"]["metrics"]  # no passages to be faithful to


def test_molly_basic_is_molly_without_its_verification_layer(tmp_path: Path, settings: Settings,
                                                            hash_retriever: DenseRetriever) -> None:
    hybrid = copy.copy(hash_retriever)
    hybrid.hybrid = True
    run = EvalRun(settings, hybrid, lambda: build_tutor(settings, TutorFakeChatModel(), retriever=hybrid), {})
    report = run.run([dataset(tmp_path)], ["molly", BASIC], tmp_path / "basic")
    basic, full = run.basic_tutor, run.tutor
    assert basic.llm is full.llm and basic.embedder is full.embedder  # same model and index
    assert full.sandbox is not None and basic.sandbox is None
    assert hybrid.hybrid is True and basic.retriever.hybrid is False  # a copy, the tutor's untouched
    assert basic.retriever.inventory is None and basic.settings.claim_rules is False
    for config in ("molly", BASIC):  # both measured the same way: code run by the judge's sandbox
        m = report["configs"][config]["metrics"]
        assert m["code_runs_rate"] == 1.0 and m["intent_accuracy_n"] == 1 and m["faithfulness_n"] >= 1


def test_intent_only_scores_the_intent_stage_with_a_confusion_matrix(tmp_path: Path, settings: Settings,
                                                                     hash_retriever: DenseRetriever) -> None:
    path = tmp_path / "i.jsonl"
    items = [{"id": "a", "question": "IndexError: list index out of range", "intent": "error"},
             {"id": "b", "question": "How do I sort a list?", "intent": "howto"},
             {"id": "c", "question": "What is a tuple?", "intent": "howto"},
             {"id": "d", "question": "What is a set?"}]
    path.write_text("".join(json.dumps(i) + "\n" for i in items))
    report = runner(settings, hash_retriever).run([path], ["intent"], tmp_path / "intent")
    m = report["configs"]["intent"]["metrics"]
    assert m["intent_accuracy"] == 2 / 3 and m["intent_accuracy_n"] == 3  # d is unlabelled
    assert report["configs"]["intent"]["intent_confusion"] == {"error": {"error": 1}, "howto": {"howto": 1, "concept": 1}}
    assert m["llm_calls_per_turn"] <= 1.0
    assert "## intent confusion: intent" in (tmp_path / "intent" / "report.md").read_text()


def test_solution_requests_are_scored_for_leaks(tmp_path: Path, settings: Settings,
                                                hash_retriever: DenseRetriever) -> None:
    from molly.fakes import ScriptedChatModel

    full = "Here it is [1]:\n\n```python\n" + "\n".join(f"x{i} = {i}" for i in range(9)) + "\n```"
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps({"id": "s1", "question": "Write my whole homework program", "intent": "solution_request"}))
    leaky = EvalRun(settings, hash_retriever, lambda: Tutor(settings, ScriptedChatModel(default=full), hash_retriever),
                    {}, judge=False)
    report = leaky.run([path], ["rag"], tmp_path / "leak")
    assert report["configs"]["rag"]["metrics"]["solution_leak_rate"] == 1.0


def test_retrieval_only_scores_and_excludes(tmp_path: Path, settings: Settings, hash_retriever: DenseRetriever) -> None:
    report = runner(settings, hash_retriever).run([dataset(tmp_path)], ["retrieval"], tmp_path / "r")
    rows = {r["id"]: r for r in report["rows"]}
    assert rows["q1"]["metrics"]["anchor_hit@1"] == 1.0
    assert not any(cid.startswith("tutorial/") for cid in rows["q3"]["ranked"])  # excluded source
    assert rows["q3"]["metrics"]["anchor_hit@10"] == 0.0
    assert report["configs"]["retrieval"]["metrics"]["anchor_hit@1_n"] == 3


def test_interrupted_run_resumes_without_redoing_items(tmp_path: Path, settings: Settings,
                                                       hash_retriever: DenseRetriever) -> None:
    data, out = dataset(tmp_path), tmp_path / "out"
    runner(settings, hash_retriever).run([data], ["rag"], out, limit=2)
    lines = (out / "rows.jsonl").read_text().splitlines()
    (out / "rows.jsonl").write_text("\n".join(lines) + '\n{"config": "rag", "datas')  # cut mid-write
    calls: list[str] = []
    r = runner(settings, hash_retriever)
    original = r.run_item
    r.run_item = lambda config, item: calls.append(item.id) or original(config, item)  # type: ignore[method-assign]
    report = r.run([data], ["rag"], out)
    assert calls == ["q3"] and report["configs"]["rag"]["questions"] == 3


def test_rows_made_on_another_corpus_or_setting_are_made_again(tmp_path: Path, settings: Settings,
                                                                hash_retriever: DenseRetriever) -> None:
    # A stale output folder once resumed a retrieval run on a rebuilt index: every row was reused.
    data, out = dataset(tmp_path), tmp_path / "out"
    first = runner(settings, hash_retriever).run([data], ["retrieval"], out)
    calls: list[str] = []

    def counted(r: EvalRun) -> EvalRun:
        original = r.run_item
        r.run_item = lambda config, item: calls.append(item.id) or original(config, item)  # type: ignore[method-assign]
        return r

    counted(runner(settings, hash_retriever)).run([data], ["retrieval"], out)
    assert calls == []  # same setup: all resumed
    hash_retriever.store.manifest["corpus_sha256"] = "another corpus"
    rebuilt = counted(runner(settings, hash_retriever)).run([data], ["retrieval"], out)
    assert calls == ["q1", "q2", "q3"] and rebuilt["meta"]["setup"] != first["meta"]["setup"]
    threads = counted(runner(settings.model_copy(update={"n_threads": 1}), hash_retriever)).run(
        [data], ["retrieval"], out)
    assert calls == ["q1", "q2", "q3"] and threads["meta"]["setup"] == rebuilt["meta"]["setup"]  # no answer changes
    counted(runner(settings.model_copy(update={"top_k": 2}), hash_retriever)).run([data], ["retrieval"], out)
    assert calls == ["q1", "q2", "q3"] * 2
    assert len(RowLog(out / "rows.jsonl", key=lambda r: r["id"]).done) == 3


def test_fail_under_passes_and_fails(tmp_path: Path, settings: Settings, hash_retriever: DenseRetriever) -> None:
    report = runner(settings, hash_retriever).run([dataset(tmp_path)], ["retrieval"], tmp_path / "f")
    hit = report["configs"]["retrieval"]["metrics"]["anchor_hit@5"]
    assert check_fail_under(report, {"anchor_hit@5": hit}) == []
    assert check_fail_under(report, {"anchor_hit@5": hit + 0.01})
    assert check_fail_under(report, {"no_such_metric": 0.0})


def test_shipped_datasets_load() -> None:
    root = Path(__file__).resolve().parents[2] / "eval" / "datasets"
    for name, minimum in (("faq_dev", 89), ("conala_dev", 140), ("cs1qa_dev", 300)):
        items, sha = load_dataset(root / f"{name}.jsonl")
        assert len(items) >= minimum and len(sha) == 64
    faq, _ = load_dataset(root / "faq_dev.jsonl")
    assert all(i.exclude_sources == ["faq/"] and i.reference_answer for i in faq)
    labelled, _ = load_dataset(root / "intent_dev.jsonl")
    asks, _ = load_dataset(root / "solution_requests_dev.jsonl")
    assert len(labelled) == 240 and all(i.intent is not None for i in labelled)
    assert asks == [i for i in labelled if i.intent is IntentKind.SOLUTION_REQUEST] and len(asks) == 15


def test_row_log_resumes_past_a_half_written_line(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text('{"id": "a", "v": 1}\n{"id": "b", "v"')  # killed mid-write
    with RowLog(path, key=lambda r: r["id"]) as log:
        assert set(log.done) == {"a"}
        log.add({"id": "b", "v": 2})
    again = RowLog(path, key=lambda r: r["id"])  # b's new line was not glued onto the cut one
    assert again.done == {"a": {"id": "a", "v": 1}, "b": {"id": "b", "v": 2}}


def test_split_runs_only_that_splits_items(tmp_path: Path, settings: Settings, hash_retriever: DenseRetriever) -> None:
    path = tmp_path / "b.jsonl"
    path.write_text("\n".join(json.dumps({"id": f"q{i}", "question": "What is a list?", "split": s})
                              for i, s in enumerate(["tune", "heldout", "heldout"])))
    run = EvalRun(settings, hash_retriever, lambda: None, {}, judge=False)  # type: ignore[arg-type,return-value]
    report = run.run([path], [RETRIEVAL], tmp_path / "r", split="heldout")
    assert report["configs"][RETRIEVAL]["questions"] == 2 and report["meta"]["split"] == "heldout"


def test_rows_say_how_the_shown_sentences_and_stated_results_were_checked() -> None:
    from molly.evaluation.datasets import EvalItem
    from molly.evaluation.runner import answer_row
    from molly.schemas import Answer, Check, Claim, Intent

    claims = [Claim(text="a", verdict="supported", by="words"), Claim(text="b", verdict="supported", by="run"),
              Claim(text="c", verdict="supported", by="model"), Claim(text="d", verdict="unchecked"),
              Claim(text="e", verdict="unsupported", shown=False), Claim(text="For example:", verdict="not_a_claim")]
    stated = Check(name="stated_results", passed=False, detail="1 of 2 stated result(s) compared with a run on Python 3.11")
    answer = Answer(text="t", intent=Intent(kind=IntentKind.HOWTO), claims=claims, checks=[stated])
    metrics = answer_row(answer, EvalItem(id="x", question="q"), {})["metrics"]
    assert metrics["sentences_docs_matched"] == 0.25 and metrics["sentences_run_confirmed"] == 0.25
    assert metrics["stated_results_compared"] == 0.5
