"""Benchmark (not a test): the embedded chat model before and after ``langchain_community``'s
``ChatLlamaCpp`` was replaced by ``molly.llamacpp.LlamaCppChat``, side by side in one run.

Three models on the packaged GGUF, called in turn on the same inputs:
* ``old``: ``ChatLlamaCpp`` as Molly built it (it passes ``rope_freq_base=10000``);
* ``adapter_rope10k``: the new adapter with that same rope base (the adapter's own cost);
* ``new``: the new adapter with the model's own rope base (1,000,000), what Molly now runs.
Per model: the intent call (JSON grammar) on the first ``--intent`` labelled questions of
``intent_dev.jsonl`` that the rules leave to the model (accuracy of the kind, seconds), and the
draft (streamed) for ``--drafts`` questions with their real passages (seconds, tokens written).
The drafts go to the results file for reading. ``old`` needs ``pip install langchain-community==0.4.2``
(no longer a dependency); without it that column is skipped.

Usage: ``.venv/bin/python eval/benchmarks/embedded_chat_bench.py [--intent 40] [--drafts 6] [--out FILE]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from molly.config import Settings
from molly.draft import draft_messages
from molly.factory import build_retriever
from molly.llamacpp import LlamaCppChat, counters, grammar_checks_top_k, load_llama
from molly.llm import UsageCounter, stream_llm
from molly.model_files import packaged_gguf
from molly.perceive.intent import IntentReply, intent_messages, parse_intent, rule_intent

ROOT = Path(__file__).resolve().parents[2]


def models(settings: Settings) -> dict[str, Any]:
    path = packaged_gguf(settings.cache_dir)
    threads = settings.n_threads
    out: dict[str, Any] = {}
    try:
        from langchain_community.chat_models import ChatLlamaCpp

        old = ChatLlamaCpp(model_path=str(path), n_ctx=settings.n_ctx, n_batch=512, n_threads=threads or 2,
                           temperature=settings.temperature, max_tokens=settings.max_answer_tokens,
                           verbose=False, seed=0)
        grammar_checks_top_k(old.client)
        out["old"] = old
    except ImportError:
        print("langchain-community is not installed: no 'old' column")
    for name, rope in (("adapter_rope10k", {"rope_freq_base": 10000.0}), ("new", {})):
        chat = LlamaCppChat(client=load_llama(path, settings.n_ctx, threads, **rope),
                            temperature=settings.temperature, max_tokens=settings.max_answer_tokens)
        grammar_checks_top_k(chat.client)
        out[name] = chat
    return out


def intent_call(llm: Any, question: str) -> tuple[str, float]:
    fmt = {"type": "json_object", "schema": IntentReply.model_json_schema()}
    t = time.perf_counter()
    reply = llm.invoke(intent_messages(question), max_tokens=120, response_format=fmt).content
    took = time.perf_counter() - t
    try:
        return parse_intent(str(reply), question).kind.value, took
    except ValueError:
        return "invalid", took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--intent", type=int, default=40)
    ap.add_argument("--drafts", type=int, default=6)
    ap.add_argument("--out", type=Path, default=ROOT / "eval/benchmarks/results/embedded_chat.json")
    args = ap.parse_args()
    settings = Settings()
    chats = models(settings)
    rows = [json.loads(line) for line in (ROOT / "eval/datasets/intent_dev.jsonl").read_text().splitlines()]
    rows = [r for r in rows if rule_intent(r["question"]) is None][: args.intent]
    res: dict[str, dict[str, Any]] = {n: {"intent_right": 0, "intent_s": [], "draft_s": [], "drafts": []}
                                     for n in chats}
    for r in rows:
        for name, llm in chats.items():
            kind, took = intent_call(llm, r["question"])
            res[name]["intent_right"] += kind == r["intent"]
            res[name]["intent_s"].append(took)
    retriever = build_retriever(settings, progress=None)
    faq = [json.loads(line) for line in (ROOT / "eval/datasets/faq_dev.jsonl").read_text().splitlines()]
    for item in faq[:: max(1, len(faq) // args.drafts)][: args.drafts]:
        passages = retriever.retrieve([item["question"]], tuple(item.get("exclude_sources", [])))
        messages = draft_messages(item["question"], passages, "")
        for name, llm in chats.items():
            llm.client.reset()
            counters(llm, reset=True)
            counter, t, text = UsageCounter(), time.perf_counter(), ""
            for part in stream_llm(llm, messages, counter):
                text = part
            res[name]["draft_s"].append(time.perf_counter() - t)
            speed = counters(llm) or {}
            for key in ("read", "read_ms", "written", "written_ms"):
                res[name].setdefault(key, []).append(speed.get(key, 0.0))
            res[name]["drafts"].append({"id": item["id"], "question": item["question"], "answer": text})
    summary = {n: {"intent_accuracy": round(v["intent_right"] / max(1, len(rows)), 3),
                   "intent_median_s": round(statistics.median(v["intent_s"]), 2) if v["intent_s"] else None,
                   "draft_median_s": round(statistics.median(v["draft_s"]), 2) if v["draft_s"] else None,
                   "draft_tokens_written_median": statistics.median(v["written"]) if v["draft_s"] else None,
                   "read_tokens_per_s": round(sum(v["read"]) * 1000 / sum(v["read_ms"]), 1) if v["draft_s"] else None,
                   "written_tokens_per_s": round(sum(v["written"]) * 1000 / sum(v["written_ms"]), 1) if v["draft_s"] else None}
               for n, v in res.items()}
    print(f"{'model':<18}{'intent acc':>11}{'intent s':>9}{'draft s':>9}{'written':>9}{'read/s':>8}{'write/s':>8}"
          f"   (n intent={len(rows)}, drafts={args.drafts})")
    for n, s in summary.items():
        print(f"{n:<18}{s['intent_accuracy']:>11}{s['intent_median_s']:>9}{s['draft_median_s']:>9}"
              f"{s['draft_tokens_written_median']:>9}{s['read_tokens_per_s']:>8}{s['written_tokens_per_s']:>8}")
    args.out.write_text(json.dumps({"summary": summary, "n_intent": len(rows),
                                    "drafts": {n: v["drafts"] for n, v in res.items()}}, indent=1))


if __name__ == "__main__":
    main()
