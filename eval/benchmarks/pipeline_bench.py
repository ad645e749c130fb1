"""Benchmark (not a test): the full Molly turn vs plain single-call RAG, same model, same run.

For 10 fixed questions it runs Molly's pipeline and the plain-RAG baseline back to back (order
alternating; before each turn llama.cpp's prompt cache is reset to what a running app holds
between turns, the shared system prompt, so neither inherits the other's question), and reports per-stage times, LLM calls, prompt tokens, median/p95 totals and the ratio.
It also measures retrieval latency (embed + FAISS search) over 200 queries, and (embedded model)
llama.cpp's reading and writing speed over the plain-RAG calls, since this machine's speed drifts.

Usage: ``python eval/benchmarks/pipeline_bench.py [--out eval/benchmarks/results/pipeline.json]``
(honours MOLLY_* settings, e.g. MOLLY_LLM_BACKEND=openai for a served model).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from molly.config import Settings
from molly.evaluation.metrics import percentile
from molly.factory import build_retriever, build_tutor
from molly.llm import llama_counters

QUESTIONS = [
    "How do I read a file line by line?",
    "What is the difference between a list and a tuple?",
    "How do I sort a list of dictionaries by a key?",
    "What does the yield keyword do?",
    "Traceback (most recent call last):\n  File \"a.py\", line 2, in <module>\n    print(int('abc'))\nValueError: invalid literal for int() with base 10: 'abc'",
    "How can I check if a key exists in a dictionary?",
    "What is a lambda function?",
    "How do I format a float with two decimal places in an f-string?",
    "Why does my function return None?\n\ndef add(a, b):\n    print(a + b)\n\nx = add(1, 2)",
    "How do I remove duplicates from a list while keeping the order?",
]


def reset_cache(tutor: Any) -> None:
    """Start each turn from the steady state of a running app: each llama.cpp context's cache
    holds its system prompt (the intent call's, the tutor's) and nothing of this question."""
    for llm in {id(m): m for m in (tutor.llm, tutor.intent_llm)}.values():
        client = getattr(llm, "client", None)
        if client is not None and hasattr(client, "reset"):
            client.reset()
    tutor.warm_up()


def retrieval_latency(retriever: Any, n: int = 200) -> tuple[float, float]:
    """p50/p95 milliseconds of one question's embed + FAISS search + ranking."""
    lat = []
    for j in range(n):
        q = QUESTIONS[j % len(QUESTIONS)] + f" {j}"
        s = time.perf_counter()
        retriever.retrieve([q])
        lat.append((time.perf_counter() - s) * 1000)
    return percentile(lat, 0.5), percentile(lat, 0.95)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("eval/benchmarks/results/pipeline.json"))
    parser.add_argument("--limit", type=int, default=len(QUESTIONS))
    parser.add_argument("--retrieval-only", action="store_true", help="measure retrieval latency alone")
    args = parser.parse_args()
    settings = Settings()
    if args.retrieval_only:
        p50, p95 = retrieval_latency(build_retriever(settings))
        print(json.dumps({"retrieval_ms_p50": p50, "retrieval_ms_p95": p95}, indent=2))
        return
    t = time.perf_counter()
    tutor = build_tutor(settings)
    print(f"backend={settings.llm_backend} setup {time.perf_counter() - t:.1f} s")
    # Retrieval alone, before llama.cpp has run: its worker threads spin for a while after each
    # call and slow whatever runs next on 2 cores, so the in-turn figure is measured at the end too.
    idle_p50, idle_p95 = retrieval_latency(tutor.retriever)
    tutor.plain_rag("warm-up: what is a variable?")  # loads the model weights into memory

    rows, speed = [], {"read": 0.0, "read_ms": 0.0, "written": 0.0, "written_ms": 0.0}
    for i, q in enumerate(QUESTIONS[: args.limit]):
        order = ("molly", "plain") if i % 2 == 0 else ("plain", "molly")
        res: dict[str, Any] = {}
        for kind in order:
            reset_cache(tutor)
            llama_counters(tutor.llm, reset=True)
            start = time.perf_counter()
            ans = tutor.ask(q) if kind == "molly" else tutor.plain_rag(q)
            counted = llama_counters(tutor.llm) if kind == "plain" else None
            for key, value in (counted or {}).items():  # how fast the machine ran llama.cpp in this run
                speed[key] += value
            res[kind] = {"total": time.perf_counter() - start, "timings": ans.timings, "llm_calls": ans.llm_calls,
                         "prompt_tokens": ans.prompt_tokens, "intent": ans.intent.kind.value,
                         "cited": [c.url for c in ans.citations], "withheld": ans.withheld, "text": ans.text,
                         "checks": {c.name: c.passed for c in ans.checks}}
        rows.append({"question": q, **res})
        m, p = res["molly"], res["plain"]
        stages = " ".join(f"{k}={v:.1f}" for k, v in m["timings"].items() if k != "total")
        print(f"[{i + 1:2d}] molly {m['total']:5.1f}s ({stages}; calls={m['llm_calls']} ptok={m['prompt_tokens']}"
              f" {m['intent']}{' WITHHELD' if m['withheld'] else ''}) | plain {p['total']:5.1f}s "
              f"(ptok={p['prompt_tokens']}) | {q.splitlines()[0][:50]}")

    molly = [r["molly"]["total"] for r in rows]
    plain = [r["plain"]["total"] for r in rows]
    ratios = [a / b for a, b in zip(molly, plain, strict=True)]
    busy_p50, busy_p95 = retrieval_latency(tutor.retriever)
    summary = {
        "questions": len(rows), "backend": settings.llm_backend,
        "molly_median_s": statistics.median(molly), "molly_p95_s": percentile(molly, 0.95),
        "plain_median_s": statistics.median(plain), "plain_p95_s": percentile(plain, 0.95),
        "ratio_of_medians": statistics.median(molly) / statistics.median(plain),
        "median_ratio": statistics.median(ratios),
        "llm_calls_max": max(r["molly"]["llm_calls"] for r in rows),
        "llm_calls_mean": statistics.mean(r["molly"]["llm_calls"] for r in rows),
        "prompt_tokens_mean_molly": statistics.mean(r["molly"]["prompt_tokens"] for r in rows),
        "prompt_tokens_mean_plain": statistics.mean(r["plain"]["prompt_tokens"] for r in rows),
        "stage_median_s": {s: statistics.median(r["molly"]["timings"].get(s, 0.0) for r in rows)
                           for s in ("intent", "retrieve", "draft", "reflect")},
        "withheld": sum(r["molly"]["withheld"] for r in rows),
        "retrieval_ms_p50": idle_p50, "retrieval_ms_p95": idle_p95,
        "retrieval_ms_p50_after_llm": busy_p50, "retrieval_ms_p95_after_llm": busy_p95,
        # llama.cpp's speed over the plain-RAG calls of this run, to compare runs on a machine whose
        # speed drifts (the README's figures were taken at ~55 read and ~16-18 written tokens/s).
        "llama_read_tok_s": speed["read"] / speed["read_ms"] * 1000 if speed["read_ms"] else None,
        "llama_write_tok_s": speed["written"] / speed["written_ms"] * 1000 if speed["written_ms"] else None,
    }
    print(json.dumps(summary, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": summary, "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
