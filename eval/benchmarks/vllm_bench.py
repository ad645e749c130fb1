"""Benchmark (not a test): learners at once on a vLLM server, Molly's checked answers against
vLLM's own raw throughput for the very same requests, measured in the same run.

For N in 1, 4, 8 concurrent learners (each asking one FAQ dev programming question):

* **molly**: N threads each run a full checked turn (``Tutor.ask``: intent, retrieval, draft,
  reflection, code run) through ``ChatOpenAI``; every HTTP request body Molly sends is recorded
  (a first, unmeasured pass records them, so that both measured phases find a warm prefix cache);
* **raw**: N threads each replay their learner's recorded requests, in the same order, straight
  to vLLM's ``/v1/chat/completions`` (no retrieval, no checks, no LangChain).

Generated tokens come from vLLM's own counter (``vllm:generation_tokens_total``), so both sides
are counted the same way. Prints aggregate tokens/s, p50/p95 seconds per checked answer, and the
ratio molly/raw (target >= 0.8 at 8); writes JSON.

Usage: ``python eval/benchmarks/vllm_bench.py [--url http://127.0.0.1:8000/v1] [--levels 1 4 8]``
(without --url it starts the CPU server with ``scripts/vllm_server.py`` and stops it after).
"""

from __future__ import annotations

import argparse
import contextvars
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from molly.agent import Tutor
from molly.config import Settings
from molly.factory import build_retriever
from molly.sandbox import Sandbox

REPO = Path(__file__).resolve().parents[2]


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def generated_tokens(url: str) -> float:
    text = httpx.get(url.removesuffix("/v1") + "/metrics", timeout=10).text
    return sum(float(v) for v in re.findall(r"^vllm:generation_tokens_total\{[^}]*\} ([\d.e+]+)", text, re.M))


class Recorder:
    """Records the request bodies each learner's turn sends (an httpx event hook). A context
    variable, not a thread-local: LangChain may send a call from a worker thread, copying the
    caller's context into it."""

    def __init__(self) -> None:
        self.bodies: contextvars.ContextVar[list[bytes]] = contextvars.ContextVar("bodies")

    def hook(self, request: httpx.Request) -> None:
        if request.url.path.endswith("/chat/completions"):
            self.bodies.get().append(request.content)


def molly_phase(url: str, settings: Settings, retriever, questions: list[str]) -> tuple[list[float], list[list[bytes]]]:  # type: ignore[no-untyped-def]
    """Each question as one learner's checked turn, all at once; their times and recorded requests."""
    from langchain_openai import ChatOpenAI

    rec = Recorder()
    llm = ChatOpenAI(base_url=url, api_key="not-needed", model=settings.openai_model,  # type: ignore[arg-type]
                     temperature=0, max_completion_tokens=settings.max_answer_tokens, timeout=600, max_retries=0,
                     metadata={"structured_output": "json_schema"},
                     http_client=httpx.Client(event_hooks={"request": [rec.hook]}, timeout=600))
    tutor = Tutor(settings, llm, retriever, retriever.embedder, None, Sandbox() if settings.run_code else None)

    def learner(q: str) -> tuple[float, list[bytes]]:
        bodies: list[bytes] = []
        rec.bodies.set(bodies)
        t = time.perf_counter()
        tutor.ask(q)
        return time.perf_counter() - t, bodies

    with ThreadPoolExecutor(len(questions)) as pool:
        out = list(pool.map(learner, questions))
    return [t for t, _ in out], [b for _, b in out]


def raw_phase(url: str, recorded: list[list[bytes]]) -> list[float]:
    """Each learner's recorded requests replayed in order, all learners at once; their times."""
    def learner(bodies: list[bytes]) -> float:
        t = time.perf_counter()
        with httpx.Client(timeout=600) as c:
            for body in bodies:
                c.post(f"{url}/chat/completions", content=body,
                       headers={"Content-Type": "application/json"}).raise_for_status()
        return time.perf_counter() - t

    with ThreadPoolExecutor(len(recorded)) as pool:
        return list(pool.map(learner, recorded))


def measure(url: str, fn, *args) -> tuple[object, float, float]:  # type: ignore[no-untyped-def]
    before, t = generated_tokens(url), time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - t, generated_tokens(url) - before


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="a running vLLM server's /v1 URL (default: start the CPU one)")
    ap.add_argument("--model", default="molly")
    ap.add_argument("--levels", type=int, nargs="+", default=[1, 4, 8])
    ap.add_argument("--out", type=Path, default=REPO / "eval/benchmarks/results/vllm.json")
    args = ap.parse_args()
    server_pid = None
    url = args.url
    if url is None:
        tmp = Path(tempfile.mkdtemp(prefix="molly-vllm-"))
        subprocess.run([sys.executable, str(REPO / "scripts/vllm_server.py"), "serve", "--port", "8011", "--pidfile",
                        str(tmp / "pid"), "--log", str(tmp / "vllm.log")], check=True)
        server_pid, url = int((tmp / "pid").read_text()), "http://127.0.0.1:8011/v1"
    try:
        settings = Settings(llm_backend="openai", openai_base_url=url, openai_model=args.model,
                            courses_db=Path(tempfile.mkdtemp()) / "c.sqlite", sample_course=False)
        retriever = build_retriever(settings, with_courses=False)
        rows = [json.loads(line) for line in (REPO / "eval/datasets/faq_dev.jsonl").read_text().splitlines()]
        # Programming questions: each gets a full checked turn (general ones can be judged off-topic).
        questions = [r["question"] for r in rows if r["id"].startswith("faq-programming")]
        molly_phase(url, settings, retriever, questions[-1:])  # warm-up
        results = []
        for n in args.levels:
            qs = [questions[i % len(questions)] for i in range(n)]
            # A first, unmeasured Molly pass records the requests; then raw and Molly are measured,
            # both finding every prompt in vLLM's prefix cache, so neither gets an advantage.
            _, recorded = molly_phase(url, settings, retriever, qs)
            raw_times, r_wall, r_tok = measure(url, raw_phase, url, recorded)
            (times, recorded), m_wall, m_tok = measure(url, molly_phase, url, settings, retriever, qs)
            row = {"learners": n, "requests": sum(map(len, recorded)),
                   "molly_tokens_per_s": round(m_tok / m_wall, 1), "raw_tokens_per_s": round(r_tok / r_wall, 1),
                   "ratio": round((m_tok / m_wall) / (r_tok / r_wall), 3),
                   "molly_answer_p50_s": round(pct(times, 0.5), 2), "molly_answer_p95_s": round(pct(times, 0.95), 2),
                   "raw_p50_s": round(pct(raw_times, 0.5), 2), "raw_p95_s": round(pct(raw_times, 0.95), 2),
                   "generated_tokens": {"molly": int(m_tok), "raw": int(r_tok)}}
            print(json.dumps(row), flush=True)
            results.append(row)
    finally:
        if server_pid:
            os.killpg(server_pid, signal.SIGTERM)
    out = {"url": url, "model": args.model, "levels": results, "cpu": os.cpu_count()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
