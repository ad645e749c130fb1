"""Run QA sets through configurations side by side; resume; write report.json and report.md.

Configurations: ``llm-only`` (no retrieval), ``rag`` (raw question -> top-k -> one answer),
``molly`` (the full pipeline); all on the same model and questions. ``molly-basic`` (on request)
is the full pipeline without its verification layer: dense retrieval alone, no traceback lookup,
the LLM judging every sentence (no claim rules), no code run; so one run shows what that layer
adds. ``retrieval_only`` scores the retrieval ranking without any LLM call (the raw question is
the query). Rows are appended to ``rows.jsonl`` as they finish (``rowlog.py``), so an interrupted
run resumes where it stopped; a row made on another corpus, prompt set or answer-changing setting
(``setup_fingerprint``) is made again, not mixed into the report.
With ``judge``, each answer is also judged (``judges.py``): faithfulness, correctness against the
reference, code-runs, solution leaks. Not here: plots (``html_report.py``).
"""

from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from molly.agent import Tutor
from molly.config import Settings
from molly.errors import MollyError
from molly.evaluation.bugs import bug_metrics
from molly.evaluation.datasets import EvalItem, load_dataset
from molly.evaluation.grading import GRADES, KEY, fold_grades, read_grades, write_sheet
from molly.evaluation.html_report import render_html
from molly.evaluation.judges import code_runs, correctness, faithfulness, leaks_solution, similarity
from molly.evaluation.metrics import aggregate, percentile, retrieval_scores
from molly.evaluation.rowlog import RowLog
from molly.llm import UsageCounter
from molly.prompting import load_prompt
from molly.reflect.stated import STATED, compared_of
from molly.retrieval.retriever import DenseRetriever
from molly.sandbox import Sandbox
from molly.schemas import Answer, IntentKind

CONFIGS = ("llm-only", "rag", "molly")  # the default set
BASIC = "molly-basic"
# What molly-basic turns off: each switch is a user setting too.
BASIC_SETTINGS = {"hybrid_retrieval": False, "traceback_lookup": False, "claim_rules": False, "run_code": False}
RETRIEVAL = "retrieval"
PROMPTS = ("tutor", "intent", "draft", "reflect", "judge_faithfulness", "judge_correctness")
# The settings that change an answer or a ranking (not threads, paths, limits of the web UI).
SETUP_FIELDS = ("solution_policy", "llm_backend", "model_path", "openai_base_url", "openai_model", "temperature", "max_answer_tokens",
                "n_ctx", "embedder_path", "top_k", "candidate_k", "score_floor", "passage_token_budget",
                "passage_max_tokens", "per_page", "hybrid_retrieval", "traceback_lookup", "course_boost",
                "run_code", "claim_rules", "claim_verdict", "max_question_chars", "history_turns", "history_chars",
                "intent_classifier", "intent_examples")
INTENT = "intent"  # the intent stage alone (rules + one LLM call): intent accuracy on labelled sets, fast


def answer_row(answer: Answer, item: EvalItem, aliases: dict[str, str]) -> dict[str, Any]:
    """Per-question figures of one answered item."""
    metrics: dict[str, float] = {
        "latency_s": answer.timings.get("total", 0.0), "llm_calls_per_turn": float(answer.llm_calls),
        "prompt_tokens_per_turn": float(answer.prompt_tokens), "withheld_rate": float(answer.withheld),
    }
    checks = {c.name: c.passed for c in answer.checks}
    if "citations_retrieved" in checks:
        metrics["citations_valid_rate"] = float(checks["citations_retrieved"])
    if item.intent is not None:
        metrics["intent_accuracy"] = float(answer.intent.kind == item.intent)
    shown = [c for c in answer.claims if c.shown and c.verdict != "not_a_claim"]
    if shown:  # how the sentences a learner reads were checked (reflect/badge.py says the same)
        metrics["sentences_docs_matched"] = sum(c.verdict == "supported" and c.by == "words" for c in shown) / len(shown)
        metrics["sentences_run_confirmed"] = sum(c.verdict == "supported" and c.by == "run" for c in shown) / len(shown)
    if stated := next((c for c in answer.checks if c.name == STATED), None):
        compared, total = compared_of(stated)
        metrics["stated_results_compared"] = compared / total
    if item.gold_urls and answer.passages:
        used = retrieval_scores([p.chunk for p in answer.passages], item.gold_urls, aliases)
        metrics.update({f"used_{k}": v for k, v in used.items() if k.endswith(("hit@5", "mrr@10"))})
    return {"metrics": metrics, "timings": answer.timings, "intent": answer.intent.kind.value,
            "answer": answer.text, "cited": [c.url for c in answer.citations],
            "checks": [f"{'✓' if c.passed else '✗'} {c.name}: {c.detail}" for c in answer.checks],
            # What reflection removed and why, to read its false alarms by hand.
            "removed": [f"{c.text} ({c.reason})" for c in answer.claims if not c.shown]}


def setup_fingerprint(settings: Settings, retriever: DenseRetriever, judge: bool) -> str:
    """A short digest of what a row depends on besides the code: the docs corpus, the embedder,
    the prompts' versions, whether answers are judged, and ``SETUP_FIELDS``."""
    parts = {"corpus": retriever.store.manifest.get("corpus_sha256"), "embedder": retriever.embedder.name,
             "prompts": {n: load_prompt(n).version for n in PROMPTS}, "judged": judge,
             **{f: str(getattr(settings, f)) for f in SETUP_FIELDS}}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


class EvalRun:
    """One ``molly eval`` invocation: datasets x configurations into ``out_dir``."""

    def __init__(self, settings: Settings, retriever: DenseRetriever, tutor_factory: Callable[[], Tutor] | None,
                 aliases: dict[str, str], judge: bool = True) -> None:
        self.settings, self.retriever, self.aliases, self.judge = settings, retriever, aliases, judge
        self._tutor_factory = tutor_factory
        self._tutor: Tutor | None = None
        self._sandbox: Sandbox | None = None
        self._basic: Tutor | None = None

    @property
    def tutor(self) -> Tutor:
        if self._tutor is None:
            if self._tutor_factory is None:
                raise MollyError("This evaluation needs an LLM, but none is configured.")
            self._tutor = self._tutor_factory()
        return self._tutor

    @property
    def basic_tutor(self) -> Tutor:
        """``molly-basic``: the same model, embedder and index with ``BASIC_SETTINGS`` applied."""
        if self._basic is None:
            tutor, settings = self.tutor, self.settings.model_copy(update=BASIC_SETTINGS)
            retriever = copy.copy(self.retriever)
            retriever.hybrid, retriever.inventory = False, None
            self._basic = Tutor(settings, tutor.llm, retriever, tutor.embedder, tutor.courses, sandbox=None,
                                intent_llm=tutor.intent_llm)
        return self._basic

    def run_item(self, config: str, item: EvalItem) -> dict[str, Any]:
        exclude = tuple(item.exclude_sources)
        if config == RETRIEVAL:
            start = time.perf_counter()
            ranked = [c for c, _ in self.retriever.rank([item.question], 10, exclude)]
            row: dict[str, Any] = {"metrics": {"latency_s": time.perf_counter() - start}, "ranked": [c.id for c in ranked]}
            if item.gold_urls:
                row["metrics"].update(retrieval_scores(ranked, item.gold_urls, self.aliases))
            return row
        if config == INTENT:
            counter, start = UsageCounter(), time.perf_counter()
            try:
                intent = self.tutor.understand(item.question, counter, exclude)
            except MollyError as e:
                return {"metrics": {"error_rate": 1.0}, "error": e.user_message}
            metrics = {"latency_s": time.perf_counter() - start, "llm_calls_per_turn": float(counter.calls),
                       "error_rate": 0.0}
            if item.intent is not None:
                metrics["intent_accuracy"] = float(intent.kind == item.intent)
            return {"metrics": metrics, "intent": intent.kind.value, "gold_intent": _value(item.intent)}
        try:
            if config in ("molly", BASIC):
                answer = (self.tutor if config == "molly" else self.basic_tutor).ask(item.question, exclude)
            else:
                answer = self.tutor.plain_rag(item.question, exclude, use_docs=config == "rag")
        except MollyError as e:
            return {"metrics": {"error_rate": 1.0}, "error": e.user_message}
        row = answer_row(answer, item, self.aliases)
        row["metrics"]["error_rate"] = 0.0
        if config in ("molly", BASIC):
            row["gold_intent"] = _value(item.intent)
        else:  # the baselines perceive no intent: nothing to score
            row["metrics"].pop("intent_accuracy", None)
        self._measure(row, answer, item)
        return row

    def _measure(self, row: dict[str, Any], answer: Answer, item: EvalItem) -> None:
        """Code-runs and solution leaks always; faithfulness and correctness when judging."""
        metrics = row["metrics"]
        if self._sandbox is None:
            self._sandbox = self.tutor.sandbox or Sandbox()
        ran, blocks = code_runs(answer.text, self._sandbox)
        if blocks:
            metrics["code_runs_rate"] = ran / blocks
        if item.intent is IntentKind.SOLUTION_REQUEST:
            metrics["solution_leak_rate"] = float(leaks_solution(answer.text))
        if item.code and item.tests:
            metrics.update(bug_metrics(answer, item.code, item.tests, item.bug_lines, item.fix_code, self._sandbox))
        if not self.judge or answer.withheld:
            return
        llm = self.tutor.llm
        faith = faithfulness(llm, item.question, answer.text, answer.passages)
        if faith is not None:
            metrics["faithfulness"] = faith.rate
            row["unsupported_claims"] = list(faith.unsupported)
        if item.reference_answer:
            score, reason = correctness(llm, item.question, answer.text, item.reference_answer)
            if score is not None:
                metrics["correctness"] = float(score)
            row["correctness_reason"] = reason
            metrics["correctness_similarity"] = similarity(self.retriever.embedder, answer.text, item.reference_answer)

    def run(self, datasets: list[Path], configs: list[str], out_dir: Path, limit: int | None = None,
            progress: Callable[[int, int], None] | None = None, split: str | None = None,
            grade_sheet: bool = False, grades: Path | None = None) -> dict[str, Any]:
        """Run (or resume) everything and write the reports; returns report.json's content.
        ``split``: only the items of that split (e.g. ``heldout``), before ``limit``.
        ``grade_sheet``: also write a blind sheet of the answers for grading by reading;
        ``grades``: fold a person's grades of that sheet into the report (``grading.py``)."""
        out_dir.mkdir(parents=True, exist_ok=True)
        log = RowLog(out_dir / "rows.jsonl", key=lambda r: (r["config"], r["dataset"], r["id"]))
        loaded = {p.stem: load_dataset(p) for p in datasets}
        chosen = {name: [i for i in items if split is None or i.split == split] for name, (items, _) in loaded.items()}
        todo = [(c, name, item) for name, items in chosen.items() for item in items[:limit] for c in configs]
        commit = _git_commit()  # per row: a resumed run may span commits
        setup = setup_fingerprint(self.settings, self.retriever, self.judge)
        with log:
            for finished, (config, name, item) in enumerate(todo, 1):
                if log.done.get((config, name, item.id), {}).get("setup") != setup:
                    log.add({"config": config, "dataset": name, "id": item.id, "commit": commit, "setup": setup,
                             **self.run_item(config, item)})
                if progress:
                    progress(finished, len(todo))
        done = log.done
        keys = {(c, n, i.id) for c, n, i in todo}
        report = self._report([done[k] for k in sorted(keys)], configs, loaded, commit, setup)
        report["meta"]["split"] = split or "all"
        if grade_sheet:
            questions = {(name, i.id): i.question for name, items in chosen.items() for i in items}
            report["meta"]["grade_sheet_items"] = write_sheet(report["rows"], questions, out_dir)
        if grades is not None:
            report["graded"] = fold_grades(read_grades(grades), out_dir / KEY)
        (out_dir / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        markdown = render_markdown(report)
        (out_dir / "report.md").write_text(markdown, encoding="utf-8")
        (out_dir / "report.html").write_text(render_html(report, markdown), encoding="utf-8")
        return report

    def _report(self, rows: list[dict[str, Any]], configs: list[str],
                loaded: dict[str, tuple[list[EvalItem], str]], commit: str, setup: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for config in configs:
            mine = [r for r in rows if r["config"] == config]
            metrics = aggregate([r["metrics"] for r in mine])
            latencies = [r["metrics"]["latency_s"] for r in mine if "latency_s" in r["metrics"]]
            metrics["latency_p50_s"] = percentile(latencies, 0.5)
            metrics["latency_p95_s"] = percentile(latencies, 0.95)
            per_dataset = {name: aggregate([r["metrics"] for r in mine if r["dataset"] == name]) for name in loaded}
            out[config] = {"metrics": metrics, "per_dataset": per_dataset, "questions": len(mine),
                           "intent_confusion": confusion(mine)}
        return {
            "configs": out,
            "meta": {
                "git_commit": commit, "setup": setup, "llm_backend": self.settings.llm_backend,
                "row_commits": dict(Counter(r.get("commit", "not recorded") for r in rows)),
                "model": str(self.settings.model_path or "packaged qwen2.5-coder-1.5b-instruct-q4_k_m"),
                "embedder": self.retriever.embedder.name, "top_k": self.settings.top_k,
                "score_floor": self.settings.score_floor,
                "prompts": {n: load_prompt(n).version for n in PROMPTS},
                "judged": self.judge,
                "datasets": {name: {"sha256": sha, "items": len(items)} for name, (items, sha) in loaded.items()},
            },
            "rows": rows,
        }


def render_markdown(report: dict[str, Any]) -> str:
    """report.md: one table of the headline metrics per configuration, then per dataset."""
    names = ["anchor_hit@1", "anchor_hit@5", "anchor_hit@10", "anchor_mrr@10", "page_hit@1", "page_hit@5",
             "page_hit@10", "page_mrr@10", "intent_accuracy", "faithfulness", "correctness", "correctness_similarity",
             "code_runs_rate", "sentences_docs_matched", "sentences_run_confirmed", "stated_results_compared",
             "solution_leak_rate", "citations_valid_rate", "withheld_rate", "latency_p50_s", "latency_p95_s", "llm_calls_per_turn", "prompt_tokens_per_turn", "error_rate"]
    rows_by = ", ".join(f"`{c}` {n}" for c, n in report["meta"]["row_commits"].items())
    lines = ["# Molly evaluation report", "", f"commit `{report['meta']['git_commit']}` (rows made at: {rows_by}), "
             f"backend `{report['meta']['llm_backend']}`, prompts {report['meta']['prompts']}", ""]
    configs = report["configs"]
    scopes = [("all datasets", {c: d["metrics"] for c, d in configs.items()})] + [
        (name, {c: d["per_dataset"][name] for c, d in configs.items()}) for name in report["meta"]["datasets"]]
    for scope, by_config in scopes:
        shown = [m for m in names if any(m in metrics for metrics in by_config.values())]
        lines += [f"## {scope}", "", "| metric | " + " | ".join(by_config) + " |", "|---|" + "---|" * len(by_config)]
        for m in shown:
            cells = []
            for metrics in by_config.values():
                v, n = metrics.get(m), metrics.get(f"{m}_n")
                cells.append("—" if v is None else f"{v:.3f}" + (f" (n={int(n)})" if n is not None else ""))
            lines.append(f"| {m} | " + " | ".join(cells) + " |")
        lines.append("")
    if graded := report.get("graded"):
        lines += ["## graded by reading (a person, blind to the configuration)", "",
                  "| configuration | n | " + " | ".join(GRADES) + " |", "|---|---|" + "---|" * len(GRADES)]
        lines += [f"| {c} | {int(g['graded_n'])} | " + " | ".join(f"{int(g[k])} ({g[k + '_rate']:.2f})" for k in GRADES) + " |"
                  for c, g in graded.items()]
        lines += ["", "Faithfulness and correctness above are the LLM judge's (the model under test unless another "
                  "is configured), not a reader's.", ""]
    kinds = [k.value for k in IntentKind]
    for config, data in configs.items():
        matrix = data.get("intent_confusion") or {}
        if not matrix:
            continue
        lines += [f"## intent confusion: {config} (rows: labelled, columns: predicted)", "",
                  "| labelled \\ predicted | " + " | ".join(kinds) + " |", "|---|" + "---|" * len(kinds)]
        lines += [f"| {gold} | " + " | ".join(str(matrix[gold].get(k, 0)) for k in kinds) + " |"
                  for gold in kinds if gold in matrix]
        lines.append("")
    return "\n".join(lines)


def confusion(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Counts of predicted intent per labelled intent: ``{gold: {predicted: n}}``."""
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        if r.get("gold_intent") and r.get("intent"):
            row = out.setdefault(r["gold_intent"], {})
            row[r["intent"]] = row.get(r["intent"], 0) + 1
    return out


def _value(kind: IntentKind | None) -> str | None:
    return kind.value if kind is not None else None


def check_fail_under(report: dict[str, Any], bars: dict[str, float]) -> list[str]:
    """Messages for every configuration whose metric is below its bar (a missing metric fails too)."""
    misses = []
    for name, bar in bars.items():
        for config, data in report["configs"].items():
            value = data["metrics"].get(name)
            if value is None or value < bar:
                misses.append(f"{config}: {name} = {value if value is None else round(value, 4)} < {bar}")
    return misses


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=Path(__file__).parent, timeout=5).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


__all__ = ["BASIC", "BASIC_SETTINGS", "CONFIGS", "INTENT", "RETRIEVAL", "EvalRun", "check_fail_under", "confusion",
           "render_markdown"]
