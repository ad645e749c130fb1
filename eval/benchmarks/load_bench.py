"""Benchmark (not a test): a class on one 2-core server. 20 learner sessions ask at once through
the real Gradio server (``molly serve`` in its own process), with an instant fake LLM so that
what is measured is Molly's own overhead (retrieval with the packaged MiniLM over the shipped
index, course lookup, reflection checks, code run in the sandbox, sanitising); the server's own
per-turn timings are read back from its question log, the clients' round trips are timed here.

Then a flood: many more turns than the queue holds (120 against a queue of 8), sent at once,
while a page load is timed, to show that a full queue answers "busy" instead of making learners
wait, and that the page stays responsive. The clients run on the same 2 cores as the server, so
their own start-up (120 threads opening connections) is part of the times measured.

Prints p50/p95 and error counts and writes them as JSON.

Usage: ``python eval/benchmarks/load_bench.py [--sessions 20] [--turns 3] [--out FILE]``
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from molly.config import Settings

REPO = Path(__file__).resolve().parents[2]


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of ``values`` (nearest rank)."""
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))] if s else float("nan")


def questions(n: int) -> list[str]:
    """Real learner questions: FAQ dev, in file order."""
    rows = [json.loads(line) for line in (REPO / "eval/datasets/faq_dev.jsonl").read_text().splitlines()]
    return [r["question"] for r in rows][:n]


def serve(tmp: Path, port: int, **env: str) -> subprocess.Popen[bytes]:
    """``molly serve`` with the fake LLM on ``port``, its own course database; returns once it answers."""
    environ = {**os.environ, "MOLLY_LLM_BACKEND": "fake", "MOLLY_PORT": str(port),
               "MOLLY_COURSES_DB": str(tmp / f"courses-{port}.sqlite"), **env}
    proc = subprocess.Popen([sys.executable, "-m", "molly.cli", "serve"], env=environ, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("the server did not start")


def server_timings(db: Path) -> list[dict[str, float]]:
    """Each logged turn's stage timings, in the order asked."""
    with sqlite3.connect(db) as con:
        return [json.loads(t) for (t,) in con.execute("SELECT timings FROM questions ORDER BY id")]


def session(url: str, asks: list[str]) -> tuple[list[float], int]:
    """One learner: a fresh browser session asking ``asks`` in turn (each a follow-up of the chat)."""
    from gradio_client import Client

    client, chat, latencies, errors = Client(url, verbose=False), [], [], 0
    for q in asks:
        t = time.perf_counter()
        try:
            chat, _, _ = client.predict(q, chat, "intro-python", api_name="/ask")
            if "Checks:" not in str(chat[-1]["content"]):
                errors += 1
        except Exception:
            errors += 1
        latencies.append(time.perf_counter() - t)
    return latencies, errors


def flood(url: str, n: int) -> dict[str, float | int | None]:
    """``n`` turns submitted at once from ``n`` sessions already connected, timing each reply
    from its submission, and a page load meanwhile."""
    from gradio_client import Client

    with ThreadPoolExecutor(8) as pool:
        clients = list(pool.map(lambda _: Client(url, verbose=False), range(n)))
    start = threading.Barrier(n)

    def one(client: Client) -> tuple[str, float]:
        start.wait()
        t = time.perf_counter()
        try:
            client.predict("What is a list?", [], "intro-python", api_name="/ask")
            return "answered", time.perf_counter() - t
        except Exception as e:  # the queue-full rejection arrives as an error
            return ("busy" if "queue is full" in str(e).lower() else f"error: {e}"[:80]), time.perf_counter() - t

    page_times: list[float] = []
    with ThreadPoolExecutor(n) as pool:
        futures = [pool.submit(one, c) for c in clients]
        time.sleep(0.5)
        for _ in range(5):
            t = time.perf_counter()
            httpx.get(url, timeout=30).raise_for_status()
            page_times.append(time.perf_counter() - t)
        results = [f.result() for f in futures]
    busy = [t for r, t in results if r == "busy"]
    answered = [t for r, t in results if r == "answered"]
    return {"sent": n, "answered": len(answered), "busy": len(busy),
            "other_errors": sum(r not in ("answered", "busy") for r, _ in results),
            "busy_reply_p50_s": round(pct(busy, 0.5), 3) if busy else None,
            "busy_reply_p95_s": round(pct(busy, 0.95), 3) if busy else None,
            "answered_p95_s": round(pct(answered, 0.95), 3) if answered else None,
            "page_load_during_flood_max_s": round(max(page_times), 3)}


def run_sessions(url: str, qs: list[str], sessions: int, turns: int) -> tuple[list[float], int, float]:
    """``sessions`` learners at once, ``turns`` questions each: latencies, errors, wall time."""
    t0 = time.perf_counter()
    with ThreadPoolExecutor(sessions) as pool:
        results = list(pool.map(lambda i: session(url, qs[i * turns:(i + 1) * turns]), range(sessions)))
    return [x for lat, _ in results for x in lat], sum(e for _, e in results), time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--turns", type=int, default=3)
    ap.add_argument("--flood", type=int, default=120, help="turns sent at once in the flood phase")
    ap.add_argument("--out", type=Path, default=REPO / "eval/benchmarks/results/load.json")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="molly-load-"))
    port = 7891
    server = serve(tmp, port, MOLLY_QUEUE_MAX_SIZE="32")
    url = f"http://127.0.0.1:{port}/"
    try:
        qs = questions(args.sessions * args.turns + 1)
        session(url, qs[-1:])  # warm up: embedder, index and sandbox paged in
        # One learner alone first (the same questions as the first session), then the class at once.
        run_sessions(url, qs, 1, args.turns)
        latencies, errors, wall = run_sessions(url, qs, args.sessions, args.turns)
    finally:
        server.terminate()
        server.wait(30)
    logged = server_timings(tmp / f"courses-{port}.sqlite")[1:]
    solo, turns = [t["total"] for t in logged[:args.turns]], logged[args.turns:]
    overhead = [t["total"] for t in turns]
    stages = {k: round(statistics.median(t.get(k, 0.0) for t in turns) * 1000, 1)
              for k in ("intent", "retrieve", "draft", "reflect")}
    server = serve(tmp, port + 1, MOLLY_QUEUE_MAX_SIZE="8")
    try:
        flooded = flood(f"http://127.0.0.1:{port + 1}/", args.flood)
    finally:
        server.terminate()
        server.wait(30)
    out = {
        "sessions": args.sessions, "turns_each": args.turns, "turns": len(latencies), "errors": errors,
        "answer_slots": Settings(llm_backend="fake").answer_slots, "wall_s": round(wall, 1),
        "turns_per_s": round(len(latencies) / wall, 2),
        "solo_overhead_p50_s": round(pct(solo, 0.5), 3),
        "overhead_p50_s": round(pct(overhead, 0.5), 3), "overhead_p95_s": round(pct(overhead, 0.95), 3),
        "overhead_stage_medians_ms": stages,
        "client_latency_p50_s": round(pct(latencies, 0.5), 3), "client_latency_p95_s": round(pct(latencies, 0.95), 3),
        "flood": flooded, "cpu": "2 cores", "llm": "TutorFakeChatModel (instant)",
    }
    print(json.dumps(out, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    return 0 if errors == 0 and flooded["other_errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
