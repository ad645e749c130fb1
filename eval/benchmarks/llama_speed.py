"""Benchmark (not a test): llama.cpp's prompt-reading and writing speed with the packaged model,
flash attention off vs on, side by side in one run (alternating, several rounds).

On a 2-core CPU prompt reading is most of a turn (a draft reads ~800 new tokens), so this says
whether flash attention is worth a setting (measured: no; see the README). The prompt is real: the system prompt and
four docs passages, as a draft sees them. Results in ``eval/benchmarks/results/llama_speed.json``.

Usage: ``.venv/bin/python eval/benchmarks/llama_speed.py [--rounds 3]``
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from pathlib import Path

from molly.config import Settings
from molly.model_files import packaged_gguf
from molly.prompting import system_text
from molly.retrieval.store import load_corpus

ROOT = Path(__file__).resolve().parents[2]
WRITE_TOKENS = 96


def prompt_text(settings: Settings) -> str:
    """The system prompt and four docs passages about files, about 900 tokens."""
    chunks = [c for c in load_corpus(settings.kb_dir)[0] if c.page == "tutorial/inputoutput.html"][:4]
    passages = "\n\n".join(f"[{i}] {c.title}\n{c.text[:700]}" for i, c in enumerate(chunks, 1))
    return f"{system_text()}\n\n{passages}\n\nQuestion: How do I read a file line by line?\nAnswer:"


def measure(path: Path, flash: bool, text: str, threads: int) -> dict[str, float]:
    """Seconds to read ``text`` and to write ``WRITE_TOKENS`` more, from an empty cache."""
    from llama_cpp import Llama

    llm = Llama(model_path=str(path), n_ctx=4096, n_batch=512, n_threads=threads, flash_attn=flash,
                verbose=False, seed=0)
    tokens = llm.tokenize(text.encode())
    start = time.perf_counter()
    llm.eval(tokens)
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(WRITE_TOKENS):
        token = llm.sample(temp=0.0)
        llm.eval([token])
    write_s = time.perf_counter() - start
    del llm
    gc.collect()
    return {"prompt_tokens": len(tokens), "read_tok_s": len(tokens) / read_s, "write_tok_s": WRITE_TOKENS / write_s}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    settings = Settings()
    path = settings.model_path or packaged_gguf(settings.cache_dir)
    threads = settings.n_threads or 2
    text = prompt_text(settings)
    runs: dict[str, list[dict[str, float]]] = {"off": [], "on": []}
    for r in range(args.rounds):
        for flash in ((False, True) if r % 2 == 0 else (True, False)):
            m = measure(path, flash, text, threads)
            runs["on" if flash else "off"].append(m)
            print(f"round {r + 1} flash_attn={'on ' if flash else 'off'} read {m['read_tok_s']:.1f} tok/s "
                  f"({m['prompt_tokens']} tokens), write {m['write_tok_s']:.1f} tok/s", flush=True)
    summary = {k: {"read_tok_s_median": statistics.median(x["read_tok_s"] for x in v),
                   "write_tok_s_median": statistics.median(x["write_tok_s"] for x in v)} for k, v in runs.items()}
    summary["read_ratio_on_over_off"] = summary["on"]["read_tok_s_median"] / summary["off"]["read_tok_s_median"]
    summary["write_ratio_on_over_off"] = summary["on"]["write_tok_s_median"] / summary["off"]["write_tok_s_median"]
    print(json.dumps(summary, indent=2))
    out = ROOT / "eval" / "benchmarks" / "results" / "llama_speed.json"
    out.write_text(json.dumps({"threads": threads, "summary": summary, "runs": runs}, indent=2) + "\n")


if __name__ == "__main__":
    main()
